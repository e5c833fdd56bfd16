package io.spikeloop.mapper;

/**
 * One target tensor and the float tensor it stands for: {@code float ≈ values[i] * lsb}, same
 * row-major {@code [post][pre]} layout on both sides.
 *
 * @param name        the target's tensor name ({@code WeightTensor.name()})
 * @param floatTensor the float model's tensor ({@code layer0.in}, {@code out.w}, ...)
 * @param bits        signed width the integers fit (values saturate to it)
 * @param lsb         float value of one integer unit
 * @param exponent    the power of two the target scales the integers by (SL-1's weight exponent,
 *                    ReckOn's weight shift; 0 for biases)
 * @param values      the integers
 * @param clipped     values that did not fit {@code bits} and were saturated
 * @param maxAbsFloat largest |float value|
 * @param maxAbsError largest |float - int * lsb| (clipped values included)
 */
public record MappedTensor(String name, String floatTensor, int bits, double lsb, int exponent,
                           int[] values, int clipped, double maxAbsFloat, double maxAbsError) {
  public MappedTensor {
    values = values.clone();
  }

  @Override
  public int[] values() {
    return values.clone();
  }

  /** The values without a copy, for code that only reads them. */
  int[] view() {
    return values;
  }

  /** round(v / lsb) saturated to {@code bits}, ties to even. */
  public int quantize(double v) {
    long max = (1L << (bits - 1)) - 1;
    long min = -(1L << (bits - 1));
    return (int) Math.max(min, Math.min(max, (long) Math.rint(v / lsb)));
  }
}
