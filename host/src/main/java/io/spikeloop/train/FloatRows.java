package io.spikeloop.train;

/**
 * The row kernels of the float32 trainers' hot loops: each adds or scans one float32 row from
 * index 0, in index order.
 */
final class FloatRows {
  private FloatRows() {}

  /** {@code dst[0..len) += src[0..len)}. */
  static void addRow(float[] dst, float[] src, int len) {
    for (int i = 0; i < len; i++) {
      dst[i] += src[i];
    }
  }

  /** {@code dst[0..len) += a * src[0..len)}. */
  static void addScaledRow(float[] dst, float a, float[] src, int len) {
    for (int i = 0; i < len; i++) {
      dst[i] += a * src[i];
    }
  }

  /** Index of the largest of {@code v[0..len)} (the first on ties). */
  static int argmax(float[] v, int len) {
    int best = 0;
    for (int i = 1; i < len; i++) {
      if (v[i] > v[best]) {
        best = i;
      }
    }
    return best;
  }
}
