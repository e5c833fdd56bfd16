package io.spikeloop.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * N-MNIST recordings (Orchard et al. 2015) binned into time steps. Two layouts are read:
 * standard {@code Train/<digit>/*.bin} and {@code Test/<digit>/*.bin}, or flat
 * {@code Train/*.bin} + {@code train-labels.tsv} and {@code Test/*.bin} + {@code test-labels.tsv}
 * ({@code id<TAB>class}, file {@code <id>.bin}).
 *
 * <p>Each event is 5 bytes: x, y (0..33), then bit 7 of byte 2 the polarity and the other 23 bits
 * (byte 2 low 7 bits, bytes 3, 4; big-endian) the time in microseconds. Input channel
 * {@code polarity * 1156 + y * 34 + x} (2312 channels); an event at time {@code us} falls into step
 * {@code floor(us / 1000 / dt)}, several events of one channel in a step count as one spike.
 *
 * <p>{@code pool} (1 = none) pools the sensor in {@code pool x pool} pixel blocks:
 * channel {@code polarity * P*P + (y / pool) * P + x / pool} with {@code P = ceil(34 / pool)}, so
 * {@code nmnist:PATH#pool=3} has 2 * 12 * 12 = 288 channels and {@code #pool=4} 2 * 9 * 9 = 162
 * (within ReckOn's 256 inputs); events of one block in one step are one spike.
 *
 * <p>{@code holdOut} (0 = none; {@code nmnist:PATH#hold-out=N}) moves N training recordings into
 * the test split, beside {@code Test/}'s: for a collection whose own test set is too small to
 * tell two models apart (50 recordings: 2 points each). The N are drawn by a fixed shuffle
 * ({@value #HOLD_OUT_SEED}), not the run's seed, so runs of every seed and placement are tested on
 * the same recordings; the rest keep their order.
 *
 * <p>Default binning: {@value #DEFAULT_DT_MS} ms x {@value #DEFAULT_STEPS} steps = 315 ms, the whole
 * recording (three saccades of ~105 ms). The paper's 1 ms x 100 steps would keep only the first
 * saccade; {@code --dt 1 --steps 100} reproduces it.
 */
public final class NmnistDataset {
  public static final int SIZE = 34;
  public static final int CHANNELS = 2 * SIZE * SIZE;
  public static final int CLASSES = 10;
  public static final double DEFAULT_DT_MS = 3.0;
  public static final int DEFAULT_STEPS = 105;
  /** The seed of the fixed shuffle that picks held-out training recordings. */
  public static final long HOLD_OUT_SEED = 20151;

  private NmnistDataset() {}

  public static DatasetSplit open(Path root, DatasetOptions options) throws IOException {
    return open(root, options, 1);
  }

  /** The split with the sensor pooled in {@code pool x pool} blocks (1..34). */
  public static DatasetSplit open(Path root, DatasetOptions options, int pool)
      throws IOException {
    return open(root, options, pool, 0);
  }

  /**
   * The split pooled in {@code pool x pool} blocks with {@code holdOut} training recordings moved
   * into the test split (see the class comment).
   */
  public static DatasetSplit open(Path root, DatasetOptions options, int pool, int holdOut)
      throws IOException {
    if (pool < 1 || pool > SIZE) {
      throw new IllegalArgumentException("nmnist pool must be in 1.." + SIZE + ", got " + pool);
    }
    if (holdOut < 0) {
      throw new IllegalArgumentException("nmnist hold-out must be >= 0, got " + holdOut);
    }
    if (!Files.isDirectory(root)) {
      throw new IOException(root + ": no such N-MNIST folder");
    }
    InMemoryDataset train = read(root, "Train", options, pool);
    InMemoryDataset test = read(root, "Test", options, pool);
    if (holdOut == 0) {
      return new DatasetSplit(train, test);
    }
    int n = train.size();
    if (holdOut >= n) {
      throw new IllegalArgumentException("nmnist hold-out=" + holdOut + ": " + root.resolve(
          "Train") + " has " + n + " recordings; hold out fewer, so some are left to train on");
    }
    boolean[] held = new boolean[n];
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    SplittableRandom shuffle = new SplittableRandom(HOLD_OUT_SEED);
    for (int i = 0; i < holdOut; i++) {                 // a partial Fisher-Yates: the first N
      int j = i + shuffle.nextInt(n - i);
      int swap = order[i];
      order[i] = order[j];
      order[j] = swap;
      held[order[i]] = true;
    }
    List<SpikeSample> kept = new ArrayList<>();
    List<SpikeSample> tested = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      (held[i] ? tested : kept).add(train.samples().get(i));
    }
    tested.addAll(test.samples());
    // the training name carries the options as given: #pool=K,hold-out=N or #hold-out=N
    String trainName = train.name() + (pool > 1 ? "," : "#") + "hold-out=" + holdOut;
    return new DatasetSplit(
        new InMemoryDataset(trainName, train.channels(), CLASSES, train.steps(), kept),
        new InMemoryDataset(test.name() + " + " + holdOut + " held-out training recordings",
            test.channels(), CLASSES, test.steps(), tested));
  }

  /** Channels of the sensor pooled in {@code pool x pool} blocks. */
  public static int channels(int pool) {
    int side = (SIZE + pool - 1) / pool;
    return 2 * side * side;
  }

  private static InMemoryDataset read(Path root, String part, DatasetOptions options, int pool)
      throws IOException {
    double dt = options.dtOr(DEFAULT_DT_MS);
    int steps = options.stepsOr(DEFAULT_STEPS);
    Path dir = root.resolve(part);
    if (!Files.isDirectory(dir)) {
      throw new IOException(dir + ": missing (N-MNIST needs " + part + "/ beside "
          + (part.equals("Train") ? "Test/" : "Train/") + ")");
    }
    Path labels = root.resolve(part.toLowerCase() + "-labels.tsv");
    List<SpikeSample> samples = new ArrayList<>();
    if (Files.isRegularFile(labels)) {
      for (String[] row : labelRows(labels)) {
        Path file = dir.resolve(row[0] + ".bin");
        samples.add(readSample(file, parseLabel(labels, row[1]), dt, steps, pool));
      }
    } else {
      for (int digit = 0; digit < CLASSES; digit++) {
        Path digitDir = dir.resolve(Integer.toString(digit));
        if (!Files.isDirectory(digitDir)) {
          throw new IOException(digitDir + ": missing (neither " + labels.getFileName()
              + " nor the standard layout " + part + "/0.." + (CLASSES - 1) + "/ found)");
        }
        for (Path file : binFiles(digitDir)) {
          samples.add(readSample(file, digit, dt, steps, pool));
        }
      }
    }
    if (samples.isEmpty()) {
      throw new IOException(dir + ": no .bin recordings");
    }
    return new InMemoryDataset("nmnist:" + dir + (pool > 1 ? "#pool=" + pool : ""),
        channels(pool), CLASSES, steps, samples);
  }

  private static List<String[]> labelRows(Path labels) throws IOException {
    List<String[]> rows = new ArrayList<>();
    List<String> lines = Files.readAllLines(labels);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] cols = line.split("\t");
      if (cols.length != 2) {
        throw new IOException(labels + ":" + (i + 1) + ": expected 'id<TAB>class', got '" + line
            + "'");
      }
      rows.add(cols);
    }
    return rows;
  }

  private static int parseLabel(Path labels, String text) throws IOException {
    try {
      int label = Integer.parseInt(text.strip());
      if (label < 0 || label >= CLASSES) {
        throw new IOException(labels + ": class " + label + " out of range 0.." + (CLASSES - 1));
      }
      return label;
    } catch (NumberFormatException e) {
      throw new IOException(labels + ": class '" + text + "' is not a number");
    }
  }

  private static List<Path> binFiles(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.toString().endsWith(".bin")).sorted().toList();
    }
  }

  /** Reads one recording and bins it; malformed files fail naming the file and event. */
  public static SpikeSample readSample(Path file, int label, double dtMs, int steps)
      throws IOException {
    return readSample(file, label, dtMs, steps, 1);
  }

  /** One recording, binned, with the sensor pooled in {@code pool x pool} blocks. */
  public static SpikeSample readSample(Path file, int label, double dtMs, int steps, int pool)
      throws IOException {
    int side = (SIZE + pool - 1) / pool;
    if (!Files.isRegularFile(file)) {
      throw new IOException(file + ": no such N-MNIST recording");
    }
    byte[] bytes = Files.readAllBytes(file);
    if (bytes.length == 0) {
      throw new IOException(file + ": empty N-MNIST recording (0 bytes, no events; a recording "
          + "holds 5-byte events)");
    }
    if (bytes.length % 5 != 0) {
      throw new IOException(file + ": " + bytes.length
          + " bytes is not a whole number of 5-byte events");
    }
    int n = bytes.length / 5;
    double[] times = new double[n];
    int[] units = new int[n];
    for (int e = 0; e < n; e++) {
      int x = bytes[5 * e] & 0xff;
      int y = bytes[5 * e + 1] & 0xff;
      int b2 = bytes[5 * e + 2] & 0xff;
      int polarity = b2 >>> 7;
      int us = ((b2 & 0x7f) << 16) | ((bytes[5 * e + 3] & 0xff) << 8) | (bytes[5 * e + 4] & 0xff);
      if (x >= SIZE || y >= SIZE) {
        throw new IOException(file + ": event " + e + " at x=" + x + " y=" + y
            + " lies outside the 34x34 sensor");
      }
      times[e] = us / 1000.0;
      units[e] = polarity * side * side + (y / pool) * side + x / pool;
    }
    return SpikeSample.bin(times, units, dtMs, steps, label, -1);
  }
}
