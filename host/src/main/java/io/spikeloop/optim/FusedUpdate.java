package io.spikeloop.optim;

/**
 * The float32 optimizer kernels of the fast trainer, applied row by row so that a gradient row can
 * be produced on the fly and consumed at once (never stored as a whole gradient matrix). The rules
 * are those of {@link OptimizerSpec}; {@link #begin()} fixes the per-update coefficients (Adam's
 * bias corrections) before the rows of one update are visited. Loops are kept plain so that C2
 * vectorizes them.
 */
public final class FusedUpdate {
  private final OptimizerSpec spec;
  private long steps;
  // Coefficients of the current update.
  private float b1;
  private float b2;
  private float oneMinusB1;
  private float oneMinusB2;
  private float stepSize;
  private float invBc2Sqrt;
  private float eps;
  private float lr;
  private float momentum;

  public FusedUpdate(OptimizerSpec spec) {
    if (spec instanceof OptimizerSpec.QuantizedAdam) {
      throw new IllegalArgumentException("quantized Adam runs on the reference trainer, not the "
          + "fused float32 path");
    }
    this.spec = spec;
  }

  public OptimizerSpec spec() {
    return spec;
  }

  /** Updates begun so far. */
  public long steps() {
    return steps;
  }

  /** Starts update {@code t = steps + 1}: computes its coefficients in float64, then rounds. */
  public void begin() {
    steps++;
    if (spec instanceof OptimizerSpec.Adam a) {
      b1 = (float) a.beta1();
      b2 = (float) a.beta2();
      oneMinusB1 = (float) (1 - a.beta1());
      oneMinusB2 = (float) (1 - a.beta2());
      stepSize = (float) a.stepSize(steps);
      invBc2Sqrt = (float) (1 / a.biasCorrection2Sqrt(steps));
      eps = (float) a.eps();
    } else if (spec instanceof OptimizerSpec.Sgd s) {
      lr = (float) s.lr();
      momentum = (float) s.momentum();
    }
  }

  /**
   * Updates {@code w[off .. off+len)} (with state {@code s1} = Adam's m or SGD's momentum buffer,
   * {@code s2} = Adam's v) from gradient {@code g[gOff .. gOff+len)}.
   */
  public void row(float[] w, float[] s1, float[] s2, int off, int len, float[] g, int gOff) {
    if (spec instanceof OptimizerSpec.Adam) {
      adam(w, s1, s2, off, len, g, gOff);
    } else {
      sgd(w, s1, off, len, g, gOff);
    }
  }

  /** Same as {@link #row} with a gradient of zero (the moments still decay and move w). */
  public void zeroRow(float[] w, float[] s1, float[] s2, int off, int len) {
    if (spec instanceof OptimizerSpec.Adam) {
      adamZero(w, s1, s2, off, len);
    } else if (momentum != 0) {
      sgdZero(w, s1, off, len);
    }
  }

  private void adam(float[] w, float[] m, float[] v, int off, int len, float[] g, int gOff) {
    float b1 = this.b1;
    float b2 = this.b2;
    float c1 = oneMinusB1;
    float c2 = oneMinusB2;
    float step = stepSize;
    float inv = invBc2Sqrt;
    float e = eps;
    for (int i = 0; i < len; i++) {
      float gi = g[gOff + i];
      float mi = b1 * m[off + i] + c1 * gi;
      float vi = b2 * v[off + i] + c2 * gi * gi;
      m[off + i] = mi;
      v[off + i] = vi;
      w[off + i] -= step * mi / ((float) Math.sqrt(vi) * inv + e);
    }
  }

  private void adamZero(float[] w, float[] m, float[] v, int off, int len) {
    float b1 = this.b1;
    float b2 = this.b2;
    float step = stepSize;
    float inv = invBc2Sqrt;
    float e = eps;
    for (int i = 0; i < len; i++) {
      float mi = b1 * m[off + i];
      float vi = b2 * v[off + i];
      m[off + i] = mi;
      v[off + i] = vi;
      w[off + i] -= step * mi / ((float) Math.sqrt(vi) * inv + e);
    }
  }

  private void sgd(float[] w, float[] buf, int off, int len, float[] g, int gOff) {
    float mu = momentum;
    float rate = lr;
    for (int i = 0; i < len; i++) {
      float b = mu * buf[off + i] + g[gOff + i];
      buf[off + i] = b;
      w[off + i] -= rate * b;
    }
  }

  private void sgdZero(float[] w, float[] buf, int off, int len) {
    float mu = momentum;
    float rate = lr;
    for (int i = 0; i < len; i++) {
      float b = mu * buf[off + i];
      buf[off + i] = b;
      w[off + i] -= rate * b;
    }
  }
}
