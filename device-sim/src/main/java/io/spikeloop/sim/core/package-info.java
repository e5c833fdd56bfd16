/**
 * The SL-1 forward pass on primitive arrays: bit-exact to {@code core-semantics.md}, event-driven
 * (presynaptic events add stored rows into accumulators), allocation-free per step.
 */
package io.spikeloop.sim.core;
