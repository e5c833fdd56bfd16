/**
 * Targets: one chip family each (SL-1, ReckOn, ...). A {@link io.spikeloop.target.Target} owns
 * everything that is particular to the chip: its network description ({@link TargetNetwork}),
 * its design rules, the codecs of its typed byte payloads ({@link TargetState}: networks,
 * dynamic-state snapshots, learning configurations, learning-state images), its telemetry counter
 * names, its cost model, its optional on-chip learning and the equivalence its devices promise.
 * The device contract ({@code io.spikeloop.device}), the wire, checkpoints and {@code diff} only
 * ever handle these through the target, so a new chip is an addition, not an edit.
 * Targets are found by id through {@link java.util.ServiceLoader} ({@link Targets#byId}).
 * Reference: {@code docs/targets.md}.
 */
package io.spikeloop.target;
