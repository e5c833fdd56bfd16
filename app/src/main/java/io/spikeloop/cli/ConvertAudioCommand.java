package io.spikeloop.cli;

import io.spikeloop.convert.audio.AudioConverter;
import io.spikeloop.data.shd.ShdRecordings;
import io.spikeloop.data.shd.ShdWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code convert audio}: WAV/FLAC recordings to an SHD-layout HDF5 file. */
@Command(name = "audio", mixinStandardHelpOptions = true,
    description = {"Convert WAV/FLAC recordings into SHD-like spike trains (the lauscher model: "
        + "basilar membrane, hair cells, bushy cells) and write them in SHD's HDF5 layout.",
        "Labels come from Heidelberg Digits names (lang-english -> digit, lang-german -> digit+10)"
            + " or from --labels."},
    footer = {"", "Example:",
        "  ./spikeloop convert audio --in ../shared/data/heidelberg-digits/audio --out runs/hd.h5",
        "  ./spikeloop data info 'shd:runs/hd.h5#test-speakers=0,1'"})
public final class ConvertAudioCommand implements Callable<Integer> {
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--in", required = true, description = "Folder of .wav/.flac recordings.")
  Path in;

  @Option(names = "--out", required = true, description = "HDF5 file to write (SHD layout).")
  Path out;

  @Option(names = "--labels", description = "Tab-separated file<TAB>label[<TAB>speaker"
      + "[<TAB>trial]] for files without Heidelberg Digits names.")
  Path labels;

  @Option(names = "--channels", defaultValue = "700",
      description = "Cochlear channels (SHD: ${DEFAULT-VALUE}).")
  int channels;

  @Option(names = "--classes", defaultValue = "20", description = "Number of classes (SHD: 20).")
  int classes;

  @Option(names = "--limit", description = "Convert only the first N files (by name).")
  Integer limit;

  @Option(names = "--seed", defaultValue = "1", description = "Seed of the stochastic bushy cells.")
  long seed;

  @Option(names = "--threads", description = "Worker threads (default: all cores).")
  Integer threads;

  @Override
  public Integer call() throws Exception {
    if (channels < 1 || channels > 32768) {
      throw new IllegalArgumentException("--channels must be in 1..32768, got " + channels);
    }
    List<AudioConverter.Item> items = AudioConverter.scan(in, labels);
    if (limit != null) {
      items = items.subList(0, Math.min(limit, items.size()));
    }
    int workers = threads != null ? threads : Runtime.getRuntime().availableProcessors();
    long start = System.nanoTime();
    ShdRecordings data;
    var err = spec.commandLine().getErr();
    try (ProgressReporter progress = new ProgressReporter("convert audio", items.size(),
        new java.io.PrintStream(System.err, true))) {
      data = AudioConverter.convert(items, channels, classes, seed, workers, progress::done);
    }
    ShdWriter.write(data, out);
    long spikes = 0;
    for (float[] t : data.times()) {
      spikes += t.length;
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    spec.commandLine().getOut().printf("wrote %s: %d samples, %d channels, %.0f spikes/sample "
        + "(%.1f s, %d threads)%n", out, data.size(), channels, spikes / (double) data.size(),
        seconds, workers);
    err.flush();
    return 0;
  }
}
