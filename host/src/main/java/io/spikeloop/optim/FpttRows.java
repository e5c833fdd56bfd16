package io.spikeloop.optim;

/**
 * The float32 row kernels of {@link Fptt} for the fast trainers: the coefficients rounded to
 * float32 once, loops kept plain so that C2 vectorizes them. A row's {@code wbar} and
 * {@code lambda} are indexed like its weights.
 */
public final class FpttRows {
  private final float alpha;
  private final float oneMinusBeta;
  private final float beta;
  private final float betaOverAlpha;

  public FpttRows(Fptt fptt) {
    if (!fptt.enabled()) {
      throw new IllegalArgumentException("FPTT is off (alpha 0): no kernels needed");
    }
    alpha = (float) fptt.alpha();
    beta = (float) fptt.beta();
    oneMinusBeta = (float) (1 - fptt.beta());
    betaOverAlpha = (float) (fptt.beta() / fptt.alpha());
  }

  /** {@code g += alpha (w - wbar) - lambda}: the regulariser's gradient, before the step. */
  public void addGradient(float[] g, float[] w, float[] wbar, float[] lambda) {
    float a = alpha;
    int len = w.length;
    for (int i = 0; i < len; i++) {
      g[i] = g[i] + (a * (w[i] - wbar[i]) - lambda[i]);
    }
  }

  /** {@code g = alpha (w - wbar) - lambda}: the gradient of a row the loss did not touch. */
  public void setGradient(float[] g, float[] w, float[] wbar, float[] lambda) {
    float a = alpha;
    int len = w.length;
    for (int i = 0; i < len; i++) {
      g[i] = a * (w[i] - wbar[i]) - lambda[i];
    }
  }

  /** After the step, with the new {@code w}: {@code lambda} and {@code wbar} move. */
  public void afterStep(float[] w, float[] wbar, float[] lambda) {
    float a = alpha;
    float b = beta;
    float keep = oneMinusBeta;
    float ba = betaOverAlpha;
    int len = w.length;
    for (int i = 0; i < len; i++) {
      float lam = lambda[i] - a * (w[i] - wbar[i]);
      lambda[i] = lam;
      wbar[i] = keep * wbar[i] + b * w[i] - ba * lam;
    }
  }
}
