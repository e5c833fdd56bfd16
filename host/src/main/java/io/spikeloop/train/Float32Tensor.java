package io.spikeloop.train;

import io.spikeloop.model.ParameterTensor;

/**
 * One parameter tensor of the float32 trainers ({@link FastTrainer}, {@link EpropTrainer}) as rows
 * {@code [pre][post]} (a bias is one row), with its optimizer rows. Every row is its own array
 * indexed from 0, which is what lets C2 vectorize the loops over it.
 */
final class Float32Tensor {
  final int post;
  final int pre;
  final float[][] w;
  /** Adam's m or SGD's momentum buffer. */
  final float[][] s1;
  /** Adam's v (rows are null for SGD). */
  final float[][] s2;
  /** Catch-up Adam only: per element the update at which it was last brought current. */
  final int[][] last;
  /** Weight matrices take the weight decay, biases do not. */
  final boolean decayed;
  /** Gradient rows, for trainers that accumulate before updating; null until one allocates it. */
  float[][] grad;

  /** The tensor's values (canonical {@code [post][pre]}) copied to float32 rows. */
  Float32Tensor(ParameterTensor t, boolean adam, boolean catchUp) {
    decayed = !t.name().endsWith("bias");
    post = t.rows();
    pre = t.cols();
    w = new float[pre][post];
    for (int i = 0; i < post; i++) {
      for (int j = 0; j < pre; j++) {
        w[j][i] = (float) t.values()[i * pre + j];
      }
    }
    s1 = new float[pre][post];
    s2 = adam ? new float[pre][post] : new float[pre][];
    last = catchUp ? new int[pre][post] : new int[pre][];
  }

  /** Writes the values back in canonical {@code [post][pre]} order. */
  void export(double[] out) {
    for (int i = 0; i < post; i++) {
      for (int j = 0; j < pre; j++) {
        out[i * pre + j] = w[j][i];
      }
    }
  }

  /** {@code dst[i][j] = w[j][i]}: a {@code [post][pre]} copy for backpropagation. */
  void transposeInto(float[][] dst) {
    for (int j = 0; j < pre; j++) {
      float[] row = w[j];
      for (int i = 0; i < post; i++) {
        dst[i][j] = row[i];
      }
    }
  }
}
