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
  /** Interleaved (value, slope) pairs: one lookup touches one cache line. */
  private final float[] fine;
  private final float[] coarse;

  public SurrogateTable(Surrogate surrogate) {
    if (surrogate.sigma() * Math.max(1, surrogate.scale()) > 4) {
      throw new IllegalArgumentException("surrogate too wide to tabulate: sigma=" + surrogate.sigma()
          + " scale=" + surrogate.scale() + " (sigma * scale must be <= 4)");
    }
    int nFine = (int) (2 * FINE_RANGE * FINE_PER_UNIT) + 1;
    int nCoarse = (int) (2 * COARSE_RANGE * COARSE_PER_UNIT) + 1;
    fine = table(surrogate, nFine, FINE_PER_UNIT, FINE_RANGE);
    coarse = table(surrogate, nCoarse, COARSE_PER_UNIT, COARSE_RANGE);
  }

  private static float[] table(Surrogate s, int points, float perUnit, float range) {
    float[] t = new float[2 * points];
    for (int i = 0; i < points; i++) {
      double x = i / (double) perUnit - range;
      t[2 * i] = (float) s.derivative(x);
      t[2 * i + 1] = (float) (s.derivative(x + 1 / (double) perUnit) - s.derivative(x));
    }
    return t;
  }

  /** The surrogate derivative at {@code x = u - theta}. */
  public float at(float x) {
    float pos = (x + FINE_RANGE) * FINE_PER_UNIT;
    if (pos >= 0 && pos < fine.length / 2 - 1) {
      int i = (int) pos;
      return fine[2 * i] + (pos - i) * fine[2 * i + 1];
    }
    pos = (x + COARSE_RANGE) * COARSE_PER_UNIT;
    if (pos >= 0 && pos < coarse.length / 2 - 1) {
      int i = (int) pos;
      return coarse[2 * i] + (pos - i) * coarse[2 * i + 1];
    }
    return 0f;
  }
}
