package io.spikeloop.device;

import java.util.ArrayList;
import java.util.List;

/**
 * An SL-1 core, wherever it runs. Life cycle: {@link #configure} (design-rule checked, clears
 * weights and state), weight writes, then steps; {@link #reset} clears the dynamic state and
 * keeps the weights. Every implementation must give the same results bit for bit for the same
 * configuration, weights and inputs (the contract suite in {@code hil-tests} checks it).
 *
 * <p>Bad input (ids out of range, wrong shapes, values that do not fit their width, a step before
 * configure) throws {@link IllegalArgumentException} or {@link IllegalStateException} naming the
 * problem and leaves the device's state untouched.
 */
public interface Device extends AutoCloseable {

  DeviceInfo info();

  /**
   * Checks the network against the core's design rules, then loads it with all weights zero and
   * the state and telemetry cleared.
   *
   * @throws DesignRuleViolation naming the rule and the numbers when it does not fit
   */
  void configure(NetworkConfig config);

  /** The configuration loaded, or an {@link IllegalStateException} before configure. */
  NetworkConfig config();

  /** Writes one whole tensor (shape and widths checked against the configuration). */
  void writeWeights(String tensor, int[] values);

  /** Reads one whole tensor back. */
  int[] readWeights(String tensor);

  /** Runs one time step. */
  StepResult step(SpikeFrame input, ReadoutLevel readout);

  /**
   * Runs several steps in one call; devices behind a wire or a native boundary override this to
   * batch the crossing. Results equal those of calling {@link #step} for each frame.
   */
  default List<StepResult> run(List<SpikeFrame> inputs, ReadoutLevel readout) {
    List<StepResult> out = new ArrayList<>(inputs.size());
    for (SpikeFrame f : inputs) {
      out.add(step(f, readout));
    }
    return out;
  }

  /** Clears membranes, spikes and outputs (not weights, not telemetry); the step counter restarts. */
  void reset();

  /** The dynamic state, for checkpoints and differential runs. */
  DeviceState state();

  /** Restores a state taken from this or another device of the same configuration. */
  void restore(DeviceState state);

  /**
   * Switches the on-chip learning engine on: from now on every step whose frame carries a label
   * runs one tBPTT1 learning step after the forward pass ({@code docs/core-spec.md}, "Learning
   * engine"). Master weights start from the weights loaded now; a later weight write re-seeds the
   * written tensor's master. {@link #configure} switches learning off.
   *
   * @throws UnsupportedCapabilityException when the device lacks {@link Capability#ON_CHIP_LEARNING}
   * @throws DesignRuleViolation when the network's shape cannot learn on the core
   */
  default void enableLearning(LearningConfig learning) {
    throw new UnsupportedCapabilityException(info().name(), Capability.ON_CHIP_LEARNING,
        "on-chip learning");
  }

  /** Switches the learning engine off (its optimizer state is dropped; weights stay). */
  default void disableLearning() {
    throw new UnsupportedCapabilityException(info().name(), Capability.ON_CHIP_LEARNING,
        "on-chip learning");
  }

  /**
   * The learning engine's state now (quantized Adam state and master weights of every learned
   * tensor), for checkpoints and differential runs.
   *
   * @throws UnsupportedCapabilityException without {@link Capability#LEARNING_STATE}
   * @throws IllegalStateException when learning is not enabled
   */
  default LearningState learningState() {
    throw new UnsupportedCapabilityException(info().name(), Capability.LEARNING_STATE,
        "learning-state readback");
  }

  /**
   * Puts a state taken with {@link #learningState} (from this or another device) into the
   * engine. The engine must be enabled with the same network and {@link LearningConfig}: a
   * state of another shape, configuration or version is refused with an
   * {@link IllegalArgumentException} naming the field, and nothing changes. Core weights are not
   * touched (restore them first, then enable learning, then restore this); a device restored so
   * continues learning bit-identically.
   *
   * @throws UnsupportedCapabilityException without {@link Capability#LEARNING_STATE}
   * @throws IllegalStateException when learning is not enabled
   */
  default void restoreLearningState(LearningState state) {
    throw new UnsupportedCapabilityException(info().name(), Capability.LEARNING_STATE,
        "learning-state restore");
  }

  /** Counters since configure. */
  Telemetry telemetry();

  /** Releases the device; further calls fail. */
  @Override
  void close();
}
