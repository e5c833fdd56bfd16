/**
 * SL-1, the first target: its network description ({@link io.spikeloop.target.sl1.NetworkConfig}),
 * design rules, fixed-point arithmetic, dynamic state, on-chip learning configuration and
 * learning-state image, their payload codecs ({@link io.spikeloop.target.sl1.Sl1Codecs}) and
 * {@link io.spikeloop.target.sl1.Sl1Target}. Fixed-point conventions ({@code docs/core-spec.md}):
 * weights are two's complement integers of {@code wBits}, membranes saturate to {@code uBits},
 * outputs to {@code oBits}, decays are Q0.12 factors in [0, 4096].
 */
package io.spikeloop.target.sl1;
