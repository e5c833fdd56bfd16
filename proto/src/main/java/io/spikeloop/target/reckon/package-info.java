/**
 * Target {@code reckon}: the ReckOn chip (Frenkel &amp; Indiveri, ISSCC 2022; RTL in
 * {@code ../shared/boards/reckon/upstream}), a 256-input, 256-neuron all-to-all recurrent LIF
 * network with 16 leaky-integrator outputs and on-chip e-prop learning.
 *
 * <p>This package is the shared Java side of the target: the network description
 * ({@link io.spikeloop.target.reckon.ReckonNetwork}) with its design rules, the chip's register
 * map ({@link io.spikeloop.target.reckon.ReckonRegister}), the weight tensors and their SRAM
 * layout ({@link io.spikeloop.target.reckon.ReckonTensor}), the tick-level interface every
 * implementation offers ({@link io.spikeloop.target.reckon.ReckonChip}: the bit-accurate Java
 * model {@code sim:reckon} in device-sim and the verilated RTL {@code board:reckon} in
 * firmware-bindings) and the cost model. Arithmetic and protocol: {@code docs/reckon.md}.
 */
package io.spikeloop.target.reckon;
