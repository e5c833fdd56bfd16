package io.spikeloop.fault;

import io.spikeloop.checkpoint.DeviceSnapshot;
import io.spikeloop.checkpoint.StateMap;
import io.spikeloop.device.Device;
import io.spikeloop.device.OnChipLearning;
import io.spikeloop.device.WeightTensor;
import io.spikeloop.diff.StepHash;
import io.spikeloop.target.TargetNetwork;
import io.spikeloop.target.TargetState;

/**
 * What the learning soak keeps of a device that learns on chip: its weights and dynamic state
 * ({@link DeviceSnapshot}) and its learning state, the target's {@code learning-state} payload
 * read through {@link OnChipLearning}, saved as a target payload (target, kind, format version,
 * bytes) under {@value #LEARNING_ENTRY}.
 */
record LearningCheckpoint(DeviceSnapshot device, TargetState learning) {
  static final String LEARNING_ENTRY = "soak.learning-state";

  LearningCheckpoint {
    if (device == null || learning == null) {
      throw new IllegalArgumentException("a learning checkpoint needs the device and the "
          + "learning state");
    }
    String target = device.config().targetId();
    if (!learning.targetId().equals(target)
        || !learning.kind().equals(TargetState.KIND_LEARNING_STATE)) {
      throw new IllegalArgumentException("expected a " + target + " "
          + TargetState.KIND_LEARNING_STATE + ", got a " + learning.targetId() + " "
          + learning.kind());
    }
  }

  /** Reads weights, dynamic state and learning state (learning must be on). */
  static LearningCheckpoint of(Device d) {
    DeviceSnapshot snapshot = DeviceSnapshot.of(d);
    return new LearningCheckpoint(snapshot, learningOf(d).state());
  }

  /** One 64-bit hash over every weight tensor and the learning-state payload. */
  long hash() {
    TargetNetwork c = device.config();
    int[][] w = new int[c.tensors().size()][];
    for (int t = 0; t < w.length; t++) {
      w[t] = device.weights().get(c.tensors().get(t).name());
    }
    return StepHash.chain(StepHash.of(w), StepHash.ofPayload(learning.bytes()));
  }

  /**
   * Brings {@code d}, configured with the same network and learning on with the same
   * configuration, back to this checkpoint: weights first (a weight write re-seeds the master),
   * then the learning state, then the dynamic state. On a {@code RemoteDevice} whose server
   * restarted this is also what ends its learning-state-lost refusals: the reconnect replayed
   * the network, and restoring the learning state switches the engine on again.
   */
  void restoreInto(Device d) {
    for (WeightTensor t : device.config().tensors()) {
      d.writeWeights(t.name(), device.weights().get(t.name()));
    }
    learningOf(d).restore(learning);
    d.restore(device.state());
  }

  StateMap save() {
    return device.save().putTargetState(LEARNING_ENTRY, learning);
  }

  static LearningCheckpoint load(StateMap s, TargetNetwork config) {
    return new LearningCheckpoint(DeviceSnapshot.load(s, config),
        s.targetState(LEARNING_ENTRY));
  }

  private static OnChipLearning learningOf(Device d) {
    return OnChipLearning.of(d, "the learning soak");
  }
}
