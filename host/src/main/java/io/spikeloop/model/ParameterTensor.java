package io.spikeloop.model;

import java.util.Arrays;

/**
 * One named parameter array: a matrix {@code [rows][cols]} stored row-major (rows are the
 * postsynaptic neurons, columns the presynaptic ones) or a vector ({@code cols == 1}). Names follow
 * the core vectors: {@code layer{l}.in}, {@code layer{l}.rec}, {@code layer{l}.bias},
 * {@code out.w}, {@code out.bias}.
 */
public record ParameterTensor(String name, int rows, int cols, double[] values) {
  public ParameterTensor {
    if (rows < 1 || cols < 1 || values.length != (long) rows * cols) {
      throw new IllegalArgumentException(name + ": " + values.length + " values do not fit shape ["
          + rows + "][" + cols + "]");
    }
  }

  public boolean isVector() {
    return cols == 1;
  }

  public double get(int row, int col) {
    return values[row * cols + col];
  }

  public ParameterTensor copy() {
    return new ParameterTensor(name, rows, cols, values.clone());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ParameterTensor t && t.name.equals(name) && t.rows == rows
        && t.cols == cols && Arrays.equals(t.values, values);
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + Arrays.hashCode(values);
  }

  @Override
  public String toString() {
    return name + "[" + rows + "][" + cols + "]";
  }
}
