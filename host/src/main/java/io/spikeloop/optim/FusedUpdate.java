package io.spikeloop.optim;

import io.spikeloop.sim.learning.AdamSchedule;

/**
 * The float32 optimizer kernels of the fast trainer, applied row by row so that a gradient row can
 * be produced on the fly and consumed at once (never stored as a whole gradient matrix). The rules
 * are those of {@link OptimizerSpec}; {@link #begin()} fixes the per-update coefficients (Adam's
 * bias corrections) before the rows of one update are visited. Loops are kept plain so that C2
 * vectorizes them.
 *
 * <p>Under a lazy Adam schedule ({@link AdamSchedule}, {@code docs/learning-engine.md} section 10)
 * zero rows cost nothing and a row's zero elements are skipped; catch-up rows carry an {@code int}
 * per element, the update at which it was last brought current.
 */
public final class FusedUpdate {
  private final OptimizerSpec spec;
  /** Catch-up factor tables stop at this many skipped updates (then computed per element). */
  private static final int CATCH_UP_TABLE_LIMIT = 1 << 16;
  private final double weightDecay;
  private final AdamSchedule schedule;
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
  // Catch-up: step size and 1/sqrt(1-beta2^s) of the previous update s = t-1 (what a touched
  // element catches up to) and of this update t (what a flush catches up to).
  private float catchUpStepPrev;
  private float catchUpInvPrev;
  private float catchUpStepNow;
  private float catchUpInvNow;
  /** Catch-up factors by skipped updates k: beta1^k, beta2^k and sum_{i=1..k} r^i (grown on demand). */
  private float[] decay1 = new float[0];
  private float[] decay2 = new float[0];
  private float[] moveSum = new float[0];

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
    this.schedule = spec instanceof OptimizerSpec.Adam a ? a.schedule() : AdamSchedule.DENSE;
    if (schedule.lazy() && weightDecay > 0) {
      throw new IllegalArgumentException("weight decay is not implemented for the " 
          + schedule.cliName() + " Adam schedule (use --adam dense)");
    }
    this.spec = spec;
    this.weightDecay = weightDecay;
  }

  /** The Adam schedule (dense for SGD). */
  public AdamSchedule schedule() {
    return schedule;
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
      if (schedule == AdamSchedule.CATCH_UP) {
        catchUpStepNow = stepSize;
        catchUpInvNow = invBc2Sqrt;
        if (steps > 1) {
          catchUpStepPrev = (float) (a.stepSize(steps - 1) * lrScale);
          catchUpInvPrev = (float) (1 / a.biasCorrection2Sqrt(steps - 1));
        }
      }
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
    row(w, s1, s2, null, g, decayed);
  }

  /**
   * {@link #row}, with the catch-up schedule's per-element update counters {@code last} (same
   * length as {@code w}; required under catch-up, ignored otherwise).
   */
  public void row(float[] w, float[] s1, float[] s2, int[] last, float[] g, boolean decayed) {
    float k = decayed ? keep : 1f;
    if (schedule == AdamSchedule.LAZY) {
      adamLazy(w, s1, s2, g);
    } else if (schedule == AdamSchedule.CATCH_UP) {
      adamCatchUp(w, s1, s2, last, g);
    } else if (spec instanceof OptimizerSpec.Adam) {
      adam(w, s1, s2, g, k);
    } else {
      sgd(w, s1, g, k);
    }
  }

  /** Whether a zero-gradient row needs any work ({@link #zeroRow}); false under lazy schedules. */
  public boolean zeroRowsMove() {
    return !schedule.lazy();
  }

  /** Same as {@link #row} with a gradient of zero (the moments still decay and move w). */
  public void zeroRow(float[] w, float[] s1, float[] s2) {
    zeroRow(w, s1, s2, false);
  }

  /** {@link #zeroRow}, with the weight decay first when {@code decayed}. */
  public void zeroRow(float[] w, float[] s1, float[] s2, boolean decayed) {
    float k = decayed ? keep : 1f;
    if (schedule.lazy()) {
      return; // lazy and catch-up: a zero gradient costs nothing now
    }
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

  /** Lazy Adam: only elements with a nonzero gradient step. */
  private void adamLazy(float[] w, float[] m, float[] v, float[] g) {
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
      if (gi == 0f) {
        continue;
      }
      float mi = b1 * m[i] + c1 * gi;
      float vi = b2 * v[i] + c2 * gi * gi;
      m[i] = mi;
      v[i] = vi;
      w[i] = w[i] - step * mi / ((float) Math.sqrt(vi) * inv + e);
    }
  }

  /**
   * Catch-up Adam: an element with a nonzero gradient is first brought to the previous update
   * (its skipped updates in closed form), then steps.
   */
  private void adamCatchUp(float[] w, float[] m, float[] v, int[] last, float[] g) {
    if (last == null || last.length != w.length) {
      throw new IllegalArgumentException("the catch-up Adam schedule needs a counter per element");
    }
    float b1 = this.b1;
    float b2 = this.b2;
    float c1 = oneMinusB1;
    float c2 = oneMinusB2;
    float step = stepSize;
    float inv = invBc2Sqrt;
    float e = eps;
    int now = Math.toIntExact(steps);
    int len = w.length;
    for (int i = 0; i < len; i++) {
      float gi = g[i];
      if (gi == 0f) {
        continue;
      }
      int skipped = now - 1 - last[i];
      if (skipped > 0) {
        catchUp(w, m, v, i, skipped, catchUpStepPrev, catchUpInvPrev);
      }
      last[i] = now;
      float mi = b1 * m[i] + c1 * gi;
      float vi = b2 * v[i] + c2 * gi * gi;
      m[i] = mi;
      v[i] = vi;
      w[i] = w[i] - step * mi / ((float) Math.sqrt(vi) * inv + e);
    }
  }

  /** Catch-up: brings every element of the row to the current update (end of a batch). */
  public void flushRow(float[] w, float[] m, float[] v, int[] last) {
    if (schedule != AdamSchedule.CATCH_UP || steps == 0) {
      return;
    }
    int now = Math.toIntExact(steps);
    for (int i = 0; i < w.length; i++) {
      int skipped = now - last[i];
      if (skipped > 0) {
        catchUp(w, m, v, i, skipped, catchUpStepNow, catchUpInvNow);
        last[i] = now;
      }
    }
  }

  private void catchUp(float[] w, float[] m, float[] v, int i, int skipped, float step,
                       float inv) {
    float sum;
    float d1;
    float d2;
    if (skipped < CATCH_UP_TABLE_LIMIT) {
      if (skipped >= moveSum.length) {
        growCatchUpTables(skipped);
      }
      sum = moveSum[skipped];
      d1 = decay1[skipped];
      d2 = decay2[skipped];
    } else { // rare: an element idle for longer than the tables reach
      OptimizerSpec.Adam a = (OptimizerSpec.Adam) spec;
      sum = (float) a.catchUpSum(skipped);
      d1 = (float) Math.pow(a.beta1(), skipped);
      d2 = (float) Math.pow(a.beta2(), skipped);
    }
    float mi = m[i];
    float vi = v[i];
    if (mi != 0f) {
      w[i] = w[i] - step * mi * sum / ((float) Math.sqrt(vi) * inv + eps);
    }
    m[i] = mi * d1;
    v[i] = vi * d2;
  }

  /** Tables of beta1^k, beta2^k and sum_{i<=k} r^i for k up to at least {@code k} (float64, rounded once). */
  private void growCatchUpTables(int k) {
    OptimizerSpec.Adam a = (OptimizerSpec.Adam) spec;
    int n = Math.min(CATCH_UP_TABLE_LIMIT, Math.max(k + 1, Math.max(64, 2 * moveSum.length)));
    decay1 = new float[n];
    decay2 = new float[n];
    moveSum = new float[n];
    for (int j = 0; j < n; j++) {
      decay1[j] = (float) Math.pow(a.beta1(), j);
      decay2[j] = (float) Math.pow(a.beta2(), j);
      moveSum[j] = (float) a.catchUpSum(j);
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
