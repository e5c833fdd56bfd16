/**
 * Lock-step differential runs of two devices ({@code ./spikeloop diff}): the same network and
 * inputs on both, a 64-bit hash of every step's readout on each side, and the first step, layer,
 * neuron and variable where they part, with both values. In learning mode
 * ({@link io.spikeloop.diff.LearningLockstep}, {@code diff --learning}) both on-chip learning
 * engines run on labelled frames and the core weights and learning states are compared after
 * every step too, a difference named by tensor, variable and index.
 */
package io.spikeloop.diff;
