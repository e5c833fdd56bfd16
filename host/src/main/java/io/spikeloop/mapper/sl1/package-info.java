/**
 * SL-1's side of the float model. {@link io.spikeloop.mapper.sl1.Quantizer} turns trained float
 * parameters into a {@link io.spikeloop.target.sl1.NetworkConfig} and integer weights (per-layer
 * weight exponents, threshold and decay scaling, rounding, with a report of what was clipped);
 * {@link io.spikeloop.mapper.sl1.Sl1Mapper} wraps it as SL-1's
 * {@link io.spikeloop.mapper.TargetMapper}. The chip's float model is the float model itself
 * ({@link io.spikeloop.mapper.FloatReference}), its backward
 * {@link io.spikeloop.mapper.sl1.Sl1ReadoutGradient}; {@link io.spikeloop.mapper.sl1.Evaluation}
 * runs the float model and an SL-1 device side by side.
 */
package io.spikeloop.mapper.sl1;
