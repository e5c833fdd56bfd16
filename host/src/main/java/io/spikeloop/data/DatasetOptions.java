package io.spikeloop.data;

/**
 * How to open a dataset: the time bin {@code dtMillis} and number of {@code steps} (each
 * {@code null} for the dataset's default) and the {@code seed} of generated or shuffled data.
 */
public record DatasetOptions(Double dtMillis, Integer steps, long seed) {
  public DatasetOptions {
    if (dtMillis != null && !(dtMillis > 0)) {
      throw new IllegalArgumentException("--dt must be > 0 ms, got " + dtMillis);
    }
    if (steps != null && steps < 1) {
      throw new IllegalArgumentException("--steps must be >= 1, got " + steps);
    }
  }

  /** Dataset defaults for binning, with the given seed. */
  public static DatasetOptions defaults(long seed) {
    return new DatasetOptions(null, null, seed);
  }

  public double dtOr(double fallback) {
    return dtMillis == null ? fallback : dtMillis;
  }

  public int stepsOr(int fallback) {
    return steps == null ? fallback : steps;
  }
}
