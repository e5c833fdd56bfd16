package io.spikeloop.device;

/**
 * Name and shape of one weight tensor on a core. Matrices are {@code [post][pre]} row-major;
 * biases are {@code [N][1]}. {@code bits} is the signed width values must fit (weights: wBits;
 * biases: the membrane or output width they are added into).
 */
public record WeightTensor(String name, int rows, int cols, int bits) {
  public static final String OUT_W = "out.w";
  public static final String OUT_BIAS = "out.bias";

  public WeightTensor {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("weight tensor needs a name, got '" + name + "'");
    }
    Checks.positive("tensor " + name + " rows", rows);
    Checks.positive("tensor " + name + " cols", cols);
    Checks.range("tensor " + name + " element count", (long) rows * cols, 1, Integer.MAX_VALUE);
    Checks.range("tensor " + name + " bits", bits, 2, 32);
  }

  public static String layerIn(int l) {
    return "layer" + l + ".in";
  }

  public static String layerRec(int l) {
    return "layer" + l + ".rec";
  }

  public static String layerBias(int l) {
    return "layer" + l + ".bias";
  }

  public int length() {
    return rows * cols;
  }

  /** Checks that {@code values} has this tensor's length and every value fits {@code bits}. */
  public void check(int[] values) {
    if (values == null || values.length != length()) {
      throw new IllegalArgumentException("tensor " + name + " needs " + rows + "x" + cols + " = "
          + length() + " values, got " + (values == null ? "none" : values.length));
    }
    long min = -(1L << (bits - 1));
    long max = (1L << (bits - 1)) - 1;
    for (int i = 0; i < values.length; i++) {
      if (values[i] < min || values[i] > max) {
        throw new IllegalArgumentException("tensor " + name + " value " + values[i] + " at ["
            + (i / cols) + "][" + (i % cols) + "] does not fit " + bits + " signed bits ["
            + min + ", " + max + "]");
      }
    }
  }
}
