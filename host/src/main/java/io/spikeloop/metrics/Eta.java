package io.spikeloop.metrics;

import java.util.Locale;

/**
 * Remaining time of work that goes at a steady rate, and durations written for people: what
 * train's progress lines and a study's per-run lines print.
 */
public final class Eta {
  private Eta() {}

  /**
   * Seconds left when {@code done} of {@code total} units took {@code elapsedSeconds}; NaN while
   * nothing is done.
   */
  public static double remainingSeconds(double elapsedSeconds, double done, double total) {
    if (!(done > 0)) {
      return Double.NaN;
    }
    return elapsedSeconds / done * Math.max(0, total - done);
  }

  /** "45 s", "3 min 05 s", "2 h 07 min"; "unknown" for NaN. */
  public static String duration(double seconds) {
    if (Double.isNaN(seconds)) {
      return "unknown";
    }
    long s = Math.round(Math.max(0, seconds));
    if (s < 60) {
      return s + " s";
    }
    if (s < 3600) {
      return String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60);
    }
    return String.format(Locale.ROOT, "%d h %02d min", s / 3600, s % 3600 / 60);
  }
}
