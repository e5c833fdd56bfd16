package io.spikeloop.convert.audio;

/**
 * Band-limited resampling by windowed-sinc interpolation (Blackman window, 32 zero crossings
 * each side, cut-off at the lower Nyquist frequency). Identity when the rates agree.
 */
final class Resampler {
  private static final int HALF_ZERO_CROSSINGS = 32;

  private Resampler() {
  }

  static double[] resample(double[] x, int fromRate, int toRate) {
    if (fromRate == toRate) {
      return x.clone();
    }
    int n = (int) Math.round((long) x.length * (double) toRate / fromRate);
    double[] y = new double[n];
    double ratio = (double) toRate / fromRate;
    double cutoff = Math.min(1.0, ratio); // relative to the input Nyquist frequency
    double halfWidth = HALF_ZERO_CROSSINGS / cutoff; // in input samples
    for (int i = 0; i < n; i++) {
      double centre = i / ratio;
      int lo = (int) Math.ceil(centre - halfWidth);
      int hi = (int) Math.floor(centre + halfWidth);
      double sum = 0;
      for (int j = Math.max(lo, 0); j <= Math.min(hi, x.length - 1); j++) {
        double d = j - centre;
        double arg = Math.PI * d * cutoff;
        double sinc = arg == 0 ? 1 : Math.sin(arg) / arg;
        double w = 0.42 + 0.5 * Math.cos(Math.PI * d / halfWidth)
            + 0.08 * Math.cos(2 * Math.PI * d / halfWidth);
        sum += x[j] * cutoff * sinc * w;
      }
      y[i] = sum;
    }
    return y;
  }
}
