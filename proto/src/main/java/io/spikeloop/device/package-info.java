/**
 * The device contract, target-neutral: what every device implements, wherever it runs
 * (in-process simulator, remote server, native board) and whichever chip family (target, see
 * {@link io.spikeloop.target}) it is. Networks, dynamic states and learning payloads are the
 * target's typed bytes; telemetry is named counters; capabilities are open names; optional parts
 * (on-chip learning) are extensions looked up with {@link io.spikeloop.device.Device#extension}.
 * Value types are immutable records validated in their constructors; devices are opened by name
 * through {@link io.spikeloop.device.Devices}. Weight tensors are named integer matrices,
 * row-major {@code [post][pre]}, of a stated signed width.
 */
package io.spikeloop.device;
