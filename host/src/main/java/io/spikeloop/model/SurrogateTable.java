package io.spikeloop.model;

/**
 * The surrogate derivative tabulated for the float32 fast path, linearly interpolated: a fine
 * table ({@code h = 1/512}) for {@code |x| < 8}, where the narrow Gaussian lives, and a coarse one
 * ({@code h = 1/64}) for {@code |x| < 64}, where only the wide Gaussians remain; beyond, the exact
 * value is below 1e-90 and the table returns 0. The interpolation error, {@code h^2/8 max|f''|}, is
 * below 1e-6 absolute for the default surrogate (peak 0.92), about the float32 rounding of the
 * values it feeds. It replaces three {@code exp} calls per neuron and step.
 */
public final class SurrogateTable {
  private static final float FINE_PER_UNIT = 512f;
  private static final float FINE_RANGE = 8f;
  private static final float COARSE_PER_UNIT = 64f;
  private static final float COARSE_RANGE = 64f;
  private final float[] fine;
  private final float[] fineSlope;
  private final float[] coarse;
  private final float[] coarseSlope;

  public SurrogateTable(Surrogate surrogate) {
    if (surrogate.sigma() * Math.max(1, surrogate.scale()) > 4) {
      throw new IllegalArgumentException("surrogate too wide to tabulate: sigma=" + surrogate.sigma()
          + " scale=" + surrogate.scale() + " (sigma * scale must be <= 4)");
    }
    int nFine = (int) (2 * FINE_RANGE * FINE_PER_UNIT) + 1;
    int nCoarse = (int) (2 * COARSE_RANGE * COARSE_PER_UNIT) + 1;
    fine = new float[nFine];
    fineSlope = new float[nFine];
    coarse = new float[nCoarse];
    coarseSlope = new float[nCoarse];
    fill(surrogate, fine, fineSlope, FINE_PER_UNIT, FINE_RANGE);
    fill(surrogate, coarse, coarseSlope, COARSE_PER_UNIT, COARSE_RANGE);
  }

  private static void fill(Surrogate s, float[] values, float[] slopes, float perUnit,
                           float range) {
    for (int i = 0; i < values.length; i++) {
      double x = i / (double) perUnit - range;
      values[i] = (float) s.derivative(x);
      slopes[i] = (float) (s.derivative(x + 1 / (double) perUnit) - s.derivative(x));
    }
  }

  /** The surrogate derivative at {@code x = u - theta}. */
  public float at(float x) {
    float pos = (x + FINE_RANGE) * FINE_PER_UNIT;
    if (pos >= 0 && pos < fine.length - 1) {
      int i = (int) pos;
      return fine[i] + (pos - i) * fineSlope[i];
    }
    pos = (x + COARSE_RANGE) * COARSE_PER_UNIT;
    if (pos >= 0 && pos < coarse.length - 1) {
      int i = (int) pos;
      return coarse[i] + (pos - i) * coarseSlope[i];
    }
    return 0f;
  }
}
