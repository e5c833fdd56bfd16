/**
 * SL-1's side of the float model: {@link io.spikeloop.mapper.sl1.Sl1Mapper} wraps
 * {@link io.spikeloop.mapping.Quantizer}; the chip's float model is the float model itself, its
 * backward {@link io.spikeloop.mapper.sl1.Sl1ReadoutGradient}.
 */
package io.spikeloop.mapper.sl1;
