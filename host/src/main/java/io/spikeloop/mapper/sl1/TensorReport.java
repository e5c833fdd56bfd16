package io.spikeloop.mapper.sl1;

/**
 * How one tensor was quantized: {@code float ≈ int * step}.
 *
 * @param step        float value of one integer unit ({@code 2^wExp / s} for weights, {@code 1/s}
 *                    for biases, with {@code s} the layer's membrane or output scale)
 * @param exponent    the weight exponent {@code wExp} (biases: 0)
 * @param bits        signed width the integers had to fit
 * @param clipped     values that did not fit and were saturated
 * @param maxAbsFloat largest |float value|
 * @param maxAbsError largest |float - int * step| over the tensor (clipped values included)
 */
public record TensorReport(String name, double step, int exponent, int bits, int values,
                           int clipped, double maxAbsFloat, double maxAbsError) {}
