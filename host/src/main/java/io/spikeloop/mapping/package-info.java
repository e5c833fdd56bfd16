/**
 * From the float model to the SL-1 core: {@link io.spikeloop.mapping.Quantizer} turns trained
 * float parameters into a {@link io.spikeloop.target.sl1.NetworkConfig} and integer weights (per-layer
 * weight exponents, threshold and decay scaling, rounding, with a report of what was clipped),
 * and {@link io.spikeloop.mapping.Evaluation} runs the float model and a device side by side.
 */
package io.spikeloop.mapping;
