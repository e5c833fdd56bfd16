package io.spikeloop.checkpoint;

import io.spikeloop.device.Device;
import io.spikeloop.device.WeightTensor;
import io.spikeloop.target.TargetNetwork;
import io.spikeloop.target.TargetState;
import io.spikeloop.target.Targets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a checkpoint keeps of a device: every weight tensor of its network and its dynamic state
 * (the target's {@code device-state} payload: for SL-1 membranes, last spikes, outputs, step
 * counter, telemetry), under {@code device.*}. Restoring configures the device afresh, writes the
 * weights and restores the state, so it also brings a restarted or replaced device (another
 * server, a board after a power cycle) to where the checkpoint was taken.
 */
public record DeviceSnapshot(TargetNetwork config, Map<String, int[]> weights, TargetState state) {
  static final String STATE_ENTRY = "device.state";

  public DeviceSnapshot {
    weights = Map.copyOf(weights);
    for (WeightTensor t : config.tensors()) {
      t.check(weights.get(t.name()));
    }
    Targets.byId(config.targetId()).checkDeviceState(config, state);
  }

  /** The device's weights and state now (the device needs weight readback and snapshots). */
  public static DeviceSnapshot of(Device d) {
    TargetNetwork c = d.config();
    Map<String, int[]> w = new LinkedHashMap<>();
    for (WeightTensor t : c.tensors()) {
      w.put(t.name(), d.readWeights(t.name()));
    }
    return new DeviceSnapshot(c, w, d.state());
  }

  /** Configures {@code d} with the network, writes the weights, restores the state. */
  public void restoreInto(Device d) {
    d.configure(config);
    for (WeightTensor t : config.tensors()) {
      d.writeWeights(t.name(), weights.get(t.name()));
    }
    d.restore(state);
  }

  /** Weights by tensor, the state as the target's payload (a {@code TargetPayload} message). */
  public StateMap save() {
    StateMap s = new StateMap();
    for (WeightTensor t : config.tensors()) {
      s.putInts("device.weights." + t.name(), weights.get(t.name()));
    }
    s.putTargetState(STATE_ENTRY, state);
    return s;
  }

  /**
   * Reads what {@link #save} wrote for a device configured with {@code config}; a state of
   * another target, format or shape is refused naming it.
   */
  public static DeviceSnapshot load(StateMap s, TargetNetwork config) {
    Map<String, int[]> w = new LinkedHashMap<>();
    for (WeightTensor t : config.tensors()) {
      w.put(t.name(), s.ints("device.weights." + t.name(), t.length()));
    }
    return new DeviceSnapshot(config, w, s.targetState(STATE_ENTRY));
  }
}
