/**
 * Where tBPTT1 learning runs, behind one interface ({@link io.spikeloop.placement.Placement}):
 * {@code host-float} (the float trainer, no device), {@code hil} (device forward in fixed point,
 * float gradient and float Adam on the host), {@code near-chip} (as hil with integer masters and
 * quantized Adam beside the chip) and {@code on-chip} (the core's learning engine). Device
 * placements evaluate on the device, in fixed point, and checkpoint the device (weights, state,
 * telemetry), their learner and, on-chip, the engine's learning state, so a run resumes
 * bit-identically on a fresh device.
 */
package io.spikeloop.placement;
