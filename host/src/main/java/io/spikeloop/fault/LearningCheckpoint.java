package io.spikeloop.fault;

import io.spikeloop.checkpoint.DeviceSnapshot;
import io.spikeloop.checkpoint.StateMap;
import io.spikeloop.device.Device;
import io.spikeloop.device.WeightTensor;
import io.spikeloop.diff.StepHash;
import io.spikeloop.placement.OnChipPlacement;
import io.spikeloop.target.TargetNetwork;
import io.spikeloop.target.sl1.LearningState;
import io.spikeloop.target.sl1.NetworkConfig;
import io.spikeloop.target.sl1.Sl1Device;

/**
 * What the learning soak keeps of a device that learns on chip: its weights and dynamic state
 * ({@link DeviceSnapshot}) and its learning engine's state, saved under the entry an on-chip
 * placement's checkpoint uses ({@link OnChipPlacement#LEARNING_ENTRY}).
 */
record LearningCheckpoint(DeviceSnapshot device, LearningState learning) {
  LearningCheckpoint {
    if (device == null || learning == null) {
      throw new IllegalArgumentException("a learning checkpoint needs the device and the "
          + "learning state");
    }
  }

  /** Reads weights, dynamic state and learning state (the engine must be on). */
  static LearningCheckpoint of(Device d) {
    DeviceSnapshot snapshot = DeviceSnapshot.of(d);
    return new LearningCheckpoint(snapshot, Sl1Device.learningState(d));
  }

  /** One 64-bit hash over every weight tensor and the learning-state image. */
  long hash() {
    TargetNetwork c = device.config();
    int[][] w = new int[c.tensors().size()][];
    for (int t = 0; t < w.length; t++) {
      w[t] = device.weights().get(c.tensors().get(t).name());
    }
    return StepHash.chain(StepHash.of(w), learning.hash());
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
    Sl1Device.restoreLearningState(d, learning);
    d.restore(device.state());
  }

  StateMap save() {
    return device.save().putBytes(OnChipPlacement.LEARNING_ENTRY, learning.toBytes());
  }

  static LearningCheckpoint load(StateMap s, NetworkConfig config) {
    return new LearningCheckpoint(DeviceSnapshot.load(s, config),
        LearningState.fromBytes(s.bytes(OnChipPlacement.LEARNING_ENTRY, -1)));
  }
}
