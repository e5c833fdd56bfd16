package io.spikeloop.nir;

import java.util.Arrays;

/**
 * One numeric NIR parameter: float64 values in row-major order and their shape (an empty shape
 * is a scalar holding one value).
 */
public record NirArray(double[] values, int[] shape) {
  public NirArray {
    shape = shape.clone();
    long n = 1;
    for (int d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
      }
      n *= d;
    }
    if (n != values.length) {
      throw new IllegalArgumentException(values.length + " values do not fit shape "
          + Arrays.toString(shape));
    }
  }

  public static NirArray vector(double[] values) {
    return new NirArray(values, new int[] {values.length});
  }

  /** A {@code [rows][cols]} matrix from row-major values. */
  public static NirArray matrix(double[] values, int rows, int cols) {
    return new NirArray(values, new int[] {rows, cols});
  }

  /** A vector of n copies of {@code value}. */
  public static NirArray filled(int n, double value) {
    double[] v = new double[n];
    Arrays.fill(v, value);
    return vector(v);
  }

  public int rank() {
    return shape.length;
  }

  public int size() {
    return values.length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NirArray a && Arrays.equals(a.values, values) && Arrays.equals(a.shape, shape);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(values) * 31 + Arrays.hashCode(shape);
  }

  @Override
  public String toString() {
    return "float64" + Arrays.toString(shape);
  }
}
