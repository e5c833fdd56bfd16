package io.spikeloop.cli;

import io.spikeloop.convert.images.GrayImage;
import io.spikeloop.convert.images.ImageConverter;
import io.spikeloop.convert.images.ImageFiles;
import io.spikeloop.convert.images.SaccadeDvs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code convert images}: MNIST idx / PNG / PGM images to N-MNIST-format event files. */
@Command(name = "images", mixinStandardHelpOptions = true,
    description = {"Simulate N-MNIST recordings of images: three saccades in front of a DVS "
        + "(log-intensity change against a contrast threshold, refractory time), written as "
        + "N-MNIST .bin files (OUT/Train/<id>.bin + OUT/train-labels.tsv, ids as N-MNIST).",
        "--in is an MNIST idx3 file (.gz or raw; labels from the idx1 file beside it or "
            + "--labels), a PNG/PGM file, or a folder of PNG/PGM files in digit-named subfolders."},
    footer = {"", "Example:",
        "  ./spikeloop convert images --in ../shared/data/mnist/t10k-images-idx3-ubyte.gz "
            + "--limit 100 --out runs/sim-nmnist"})
public final class ConvertImagesCommand implements Callable<Integer> {
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--in", required = true, description = "idx3 file, PNG/PGM file or folder.")
  Path in;

  @Option(names = "--out", required = true, description = "Output folder (N-MNIST layout).")
  Path out;

  @Option(names = "--labels", description = "idx1 labels (default: the file beside --in).")
  Path labels;

  @Option(names = "--label", description = "Label of PNG/PGM images outside digit folders.")
  Integer label;

  @Option(names = "--part", description = "train or test (ids 1.. or 60001..); default from the "
      + "file name (t10k = test).")
  String part;

  @Option(names = "--offset", defaultValue = "0", description = "First image index (0-based).")
  int offset;

  @Option(names = "--limit", defaultValue = "2147483647", description = "Number of images.")
  int limit;

  @Option(names = "--threshold", defaultValue = "0.53",
      description = "DVS contrast threshold in log intensity (default ${DEFAULT-VALUE}: ~4,100 "
          + "events per MNIST digit, as the real recordings).")
  double threshold;

  @Option(names = "--refractory-us", defaultValue = "1000",
      description = "Pixel refractory time in microseconds.")
  double refractoryMicros;

  @Option(names = "--threads", description = "Worker threads (default: all cores).")
  Integer threads;

  @Override
  public Integer call() throws Exception {
    List<GrayImage> images;
    ImageConverter.Part target;
    if (Files.isDirectory(in)) {
      images = readFolder(in);
      target = partOr(ImageConverter.Part.TRAIN);
    } else if (ImageFiles.isIdx(in)) {
      Path labelFile = labels != null ? labels : ImageFiles.labelsBeside(in);
      if (labels == null && !Files.isRegularFile(labelFile)) {
        throw new IOException(in + ": no labels file " + labelFile.getFileName()
            + " beside it (give --labels)");
      }
      images = ImageFiles.readIdx(in, labelFile, offset, limit);
      boolean test = in.getFileName().toString().startsWith("t10k");
      target = partOr(test ? ImageConverter.Part.TEST : ImageConverter.Part.TRAIN);
    } else {
      if (label == null) {
        throw new IllegalArgumentException("--label is needed for a single image " + in);
      }
      images = List.of(ImageFiles.readImage(in, label));
      target = partOr(ImageConverter.Part.TRAIN);
    }
    if (images.isEmpty()) {
      throw new IOException(in + ": no images selected");
    }
    SaccadeDvs dvs = SaccadeDvs.NMNIST.withThreshold(threshold);
    dvs = new SaccadeDvs(threshold, refractoryMicros, dvs.logOffset(), dvs.stepMicros(),
        dvs.sensorSize(), dvs.startX(), dvs.startY());
    int workers = threads != null ? threads : Runtime.getRuntime().availableProcessors();
    int first = Files.isDirectory(in) || !ImageFiles.isIdx(in) ? 0 : offset;
    long events;
    try (ProgressReporter progress = new ProgressReporter("convert images", images.size(),
        new java.io.PrintStream(System.err, true))) {
      events = ImageConverter.convert(images, first, target, out, dvs, workers, progress::done);
    }
    spec.commandLine().getOut().printf("wrote %d recordings to %s (ids %d..%d), %.0f events per "
            + "sample%n", images.size(), out.resolve(target.folder()), target.id(first),
        target.id(first + images.size() - 1), events / (double) images.size());
    return 0;
  }

  private ImageConverter.Part partOr(ImageConverter.Part fallback) {
    if (part == null) {
      return fallback;
    }
    return switch (part.toLowerCase(Locale.ROOT)) {
      case "train" -> ImageConverter.Part.TRAIN;
      case "test" -> ImageConverter.Part.TEST;
      default -> throw new IllegalArgumentException("--part must be train or test, got " + part);
    };
  }

  private List<GrayImage> readFolder(Path dir) throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.walk(dir, 2)) {
      files = s.filter(p -> {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".png") || n.endsWith(".pgm");
      }).sorted().toList();
    }
    List<GrayImage> out = new ArrayList<>();
    for (Path f : files.subList(Math.min(offset, files.size()),
        (int) Math.min(files.size(), (long) offset + limit))) {
      String parent = f.getParent().getFileName().toString();
      Integer l = parent.matches("\\d+") ? Integer.valueOf(parent) : label;
      if (l == null) {
        throw new IOException(f + ": no label (put images in digit-named folders or give --label)");
      }
      out.add(ImageFiles.readImage(f, l));
    }
    return out;
  }
}
