package io.spikeloop.convert.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Simulated recordings of MNIST digits against the real N-MNIST recordings of the same digits
 * (id k is MNIST training image k - 1).
 */
class NmnistComparisonTest {
  static final Path DATA = Path.of(System.getProperty("spikeloop.data", "../shared/data"));
  static final int SAMPLES = 60;

  @Test
  void simulatedRecordingsLookLikeTheRealOnes() throws IOException {
    Path mnist = DATA.resolve("mnist/mnist-train-first10k-images-idx3-ubyte.gz");
    Path real = DATA.resolve("nmnist-small/Train");
    assumeTrue(Files.isRegularFile(mnist) && Files.isDirectory(real),
        "skipped: no MNIST/N-MNIST data under " + DATA.toAbsolutePath());
    List<GrayImage> images = ImageFiles.readIdx(mnist,
        DATA.resolve("mnist/mnist-train-first10k-labels-idx1-ubyte.gz"), 0, SAMPLES);
    Stats sim = new Stats();
    Stats rec = new Stats();
    double[] simCounts = new double[SAMPLES];
    double[] realCounts = new double[SAMPLES];
    for (int i = 0; i < SAMPLES; i++) {
      NmnistEvents s = SaccadeDvs.NMNIST.simulate(images.get(i));
      NmnistEvents r = NmnistEvents.read(real.resolve((i + 1) + ".bin"));
      sim.add(s);
      rec.add(r);
      simCounts[i] = s.size();
      realCounts[i] = r.size();
    }
    double r = correlation(simCounts, realCounts);
    System.out.printf("events/sample: simulated %.0f, real %.0f; ON fraction %.3f vs %.3f; "
            + "per-sample count correlation %.2f%n", sim.mean(), rec.mean(), sim.onFraction(),
        rec.onFraction(), r);
    System.out.printf("events per saccade (fraction): simulated %s, real %s%n",
        java.util.Arrays.toString(sim.saccadeFractions()),
        java.util.Arrays.toString(rec.saccadeFractions()));
    assertTrue(Math.abs(sim.mean() / rec.mean() - 1) <= 0.20,
        "mean events " + sim.mean() + " vs real " + rec.mean());
    assertTrue(Math.abs(sim.onFraction() - 0.5) < 0.05, "ON fraction " + sim.onFraction());
    assertTrue(Math.abs(sim.onFraction() - rec.onFraction()) < 0.05);
    for (Stats st : new Stats[] {sim, rec}) {
      double[] f = st.saccadeFractions();
      for (double x : f) {
        assertTrue(x > 0.2, "each saccade carries a burst: " + java.util.Arrays.toString(f));
      }
      // bursts: the middle of each saccade is much busier than its edges
      assertTrue(st.midRate() > 3 * st.edgeRate(), "mid " + st.midRate() + " edge " + st.edgeRate());
    }
    assertTrue(r > 0.3, "event counts of the same digits should go together, r = " + r);
  }

  @Test
  void eventsRoundTripThroughTheFileFormat() throws IOException {
    NmnistEvents e = new NmnistEvents(new byte[] {0, 33, 17}, new byte[] {5, 0, 33},
        new boolean[] {true, false, true}, new int[] {0, 123_456, NmnistEvents.MAX_TIME_US});
    Path f = Files.createTempFile("events", ".bin");
    e.write(f);
    NmnistEvents back = NmnistEvents.read(f);
    assertEquals(3, back.size());
    assertEquals(123_456, back.timeMicros()[1]);
    assertEquals(NmnistEvents.MAX_TIME_US, back.timeMicros()[2]);
    assertTrue(back.on()[0] && !back.on()[1]);
    assertEquals(33, back.x()[1]);
    Files.write(f, new byte[7]);
    IOException bad = org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
        () -> NmnistEvents.read(f));
    assertTrue(bad.getMessage().contains("not a whole number of 5-byte events"));
    Files.delete(f);
  }

  @Test
  void realSampleFileFormatMatches() throws IOException {
    Path fixture = DATA.resolve("tonic-fixtures/sample_nmnist.bin");
    assumeTrue(Files.isRegularFile(fixture), "skipped: no " + fixture);
    NmnistEvents e = NmnistEvents.read(fixture);
    assertEquals(4325, e.size());
    assertTrue(java.util.Arrays.equals(Files.readAllBytes(fixture), e.encode()));
  }

  static double correlation(double[] a, double[] b) {
    double ma = java.util.Arrays.stream(a).average().orElse(0);
    double mb = java.util.Arrays.stream(b).average().orElse(0);
    double sab = 0;
    double saa = 0;
    double sbb = 0;
    for (int i = 0; i < a.length; i++) {
      sab += (a[i] - ma) * (b[i] - mb);
      saa += (a[i] - ma) * (a[i] - ma);
      sbb += (b[i] - mb) * (b[i] - mb);
    }
    return sab / Math.sqrt(saa * sbb);
  }

  /** Event statistics over several recordings. */
  static final class Stats {
    long events;
    long on;
    int samples;
    long[] perSaccade = new long[3];
    long mid;
    long edge;

    void add(NmnistEvents e) {
      samples++;
      events += e.size();
      on += e.onCount();
      for (int t : e.timeMicros()) {
        int s = Math.min(t / SaccadeDvs.SACCADE_US, 2);
        perSaccade[s]++;
        int within = t - s * SaccadeDvs.SACCADE_US;
        if (within >= 42_500 && within < 62_500) {
          mid++; // 20 ms around the saccade's middle
        } else if (within < 10_000 || within >= 95_000) {
          edge++; // 20 ms at its ends
        }
      }
    }

    double mean() {
      return events / (double) samples;
    }

    double onFraction() {
      return on / (double) events;
    }

    double midRate() {
      return mid / 20.0;
    }

    double edgeRate() {
      return edge / 20.0;
    }

    double[] saccadeFractions() {
      double[] f = new double[3];
      for (int i = 0; i < 3; i++) {
        f[i] = Math.round(1000.0 * perSaccade[i] / events) / 1000.0;
      }
      return f;
    }
  }
}
