package io.spikeloop.sim.learning;

/**
 * Float to integer gradients for the near-chip learner: one exponent per tensor and step, chosen
 * so the largest magnitude lands in [2^14, 2^15) and tiny gradients keep 15 significant bits.
 * This is the only float code of the package; it runs on the host, before the integer update.
 */
public final class GradientQuantizer {
  /** Magnitudes below 2^-900 are treated as zero (their exponent would leave the valid range). */
  private static final double ZERO_BELOW = Math.scalb(1.0, -900);

  private GradientQuantizer() {}

  /**
   * Writes {@code out[i] = rint(g[i] * 2^-e)} clamped to [-32767, 32767] and returns e =
   * exponent(max |g|) - 14; an all-zero gradient gives zeros and e = 0.
   */
  public static int quantize(double[] g, int[] out) {
    checkLengths(g.length, out);
    double max = 0;
    for (int i = 0; i < g.length; i++) {
      max = Math.max(max, checkFinite(g[i], i));
    }
    return write(g, null, out, max);
  }

  /** As {@link #quantize(double[], int[])}, for float gradients. */
  public static int quantize(float[] g, int[] out) {
    checkLengths(g.length, out);
    double max = 0;
    for (int i = 0; i < g.length; i++) {
      max = Math.max(max, checkFinite(g[i], i));
    }
    return write(null, g, out, max);
  }

  private static int write(double[] gd, float[] gf, int[] out, double max) {
    if (max < ZERO_BELOW) {
      java.util.Arrays.fill(out, 0);
      return 0;
    }
    int e = Math.getExponent(max) - 14;
    for (int i = 0; i < out.length; i++) {
      double v = Math.rint(Math.scalb(gd != null ? gd[i] : gf[i], -e));
      out[i] = (int) Math.max(-QuantizedAdam.MAX_GRADIENT, Math.min(QuantizedAdam.MAX_GRADIENT, v));
    }
    return e;
  }

  private static void checkLengths(int n, int[] out) {
    if (out.length != n) {
      throw new IllegalArgumentException("gradient has " + n + " values, output has " + out.length);
    }
  }

  private static double checkFinite(double v, int i) {
    if (!Double.isFinite(v)) {
      throw new IllegalArgumentException("gradient value " + v + " at " + i + " is not finite");
    }
    return Math.abs(v);
  }
}
