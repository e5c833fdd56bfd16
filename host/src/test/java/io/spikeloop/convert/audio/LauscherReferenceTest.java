package io.spikeloop.convert.audio;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Compares the converter with spike trains that lauscher itself produced at 70 channels for
 * four Heidelberg Digits recordings (../shared/data/heidelberg-digits/lauscher-70ch): the bushy
 * cells are stochastic, so per-channel counts are compared, not single spikes.
 */
class LauscherReferenceTest {
  static final Path DATA = Path.of(System.getProperty("spikeloop.data", "../shared/data"));
  static final Path DIGITS = DATA.resolve("heidelberg-digits");

  @Test
  void perChannelCountsMatchLauscherAt70Channels() throws IOException {
    Path refs = DIGITS.resolve("lauscher-70ch");
    assumeTrue(Files.isDirectory(refs), "skipped: no reference spikes at " + refs.toAbsolutePath());
    AudioToSpikes chain = AudioToSpikes.shd(70, 1.2);
    List<Path> csvs;
    try (var s = Files.list(refs)) {
      csvs = s.filter(p -> p.toString().endsWith(".csv")).sorted().toList();
    }
    assertTrue(csvs.size() >= 4, "expected four reference files in " + refs);
    for (Path csv : csvs) {
      String stem = csv.getFileName().toString().replace(".csv", "");
      int[] reference = referenceCounts(csv, 70);
      Audio audio = AudioFiles.read(DIGITS.resolve("audio").resolve(stem + ".flac"));
      SpikeTrain ours = chain.convert(audio, 42);
      int[] counts = ours.countsPerChannel();
      double r = correlation(counts, reference);
      long total = sum(counts);
      long refTotal = sum(reference);
      double ratio = total / (double) refTotal;
      System.out.printf("%s: correlation %.3f, total %d vs lauscher %d (ratio %.3f)%n",
          stem, r, total, refTotal, ratio);
      assertTrue(r >= 0.9, stem + ": per-channel correlation " + r + " < 0.9");
      assertTrue(Math.abs(ratio - 1) <= 0.15, stem + ": total " + total + " vs " + refTotal);
    }
  }

  static int[] referenceCounts(Path csv, int channels) throws IOException {
    int[] counts = new int[channels];
    List<String> lines = Files.readAllLines(csv);
    for (String line : lines.subList(1, lines.size())) {
      if (!line.isBlank()) {
        counts[Integer.parseInt(line.substring(line.indexOf(',') + 1).trim())]++;
      }
    }
    return counts;
  }

  static long sum(int[] v) {
    long s = 0;
    for (int x : v) {
      s += x;
    }
    return s;
  }

  static double correlation(int[] a, int[] b) {
    double ma = sum(a) / (double) a.length;
    double mb = sum(b) / (double) b.length;
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
}
