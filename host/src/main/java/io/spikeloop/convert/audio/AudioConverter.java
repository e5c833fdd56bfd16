package io.spikeloop.convert.audio;

import io.spikeloop.data.shd.ShdRecordings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;
import java.util.stream.Stream;

/**
 * Converts a folder of recordings into SHD recordings, files in parallel. Labels, speakers and
 * trials come from Heidelberg Digits names or from a labels file ({@code file<TAB>label} with
 * optional {@code <TAB>speaker<TAB>trial}). File i's spikes depend only on the seed and the
 * file name, so results do not depend on the thread count or the other files.
 */
public final class AudioConverter {
  /** One input file and what it is. */
  public record Item(Path file, int label, int speaker, int trial) {
  }

  private AudioConverter() {
  }

  /** The audio files of {@code dir} (sorted by name) with their labels. */
  public static List<Item> scan(Path dir, Path labelsFile) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new IOException(dir + ": no such folder");
    }
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(AudioFiles::isAudio).sorted().toList();
    }
    if (files.isEmpty()) {
      throw new IOException(dir + ": no .wav or .flac files");
    }
    Map<String, int[]> labels = labelsFile == null ? Map.of() : readLabels(labelsFile);
    List<Item> items = new ArrayList<>();
    for (Path f : files) {
      String name = f.getFileName().toString();
      int[] row = labels.get(name);
      if (row != null) {
        items.add(new Item(f, row[0], row[1], row[2]));
        continue;
      }
      var parsed = HeidelbergDigitName.parse(name);
      if (parsed.isEmpty()) {
        throw new IOException(f + ": no label (not a Heidelberg Digits name "
            + "lang-LANG_speaker-NN_trial-T_digit-D, and "
            + (labelsFile == null ? "no --labels file given)" : "not listed in " + labelsFile + ")"));
      }
      HeidelbergDigitName h = parsed.get();
      items.add(new Item(f, h.label(), h.speaker(), h.trial()));
    }
    return items;
  }

  static Map<String, int[]> readLabels(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IOException(file + ": no such labels file");
    }
    Map<String, int[]> out = new HashMap<>();
    List<String> lines = Files.readAllLines(file);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] f = line.split("\t");
      if (f.length < 2 || f.length > 4) {
        throw new IOException(file + ":" + (i + 1) + ": expected file<TAB>label[<TAB>speaker"
            + "[<TAB>trial]], got '" + line + "'");
      }
      try {
        int label = Integer.parseInt(f[1].trim());
        if (label < 0) {
          throw new IOException(file + ":" + (i + 1) + ": label " + label + " is negative");
        }
        out.put(f[0].trim(), new int[] {label,
            f.length > 2 ? Integer.parseInt(f[2].trim()) : -1,
            f.length > 3 ? Integer.parseInt(f[3].trim()) : -1});
      } catch (NumberFormatException e) {
        throw new IOException(file + ":" + (i + 1) + ": not an integer in '" + line + "'");
      }
    }
    return out;
  }

  /**
   * Converts {@code items} with {@code threads} workers; {@code progress} receives the number of
   * files finished so far (from worker threads).
   */
  public static ShdRecordings convert(List<Item> items, int channels, int classes, long seed,
                                      int threads, IntConsumer progress) throws IOException {
    for (Item item : items) {
      if (item.label() >= classes) {
        throw new IOException(item.file() + ": label " + item.label() + " is out of range for "
            + classes + " classes");
      }
    }
    double maxSeconds = 0;
    for (Item item : items) {
      maxSeconds = Math.max(maxSeconds, AudioFiles.durationSeconds(item.file()));
    }
    AudioToSpikes chain = AudioToSpikes.shd(channels, maxSeconds + 0.01);
    int n = items.size();
    float[][] times = new float[n][];
    short[][] units = new short[n][];
    int[] labels = new int[n];
    int[] speakers = new int[n];
    int[] trials = new int[n];
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads));
    java.util.concurrent.atomic.AtomicInteger done = new java.util.concurrent.atomic.AtomicInteger();
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        int index = i;
        Item item = items.get(i);
        futures.add(pool.submit(() -> {
          try {
            Audio audio = AudioFiles.read(item.file());
            long fileSeed = AudioToSpikes.mix(seed, item.file().getFileName().toString().hashCode());
            SpikeTrain train = chain.convert(audio, fileSeed);
            times[index] = train.times();
            units[index] = train.units();
            labels[index] = item.label();
            speakers[index] = item.speaker();
            trials[index] = item.trial();
            progress.accept(done.incrementAndGet());
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof UncheckedIOException u) {
        throw u.getCause();
      }
      throw new IOException(cause.getMessage(), cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    } finally {
      pool.shutdownNow();
    }
    return new ShdRecordings("converted audio", channels, classes, times, units, labels, speakers,
        trials);
  }
}
