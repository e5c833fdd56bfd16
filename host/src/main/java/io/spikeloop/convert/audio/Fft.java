package io.spikeloop.convert.audio;

/**
 * In-place iterative radix-2 complex FFT of one power-of-two size on split real/imaginary
 * arrays; twiddles and the bit-reversal table are computed once per instance, so one instance
 * serves many transforms (and threads: it keeps no per-call state).
 */
final class Fft {
  private final int n;
  private final int[] bitReverse;
  private final double[] cos;
  private final double[] sin;

  Fft(int n) {
    if (n < 2 || Integer.bitCount(n) != 1) {
      throw new IllegalArgumentException("FFT size must be a power of two >= 2, got " + n);
    }
    this.n = n;
    int bits = Integer.numberOfTrailingZeros(n);
    bitReverse = new int[n];
    for (int i = 0; i < n; i++) {
      bitReverse[i] = Integer.reverse(i) >>> (32 - bits);
    }
    cos = new double[n / 2];
    sin = new double[n / 2];
    for (int i = 0; i < n / 2; i++) {
      cos[i] = Math.cos(2 * Math.PI * i / n);
      sin[i] = Math.sin(2 * Math.PI * i / n);
    }
  }

  int size() {
    return n;
  }

  /** Forward transform, {@code X[k] = sum x[j] e^{-2 pi i jk/n}} (unnormalised, as numpy). */
  void forward(double[] re, double[] im) {
    transform(re, im, -1);
  }

  /** Inverse transform including the 1/n factor (as numpy's ifft). */
  void inverse(double[] re, double[] im) {
    transform(re, im, +1);
    double scale = 1.0 / n;
    for (int i = 0; i < n; i++) {
      re[i] *= scale;
      im[i] *= scale;
    }
  }

  private void transform(double[] re, double[] im, int sign) {
    for (int i = 0; i < n; i++) {
      int j = bitReverse[i];
      if (j > i) {
        double t = re[i]; re[i] = re[j]; re[j] = t;
        t = im[i]; im[i] = im[j]; im[j] = t;
      }
    }
    for (int half = 1; half < n; half <<= 1) {
      int stride = n / (2 * half);
      if (half < 32) {
        // short butterflies: twiddle outside, blocks inside
        for (int k = 0; k < half; k++) {
          double wr = cos[k * stride];
          double wi = sign * sin[k * stride];
          for (int a = k; a < n; a += 2 * half) {
            int b = a + half;
            double xr = re[b] * wr - im[b] * wi;
            double xi = re[b] * wi + im[b] * wr;
            re[b] = re[a] - xr;
            im[b] = im[a] - xi;
            re[a] += xr;
            im[a] += xi;
          }
        }
      } else {
        for (int start = 0; start < n; start += 2 * half) {
          for (int k = 0, t = 0; k < half; k++, t += stride) {
            double wr = cos[t];
            double wi = sign * sin[t];
            int a = start + k;
            int b = a + half;
            double xr = re[b] * wr - im[b] * wi;
            double xi = re[b] * wi + im[b] * wr;
            re[b] = re[a] - xr;
            im[b] = im[a] - xi;
            re[a] += xr;
            im[a] += xi;
          }
        }
      }
    }
  }
}
