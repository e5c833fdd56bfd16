package io.spikeloop.remote;

import io.spikeloop.device.Capability;
import io.spikeloop.device.DesignRuleViolation;
import io.spikeloop.device.Device;
import io.spikeloop.device.DeviceInfo;
import io.spikeloop.device.ReadoutLevel;
import io.spikeloop.device.SpikeFrame;
import io.spikeloop.device.StepResult;
import io.spikeloop.device.Telemetry;
import io.spikeloop.device.WeightTensor;
import io.spikeloop.target.TargetNetwork;
import io.spikeloop.target.TargetState;
import io.spikeloop.target.sl1.CoreLimits;
import io.spikeloop.target.sl1.DeviceState;
import io.spikeloop.target.sl1.LayerConfig;
import io.spikeloop.target.sl1.NetworkConfig;
import io.spikeloop.target.sl1.Sl1Codecs;
import io.spikeloop.target.sl1.Sl1Target;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A test double, NOT an SL-1 implementation: a small stateful integer network (halving leak,
 * input and bias weights only, subtract-theta reset) that is deterministic and sensitive to its
 * weights, inputs and state, so the transport tests can tell whether every bit crossed the wire.
 * It checks its inputs like a real device. {@link #stall} makes steps block (for timeout tests).
 */
final class ToyTestDevice implements Device {
  static final CoreLimits LIMITS = new CoreLimits(4096, 4, 1024, 4096, 4096, 16, 32, 32, 1L << 30, 256);

  private final String name;
  private NetworkConfig config;
  private final Map<String, int[]> weights = new HashMap<>();
  private int[][] u;
  private byte[][] z;
  private int[] o;
  private long step;
  private Telemetry telemetry = Telemetry.ZERO;
  private boolean closed;
  volatile CountDownLatch stall;

  ToyTestDevice(String name) {
    this.name = name;
  }

  @Override
  public DeviceInfo info() {
    return new DeviceInfo(name, Sl1Target.ID, "toy-test-double", DeviceInfo.PROTOCOL_VERSION,
        Set.of(Capability.FORWARD, Capability.MEMBRANE_READOUT, Capability.SNAPSHOT,
            Capability.WEIGHT_READBACK), LIMITS.toNames(), "test", 0, 0);
  }

  @Override
  public void configure(TargetNetwork network) {
    open();
    NetworkConfig c = Sl1Target.network(network);
    if (c.inputs() > LIMITS.maxInputs()) {
      throw new DesignRuleViolation("DR-INPUTS", c.inputs() + " inputs exceed " + LIMITS.maxInputs());
    }
    config = c;
    weights.clear();
    for (WeightTensor t : c.tensors()) {
      weights.put(t.name(), new int[t.length()]);
    }
    telemetry = Telemetry.ZERO;
    reset();
  }

  @Override
  public NetworkConfig config() {
    configured();
    return config;
  }

  @Override
  public void writeWeights(String tensor, int[] values) {
    configured();
    config.tensor(tensor).check(values);
    weights.put(tensor, values.clone());
  }

  @Override
  public int[] readWeights(String tensor) {
    configured();
    config.tensor(tensor);
    return weights.get(tensor).clone();
  }

  @Override
  public StepResult step(SpikeFrame input, ReadoutLevel readout) {
    configured();
    for (int a : input.axons()) {
      if (a >= config.inputs()) {
        throw new IllegalArgumentException("axon id " + a + " >= inputs " + config.inputs());
      }
    }
    CountDownLatch s = stall;
    if (s != null) {
      try {
        s.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    int[] pre = input.axons();
    long sops = 0;
    int[][] spikes = new int[u.length][];
    for (int l = 0; l < u.length; l++) {
      LayerConfig c = config.layers().get(l);
      int[] w = weights.get(WeightTensor.layerIn(l));
      int[] b = weights.get(WeightTensor.layerBias(l));
      int[] fired = new int[c.size()];
      int nf = 0;
      for (int n = 0; n < c.size(); n++) {
        long acc = u[l][n] / 2 + b[n];
        for (int p : pre) {
          acc += w[n * c.inputs() + p];
          sops++;
        }
        z[l][n] = (byte) (acc >= c.theta() ? 1 : 0);
        if (z[l][n] == 1) {
          acc -= c.theta();
          fired[nf++] = n;
        }
        u[l][n] = (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, acc));
      }
      spikes[l] = java.util.Arrays.copyOf(fired, nf);
      pre = spikes[l];
    }
    int[] wo = weights.get(WeightTensor.OUT_W);
    int[] bo = weights.get(WeightTensor.OUT_BIAS);
    for (int k = 0; k < o.length; k++) {
      long acc = o[k] / 2 + bo[k];
      for (int p : pre) {
        acc += wo[k * config.lastHiddenSize() + p];
      }
      o[k] = (int) acc;
    }
    telemetry = Telemetry.builder().put(Telemetry.STEPS, telemetry.steps() + 1)
        .put(Telemetry.SOPS, telemetry.sops() + sops)
        .put(Sl1Target.NEURON_UPDATES,
            telemetry.count(Sl1Target.NEURON_UPDATES) + config.totalNeurons()).build();
    int[][] membranes = null;
    if (readout == ReadoutLevel.FULL) {
      membranes = java.util.Arrays.stream(u).map(int[]::clone).toArray(int[][]::new);
    }
    return new StepResult(step++, readout == ReadoutLevel.OUTPUTS ? null : spikes, membranes,
        o.clone(), sops, 0, false, 0);
  }

  @Override
  public void reset() {
    configured();
    u = new int[config.layers().size()][];
    z = new byte[u.length][];
    for (int l = 0; l < u.length; l++) {
      u[l] = new int[config.layers().get(l).size()];
      z[l] = new byte[u[l].length];
    }
    o = new int[config.output().size()];
    step = 0;
  }

  @Override
  public TargetState state() {
    configured();
    return Sl1Codecs.encode(new DeviceState(step, u, z, o, telemetry));
  }

  @Override
  public void restore(TargetState encoded) {
    configured();
    DeviceState s = Sl1Codecs.decodeState(encoded);
    if (s.membranes().length != u.length || s.outputs().length != o.length) {
      throw new IllegalArgumentException("state does not match the configuration");
    }
    for (int l = 0; l < u.length; l++) {
      if (s.membranes()[l].length != u[l].length) {
        throw new IllegalArgumentException("state layer " + l + " has the wrong size");
      }
      u[l] = s.membranes()[l].clone();
      z[l] = s.lastSpikes()[l].clone();
    }
    o = s.outputs().clone();
    step = s.step();
    telemetry = s.telemetry();
  }

  @Override
  public Telemetry telemetry() {
    configured();
    return telemetry;
  }

  @Override
  public void close() {
    closed = true;
  }

  boolean closed() {
    return closed;
  }

  private void open() {
    if (closed) {
      throw new IllegalStateException("device " + name + " is closed");
    }
  }

  private void configured() {
    open();
    if (config == null) {
      throw new IllegalStateException("device " + name + " is not configured");
    }
  }
}
