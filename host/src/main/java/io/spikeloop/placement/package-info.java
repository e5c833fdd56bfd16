/**
 * Where learning runs, behind one interface ({@link io.spikeloop.placement.Placement}):
 * {@code host-float} (the float trainer, no device), {@code hil} (device forward in fixed point,
 * float gradient through the target's float model and float Adam on the host), {@code near-chip}
 * (as hil with integer masters and quantized Adam beside the chip) and {@code on-chip} (the
 * chip's own learning rule, configured by the target's mapper: SL-1's learning engine, ReckOn's
 * e-prop). Device placements evaluate on the device, in fixed point, and checkpoint the device
 * (weights, state, telemetry), their learner and, on-chip, the chip's learning state, so a run
 * resumes bit-identically on a fresh device.
 */
package io.spikeloop.placement;
