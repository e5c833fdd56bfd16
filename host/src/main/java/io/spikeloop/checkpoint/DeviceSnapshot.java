package io.spikeloop.checkpoint;

import io.spikeloop.target.sl1.Sl1Target;

import io.spikeloop.device.Device;
import io.spikeloop.target.sl1.DeviceState;
import io.spikeloop.target.sl1.NetworkConfig;
import io.spikeloop.device.Telemetry;
import io.spikeloop.device.WeightTensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a checkpoint keeps of a device: every weight tensor of its network and its dynamic state
 * (membranes, last spikes, outputs, step counter, telemetry), under {@code device.*}. Restoring
 * configures the device afresh, writes the weights and restores the state, so it also brings a
 * restarted or replaced device (another server, a board after a power cycle) to where the
 * checkpoint was taken.
 */
public record DeviceSnapshot(NetworkConfig config, Map<String, int[]> weights, DeviceState state) {
  public DeviceSnapshot {
    weights = Map.copyOf(weights);
    for (WeightTensor t : config.tensors()) {
      t.check(weights.get(t.name()));
    }
  }

  /** The device's weights and state now (the device needs weight readback and snapshots). */
  public static DeviceSnapshot of(Device d) {
    NetworkConfig c = d.config();
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

  public StateMap save() {
    StateMap s = new StateMap();
    for (WeightTensor t : config.tensors()) {
      s.putInts("device.weights." + t.name(), weights.get(t.name()));
    }
    s.putLong("device.step", state.step());
    for (int l = 0; l < state.membranes().length; l++) {
      s.putInts("device.u" + l, state.membranes()[l]);
      s.putBytes("device.z" + l, state.lastSpikes()[l]);
    }
    s.putInts("device.o", state.outputs());
    Telemetry t = state.telemetry();
    s.putLongs("device.telemetry", new long[] {t.steps(), t.sops(), t.cycles(), t.count(Sl1Target.NEURON_UPDATES),
        t.count(Sl1Target.HIDDEN_SPIKES), t.count(Sl1Target.SATURATIONS), t.fifoOverflows(), t.deadlineMisses(),
        Double.doubleToRawLongBits(t.energyJoules()), t.learningUpdates()});
    return s;
  }

  /** Reads what {@link #save} wrote for a device configured with {@code config}. */
  public static DeviceSnapshot load(StateMap s, NetworkConfig config) {
    Map<String, int[]> w = new LinkedHashMap<>();
    for (WeightTensor t : config.tensors()) {
      w.put(t.name(), s.ints("device.weights." + t.name(), t.length()));
    }
    int layers = config.layers().size();
    int[][] u = new int[layers][];
    byte[][] z = new byte[layers][];
    for (int l = 0; l < layers; l++) {
      int n = config.layers().get(l).size();
      u[l] = s.ints("device.u" + l, n);
      z[l] = s.bytes("device.z" + l, n);
    }
    long[] t = s.longs("device.telemetry", 10);
    Telemetry telemetry = new Telemetry(t[0], t[1], t[2], t[3], t[4], t[5], t[6], t[7],
        Double.longBitsToDouble(t[8]), t[9]);
    return new DeviceSnapshot(config, w, new DeviceState(s.getLong("device.step"), u, z,
        s.ints("device.o", config.output().size()), telemetry));
  }
}
