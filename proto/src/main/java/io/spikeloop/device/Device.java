package io.spikeloop.device;

import io.spikeloop.target.Target;
import io.spikeloop.target.TargetNetwork;
import io.spikeloop.target.TargetState;
import io.spikeloop.target.Targets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One core of a target ({@link DeviceInfo#target()}, {@code docs/targets.md}), wherever it runs.
 * Life cycle: {@link #configure} (design-rule checked, clears weights and state), weight writes,
 * then steps; {@link #reset} clears the dynamic state and keeps the weights. Every implementation
 * of a target must agree with every other one within the target's
 * {@link io.spikeloop.target.Equivalence} (bit for bit for SL-1) for the same network, weights
 * and inputs (the contract suite in {@code hil-tests} checks it).
 *
 * <p>Bad input (ids out of range, wrong shapes, values that do not fit their width, a step before
 * configure) throws {@link IllegalArgumentException} or {@link IllegalStateException} naming the
 * problem and leaves the device's state untouched.
 */
public interface Device extends AutoCloseable {

  DeviceInfo info();

  /** The target this device implements, found by {@link DeviceInfo#target()}. */
  default Target target() {
    return Targets.byId(info().target());
  }

  /**
   * What this device promises against another device of its target: the target's equivalence,
   * unless it declares {@link Capability#IMPERFECT_CHIP} (mismatch, noise, lost events; the
   * capability travels over the wire), which compares with
   * {@link io.spikeloop.target.Equivalence#STATISTICS_ONLY}. {@code diff} compares with the
   * weaker of the two devices'.
   */
  default io.spikeloop.target.Equivalence equivalence() {
    return info().has(Capability.IMPERFECT_CHIP) ? io.spikeloop.target.Equivalence.STATISTICS_ONLY
        : target().equivalence();
  }

  /**
   * Checks the network against the target's design rules, then loads it with all weights zero
   * and the state and telemetry cleared.
   *
   * @throws DesignRuleViolation naming the rule and the numbers when it does not fit
   * @throws IllegalArgumentException when the network is of another target
   */
  void configure(TargetNetwork network);

  /** The network loaded, or an {@link IllegalStateException} before configure. */
  TargetNetwork config();

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

  /**
   * The dynamic state (not the weights) as the target's typed bytes
   * ({@link TargetState#KIND_DEVICE_STATE}), for checkpoints and differential runs.
   */
  TargetState state();

  /**
   * Restores a state taken from this or another device of the same target and network; another
   * target, format version or shape is refused naming the field, and nothing changes.
   */
  void restore(TargetState state);

  /**
   * An optional part of the device's interface, looked up rather than cast to: on-chip learning
   * ({@link OnChipLearning}) or a target's own extensions. Decorators forward the lookup.
   */
  default <T> Optional<T> extension(Class<T> type) {
    return Optional.empty();
  }

  /** Counters since configure. */
  Telemetry telemetry();

  /** Releases the device; further calls fail. */
  @Override
  void close();
}
