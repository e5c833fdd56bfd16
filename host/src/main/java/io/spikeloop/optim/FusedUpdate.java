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
  private final double weightDecay;
  private long steps;
  /** Multiplies the learning rate (a schedule's factor), 1 unless set. */
  private double lrScale = 1;
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
  /** {@code 1 - lr weightDecay}: what a decayed row is multiplied by before its step. */
  private float keep;

  public FusedUpdate(OptimizerSpec spec) {
    this(spec, 0);
  }

  /**
   * With decoupled weight decay (AdamW-style): rows updated with {@code decayed = true} are first
   * multiplied by {@code 1 - lr weightDecay}, rounded to float32 once per update.
   */
  public FusedUpdate(OptimizerSpec spec, double weightDecay) {
    if (spec instanceof OptimizerSpec.QuantizedAdam) {
      throw new IllegalArgumentException("quantized Adam runs on the reference trainer, not the "
          + "fused float32 path");
    }
    if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
      throw new IllegalArgumentException("weight decay must be a finite value >= 0, got "
          + weightDecay);
    }
    this.spec = spec;
    this.weightDecay = weightDecay;
  }

  public OptimizerSpec spec() {
    return spec;
  }

  /** Updates begun so far. */
  public long steps() {
    return steps;
  }

  /** Sets the update count (a checkpoint's); the next {@link #begin()} starts update steps + 1. */
  public void restoreSteps(long steps) {
    if (steps < 0) {
      throw new IllegalArgumentException("update count must be >= 0, got " + steps);
    }
    this.steps = steps;
  }

  /**
   * Multiplies the learning rate of the following updates by {@code scale} (a learning-rate
   * schedule's factor; the weight decay, which is relative to the rate, scales with it).
   */
  public void scaleLearningRate(double scale) {
    if (!(scale >= 0) || Double.isInfinite(scale)) {
      throw new IllegalArgumentException("learning-rate scale must be a finite value >= 0, got "
          + scale);
    }
    this.lrScale = scale;
  }

  /** Starts update {@code t = steps + 1}: computes its coefficients in float64, then rounds. */
  public void begin() {
    steps++;
    keep = (float) (1 - spec.lr() * lrScale * weightDecay);
    if (spec instanceof OptimizerSpec.Adam a) {
      b1 = (float) a.beta1();
      b2 = (float) a.beta2();
      oneMinusB1 = (float) (1 - a.beta1());
      oneMinusB2 = (float) (1 - a.beta2());
      stepSize = (float) (a.stepSize(steps) * lrScale);
      invBc2Sqrt = (float) (1 / a.biasCorrection2Sqrt(steps));
      eps = (float) a.eps();
    } else if (spec instanceof OptimizerSpec.Sgd s) {
      lr = (float) (s.lr() * lrScale);
      momentum = (float) s.momentum();
    }
  }

  /**
   * Updates row {@code w} (with state {@code s1} = Adam's m or SGD's momentum buffer, {@code s2} =
   * Adam's v) from gradient {@code g}; all four arrays are indexed alike (same length, offset 0),
   * which is what lets C2 vectorize the loop.
   */
  public void row(float[] w, float[] s1, float[] s2, float[] g) {
    row(w, s1, s2, g, false);
  }

  /** {@link #row}, with the weight decay first when {@code decayed} (weight matrices, not biases). */
  public void row(float[] w, float[] s1, float[] s2, float[] g, boolean decayed) {
    float k = decayed ? keep : 1f;
    if (spec instanceof OptimizerSpec.Adam) {
      adam(w, s1, s2, g, k);
    } else {
      sgd(w, s1, g, k);
    }
  }

  /** Same as {@link #row} with a gradient of zero (the moments still decay and move w). */
  public void zeroRow(float[] w, float[] s1, float[] s2) {
    zeroRow(w, s1, s2, false);
  }

  /** {@link #zeroRow}, with the weight decay first when {@code decayed}. */
  public void zeroRow(float[] w, float[] s1, float[] s2, boolean decayed) {
    float k = decayed ? keep : 1f;
    if (spec instanceof OptimizerSpec.Adam) {
      adamZero(w, s1, s2, k);
    } else if (momentum != 0 || k != 1f) {
      sgdZero(w, s1, k);
    }
  }

  // Multiplying by k = 1 is exact: without decay the results are bit-identical to a plain step.
  private void adam(float[] w, float[] m, float[] v, float[] g, float k) {
    float b1 = this.b1;
    float b2 = this.b2;
    float c1 = oneMinusB1;
    float c2 = oneMinusB2;
    float step = stepSize;
    float inv = invBc2Sqrt;
    float e = eps;
    int len = w.length;
    for (int i = 0; i < len; i++) {
      float gi = g[i];
      float mi = b1 * m[i] + c1 * gi;
      float vi = b2 * v[i] + c2 * gi * gi;
      m[i] = mi;
      v[i] = vi;
      w[i] = w[i] * k - step * mi / ((float) Math.sqrt(vi) * inv + e);
    }
  }

  private void adamZero(float[] w, float[] m, float[] v, float k) {
    float b1 = this.b1;
    float b2 = this.b2;
    float step = stepSize;
    float inv = invBc2Sqrt;
    float e = eps;
    int len = w.length;
    for (int i = 0; i < len; i++) {
      float mi = b1 * m[i];
      float vi = b2 * v[i];
      m[i] = mi;
      v[i] = vi;
      w[i] = w[i] * k - step * mi / ((float) Math.sqrt(vi) * inv + e);
    }
  }

  private void sgd(float[] w, float[] buf, float[] g, float k) {
    float mu = momentum;
    float rate = lr;
    int len = w.length;
    for (int i = 0; i < len; i++) {
      float b = mu * buf[i] + g[i];
      buf[i] = b;
      w[i] = w[i] * k - rate * b;
    }
  }

  private void sgdZero(float[] w, float[] buf, float k) {
    float mu = momentum;
    float rate = lr;
    int len = w.length;
    for (int i = 0; i < len; i++) {
      float b = mu * buf[i];
      buf[i] = b;
      w[i] = w[i] * k - rate * b;
    }
  }
}
