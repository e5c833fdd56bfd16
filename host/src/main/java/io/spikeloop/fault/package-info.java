/**
 * Fault injection for hardware-in-the-loop runs, on loopback only: {@link
 * io.spikeloop.fault.FaultyLink}, a frame-aware TCP proxy that drops, delays, corrupts or
 * stalls {@code spikeloop.v1} frames or cuts the connection, and {@link io.spikeloop.fault.Soak},
 * the long run behind {@code ./spikeloop soak} that injects faults at random, kills and restarts
 * the device server, recovers from checkpoints of the device state (with {@code --learning} also
 * of the on-chip learning engine's state, {@link io.spikeloop.fault.LearningCheckpoint}), and
 * checks every step and checkpoint against an in-process reference.
 */
package io.spikeloop.fault;
