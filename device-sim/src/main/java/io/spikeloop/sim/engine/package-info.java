/**
 * The SL-1 core's on-chip learning engine: integer output error, one-step back-propagation
 * through {@code W_out} and the surrogate table, per-tensor gradients, and the quantized Adam of
 * {@link io.spikeloop.sim.learning} on integer master weights, with its cycle and energy cost.
 * Specified bit for bit in {@code docs/core-spec.md}, section "Learning engine".
 */
package io.spikeloop.sim.engine;
