package io.spikeloop.target;

/**
 * Where two payloads of one target (two learning-state images, or two device states) first
 * differ, in the target's own terms, for {@code diff --learning} and reports.
 *
 * @param tensor   the tensor the value belongs to ({@code null} for a header field or a value
 *                 that belongs to no tensor, such as a membrane)
 * @param variable the field: a weight {@code w}, an optimizer field ({@code mCodes}, {@code rng},
 *                 {@code lrQ16}, ...), a dynamic variable ({@code u}, {@code traceIn}, ...)
 * @param index    the element (the generic {@code [post][pre]} index for a weight), -1 for a
 *                 scalar field
 * @param a        the value in the first payload
 * @param b        the value in the second
 */
public record StateDifference(String tensor, String variable, int index, long a, long b) {
  public StateDifference {
    if (variable == null || variable.isEmpty()) {
      throw new IllegalArgumentException("a state difference names its variable");
    }
  }

  /** {@code tensor w_rec w[12]: a = 3, b = 4}. */
  public String describe() {
    return (tensor == null ? "" : "tensor " + tensor + " ") + variable
        + (index >= 0 ? "[" + index + "]" : "") + ": a = " + a + ", b = " + b;
  }
}
