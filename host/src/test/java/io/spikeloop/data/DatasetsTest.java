package io.spikeloop.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetsTest {
  @TempDir
  Path dir;

  private static Path nmnistSmall() {
    Path p = Path.of(System.getProperty("spikeloop.data", "../../shared/data"), "nmnist-small");
    assumeTrue(Files.isDirectory(p), "real N-MNIST data not found at " + p + "; skipping");
    return p;
  }

  @Test
  void syntheticIsSeededBalancedAndAboutThreePercentDense() throws IOException {
    DatasetSplit a = Datasets.open("synthetic", DatasetOptions.defaults(7));
    DatasetSplit b = Datasets.open("synthetic", DatasetOptions.defaults(7));
    assertEquals(700, a.train().channels());
    assertEquals(20, a.train().classes());
    assertEquals(SyntheticDataset.TRAIN_SIZE, a.train().size());
    assertArrayEquals(a.train().sample(5).channels(), b.train().sample(5).channels());
    long spikes = 0;
    int[] perClass = new int[20];
    for (int i = 0; i < a.train().size(); i++) {
      spikes += a.train().sample(i).spikeCount();
      perClass[a.train().sample(i).label()]++;
    }
    double density = spikes / (double) a.train().size() / a.train().steps() / 700;
    assertTrue(density > 0.02 && density < 0.04, "density " + density);
    assertEquals(SyntheticDataset.TRAIN_SIZE / 20, perClass[3]);
  }

  @Test
  void syntheticClassesAreTheTwentyOrderedMotifPairs() {
    java.util.Set<String> pairs = new java.util.HashSet<>();
    for (int c = 0; c < 20; c++) {
      int[] m = SyntheticDataset.motifsOf(c);
      assertTrue(m[0] != m[1]);
      pairs.add(m[0] + "," + m[1]);
    }
    assertEquals(20, pairs.size());
  }

  @Test
  void readsTheFlatNmnistLayout() throws IOException {
    DatasetSplit split = Datasets.open("nmnist:" + nmnistSmall(), DatasetOptions.defaults(1));
    assertEquals(1000, split.train().size());
    assertEquals(50, split.test().size());
    assertEquals(2312, split.train().channels());
    assertEquals(105, split.train().steps());
  }

  @Test
  void readsTheStandardNmnistLayoutAndBinsWithDtAndSteps() throws IOException {
    Path src = nmnistSmall();
    for (String part : new String[] {"Train", "Test"}) {
      for (int d = 0; d < 10; d++) {
        Files.createDirectories(dir.resolve(part).resolve(Integer.toString(d)));
      }
    }
    Files.copy(src.resolve("Train/1.bin"), dir.resolve("Train/5/1.bin"));
    Files.copy(src.resolve("Test/60001.bin"), dir.resolve("Test/7/60001.bin"));
    DatasetSplit split = Datasets.open("nmnist:" + dir, new DatasetOptions(1.0, 100, 1));
    assertEquals(5, split.train().sample(0).label());
    assertEquals(7, split.test().sample(0).label());
    assertEquals(100, split.train().steps());
    // 1 ms x 100 steps keeps only the first ~105 ms saccade: fewer spikes than 3 ms x 105.
    var full = NmnistDataset.readSample(dir.resolve("Train/5/1.bin"), 5, 3.0, 105);
    assertTrue(split.train().sample(0).spikeCount() < full.spikeCount());
  }

  @Test
  void poolsTheNmnistSensorInBlocks() throws IOException {
    Path rec = dir.resolve("pooled.bin");
    // (x, y, polarity, us): two events in block (0, 0) of polarity 0, one in block (1, 0) of
    // polarity 1; all in the first millisecond
    Files.write(rec, new byte[] {0, 0, 0, 0, 1, 3, 3, 0, 0, 2, 4, 0, (byte) 0x80, 0, 3});
    SpikeSample pooled = NmnistDataset.readSample(rec, 2, 1.0, 1, 4);
    assertArrayEquals(new int[] {0, 2 * 81 / 2 + 1}, pooled.channels());
    assertEquals(162, NmnistDataset.channels(4));
    assertEquals(NmnistDataset.CHANNELS, NmnistDataset.channels(1));
    assertArrayEquals(NmnistDataset.readSample(rec, 2, 1.0, 1).channels(),
        NmnistDataset.readSample(rec, 2, 1.0, 1, 1).channels());
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> Datasets.open("nmnist:" + dir + "#crop=3", DatasetOptions.defaults(1)))
        .getMessage().contains("crop=3"));
  }

  /** A flat N-MNIST folder: training recording i (1..n) is one event at x = i, class i % 10. */
  private Path flatNmnist(int n) throws IOException {
    Path root = dir.resolve("flat");
    Files.createDirectories(root.resolve("Train"));
    Files.createDirectories(root.resolve("Test"));
    StringBuilder labels = new StringBuilder();
    for (int i = 1; i <= n; i++) {
      Files.write(root.resolve("Train/" + i + ".bin"), new byte[] {(byte) i, 0, 0, 0, 1});
      labels.append(i).append('\t').append(i % 10).append('\n');
    }
    Files.writeString(root.resolve("train-labels.tsv"), labels);
    Files.write(root.resolve("Test/100.bin"), new byte[] {0, 1, 0, 0, 1});
    Files.writeString(root.resolve("test-labels.tsv"), "100\t3\n");
    return root;
  }

  @Test
  void holdsOutTheSameTrainingRecordingsForEverySeed() throws IOException {
    Path root = flatNmnist(30);
    DatasetSplit split = Datasets.open("nmnist:" + root + "#hold-out=8",
        new DatasetOptions(1.0, 5, 1));
    assertEquals(22, split.train().size());
    assertEquals(9, split.test().size(), "8 held out beside Test/'s one");
    assertTrue(split.train().name().endsWith("#hold-out=8"), split.train().name());
    java.util.Set<Integer> seen = new java.util.TreeSet<>();
    int previous = 0;
    for (int i = 0; i < split.train().size(); i++) {
      int x = split.train().sample(i).channels()[0];
      assertTrue(x > previous, "training recordings keep their order");
      previous = x;
      seen.add(x);
    }
    java.util.Set<Integer> held = new java.util.TreeSet<>();
    for (int i = 0; i < 8; i++) {
      SpikeSample s = split.test().sample(i);
      held.add(s.channels()[0]);
      assertEquals(s.channels()[0] % 10, s.label(), "a held-out recording keeps its class");
    }
    assertEquals(34, split.test().sample(8).channels()[0], "Test/'s recordings come after");
    assertEquals(8, held.size());
    assertTrue(java.util.Collections.disjoint(seen, held));
    assertEquals(30, seen.size() + held.size(), "every recording is in exactly one split");
    assertTrue(held.stream().anyMatch(x -> x < 15) && held.stream().anyMatch(x -> x > 15),
        "drawn over the whole set, not its end: " + held);
    // another seed and binning: the same held-out recordings
    DatasetSplit other = Datasets.open("nmnist:" + root + "#hold-out=8",
        new DatasetOptions(3.0, 2, 7));
    java.util.Set<Integer> heldAgain = new java.util.TreeSet<>();
    for (int i = 0; i < 8; i++) {
      heldAgain.add(other.test().sample(i).channels()[0]);
    }
    assertEquals(held, heldAgain);
    DatasetSplit pooled = Datasets.open("nmnist:" + root + "#pool=2,hold-out=8",
        DatasetOptions.defaults(1));
    assertEquals(22, pooled.train().size());
    assertEquals(NmnistDataset.channels(2), pooled.train().channels());
    assertTrue(pooled.train().name().endsWith("#pool=2,hold-out=8"), pooled.train().name());

    assertTrue(assertThrows(IllegalArgumentException.class, () -> Datasets.open("nmnist:"
        + root + "#hold-out=30", DatasetOptions.defaults(1))).getMessage()
        .contains("has 30 recordings"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Datasets.open("nmnist:"
        + root + "#hold-out=-1", DatasetOptions.defaults(1))).getMessage().contains(">= 0"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Datasets.open("nmnist:"
        + root + "#hold-out=some", DatasetOptions.defaults(1))).getMessage()
        .contains("'some' is not a number"));
  }

  @Test
  void readsPooledRealNmnist() throws IOException {
    DatasetSplit split = Datasets.open("nmnist:" + nmnistSmall() + "#pool=4",
        DatasetOptions.defaults(1));
    assertEquals(162, split.train().channels());
    assertEquals(1000, split.train().size());
  }

  @Test
  void badFilesAndNamesGiveClearErrors() throws IOException {
    Path bad = dir.resolve("bad.bin");
    Files.write(bad, new byte[] {1, 2, 3});
    IOException e = assertThrows(IOException.class,
        () -> NmnistDataset.readSample(bad, 0, 1, 10));
    assertTrue(e.getMessage().contains("bad.bin") && e.getMessage().contains("5-byte"));
    Files.write(bad, new byte[] {40, 2, 0, 0, 1});
    assertTrue(assertThrows(IOException.class, () -> NmnistDataset.readSample(bad, 0, 1, 10))
        .getMessage().contains("x=40"));
    Path empty = dir.resolve("empty.bin");
    Files.write(empty, new byte[0]);
    assertTrue(assertThrows(IOException.class, () -> NmnistDataset.readSample(empty, 0, 1, 10))
        .getMessage().startsWith(empty + ": empty N-MNIST recording"));
    assertTrue(assertThrows(IOException.class, () -> io.spikeloop.convert.images.NmnistEvents
        .read(empty)).getMessage().startsWith(empty + ": empty N-MNIST recording"));
    assertTrue(assertThrows(IOException.class,
        () -> Datasets.open("nmnist:" + dir.resolve("nowhere"), DatasetOptions.defaults(1)))
        .getMessage().contains("nowhere"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> Datasets.open("mnist-ish", DatasetOptions.defaults(1))).getMessage()
        .contains("unknown dataset"));
  }
}
