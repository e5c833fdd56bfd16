/**
 * Lock-step differential runs of two devices ({@code ./spikeloop diff}): the same network and
 * inputs on both, a 64-bit hash of every step's readout on each side, and the first step, layer,
 * neuron and variable where they part, with both values.
 */
package io.spikeloop.diff;
