package io.spikeloop.target;

import io.spikeloop.device.DesignRuleViolation;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One chip family. Implementations register through {@link java.util.ServiceLoader}
 * ({@code META-INF/services/io.spikeloop.target.Target}) and are found by {@link #id()} with
 * {@link Targets#byId}. A target is stateless and thread-safe; devices of the target hold the
 * state. See {@code docs/targets.md}.
 */
public interface Target {
  /** Short stable id, as devices, wire messages, checkpoints and board libraries name it: {@code sl1}. */
  String id();

  /** One line for {@code devices} and error messages. */
  String description();

  /** Reads a network description this target wrote ({@link TargetNetwork#encode}). */
  TargetNetwork decodeNetwork(TargetState encoded);

  /**
   * Checks a network against the rules of a device of this target with the given named resource
   * limits ({@link io.spikeloop.device.DeviceInfo#limits()}), before anything loads.
   *
   * @throws DesignRuleViolation naming the rule and both numbers for the first rule broken
   * @throws IllegalArgumentException when the network is of another target
   */
  void checkDesignRules(TargetNetwork network, Map<String, Long> limits);

  /** The names of the telemetry counters its devices report, in a stable order. */
  List<String> telemetryCounters();

  /**
   * Checks a dynamic-state snapshot ({@link TargetState#KIND_DEVICE_STATE}) against a network:
   * version, layer count and sizes, widths. Devices restore only what passes.
   */
  void checkDeviceState(TargetNetwork network, TargetState state);

  /** Its cost model (cycles and energy from telemetry counters). */
  CostModel costModel();

  /** Its on-chip learning, where the chip has one. */
  default Optional<TargetLearning> onChipLearning() {
    return Optional.empty();
  }

  /** What two devices of this target promise to agree on. */
  Equivalence equivalence();


}
