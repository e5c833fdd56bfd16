/**
 * The learning arithmetic shared by the near-chip learner (host side) and the SL-1 core's
 * on-chip learning engine (simulator): quantized Adam with block-wise 8- or 4-bit state, integer
 * master weights with stochastic rounding from a seeded xorshift64* generator, and the float to
 * integer gradient quantization. Everything on the update path is integer arithmetic, specified
 * bit for bit in {@code docs/learning-engine.md} and pinned by the {@code spikeloop-qadam-vector/1}
 * golden vectors that {@link io.spikeloop.sim.learning.QuantizedAdamVectorGenerator} writes.
 */
package io.spikeloop.sim.learning;
