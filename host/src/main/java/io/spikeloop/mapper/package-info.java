/**
 * The float model meets a target: the {@link io.spikeloop.mapper.TargetMapper} SPI, one
 * implementation per target id found with {@link io.spikeloop.mapper.TargetMappers} (ServiceLoader,
 * {@code META-INF/services/io.spikeloop.mapper.TargetMapper}). A mapper turns float parameters into
 * the target's network and integer tensors ({@link io.spikeloop.mapper.TargetMapping}), refusing
 * what cannot map by name before anything loads and listing by name what was lost; turns device
 * integers back into float parameters; and gives the float model of the chip's own dynamics
 * ({@link io.spikeloop.mapper.ChipFloatModel}) and the backward pass through it that the hil and
 * near-chip placements run beside the chip ({@link io.spikeloop.mapper.ChipBackward}).
 * {@link io.spikeloop.mapper.FloatReference} is spikeloop's own float64 forward pass, the model
 * every chip is compared with ({@link io.spikeloop.mapper.ChipComparison}).
 * Implementations: {@code sl1} (wraps {@link io.spikeloop.mapper.sl1.Quantizer}) and {@code reckon}.
 */
package io.spikeloop.mapper;
