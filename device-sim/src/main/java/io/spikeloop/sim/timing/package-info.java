/**
 * The SL-1 cost model: the microarchitecture that turns a step's events into cycles (synapse and
 * neuron lanes, the event FIFO and its overflow policy, clock and real-time deadline) and the
 * named energy profiles. Documented in {@code docs/core-spec.md}.
 */
package io.spikeloop.sim.timing;
