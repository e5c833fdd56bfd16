package io.spikeloop.convert.images;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/**
 * Writes simulated recordings of images as an N-MNIST folder part: {@code OUT/<Part>/<id>.bin}
 * plus {@code OUT/<part>-labels.tsv} ({@code id<TAB>class}), the flat layout {@code nmnist:PATH}
 * reads. Ids follow N-MNIST: training image i (0-based) is id i + 1, test image i is 60001 + i.
 */
public final class ImageConverter {
  /** Where an image goes. */
  public enum Part {
    TRAIN("Train", 1), TEST("Test", 60_001);

    final String folder;
    final int firstId;

    Part(String folder, int firstId) {
      this.folder = folder;
      this.firstId = firstId;
    }

    public String folder() {
      return folder;
    }

    /** The N-MNIST id of the image at 0-based index {@code index} of this part. */
    public int id(int index) {
      return firstId + index;
    }
  }

  private ImageConverter() {
  }

  /**
   * Converts {@code images} (the first at 0-based source index {@code firstIndex}) in parallel and
   * returns the total number of events; {@code progress} gets the count of finished images.
   */
  public static long convert(List<GrayImage> images, int firstIndex, Part part, Path out,
                             SaccadeDvs dvs, int threads, IntConsumer progress) throws IOException {
    Path dir = out.resolve(part.folder());
    Files.createDirectories(dir);
    for (int i = 0; i < images.size(); i++) {
      if (images.get(i).label() < 0) {
        throw new IOException("image " + (firstIndex + i) + " has no label (give --labels or "
            + "--label)");
      }
    }
    AtomicInteger done = new AtomicInteger();
    long[] events = new long[images.size()];
    java.util.concurrent.ForkJoinPool pool = new java.util.concurrent.ForkJoinPool(Math.max(1, threads));
    try {
      pool.submit(() -> IntStream.range(0, images.size()).parallel().forEach(i -> {
        NmnistEvents e = dvs.simulate(images.get(i));
        try {
          e.write(dir.resolve(part.id(firstIndex + i) + ".bin"));
        } catch (IOException ex) {
          throw new UncheckedIOException(ex);
        }
        events[i] = e.size();
        progress.accept(done.incrementAndGet());
      })).get();
    } catch (java.util.concurrent.ExecutionException ex) {
      Throwable cause = ex.getCause();
      throw cause instanceof UncheckedIOException u ? u.getCause()
          : new IOException(cause.getMessage(), cause);
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", ex);
    } finally {
      pool.shutdown();
    }
    // Merge with labels already there, so a part can be converted in several runs.
    Path labels = out.resolve(part.folder().toLowerCase(java.util.Locale.ROOT) + "-labels.tsv");
    java.util.TreeMap<Integer, Integer> rows = new java.util.TreeMap<>();
    if (Files.isRegularFile(labels)) {
      for (String line : Files.readAllLines(labels)) {
        String[] f = line.strip().split("\t");
        if (f.length == 2) {
          rows.put(Integer.parseInt(f[0]), Integer.parseInt(f[1]));
        }
      }
    }
    for (int i = 0; i < images.size(); i++) {
      rows.put(part.id(firstIndex + i), images.get(i).label());
    }
    StringBuilder tsv = new StringBuilder();
    rows.forEach((id, label) -> tsv.append(id).append('\t').append(label).append('\n'));
    Path partial = labels.resolveSibling(labels.getFileName() + ".partial");
    Files.writeString(partial, tsv.toString());
    Files.move(partial, labels, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    long total = 0;
    for (long e : events) {
      total += e;
    }
    return total;
  }
}
