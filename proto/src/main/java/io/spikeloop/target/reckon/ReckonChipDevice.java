package io.spikeloop.target.reckon;

import io.spikeloop.device.Capability;
import io.spikeloop.device.Device;
import io.spikeloop.device.DeviceInfo;
import io.spikeloop.device.OnChipLearning;
import io.spikeloop.device.ReadoutLevel;
import io.spikeloop.device.SpikeFrame;
import io.spikeloop.device.StepResult;
import io.spikeloop.device.Telemetry;
import io.spikeloop.device.UnsupportedCapabilityException;
import io.spikeloop.device.WeightTensor;
import io.spikeloop.target.TargetNetwork;
import io.spikeloop.target.TargetState;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * A {@link ReckonChip} behind the generic {@link Device} contract: {@code sim:reckon} (the
 * bit-accurate model) and {@code board:reckon} (the verilated RTL) are this class around their
 * chip, so both map frames and results the same way.
 *
 * <p><b>Samples.</b> The chip runs in samples (SAMPLE high from the first tick to the last). A
 * {@link #step} inside no sample starts one; {@link #reset} ends it with an end-of-sample tick
 * (no events, no label), which clears membranes, traces and outputs on the chip. That tick is
 * not counted in the telemetry (it is the contract's "restart the dynamics", not a frame).
 * Weights and the learning configuration change only between samples: writing them inside a
 * sample is refused with a message saying to {@link #reset} first.
 *
 * <p><b>Frames.</b> A {@link SpikeFrame}'s axons are the AER input events of the tick. A frame
 * with a label sends it over AER before the tick and raises TARGET_VALID and INFER_ACC during it:
 * with e-prop on, that tick learns towards the label (the chip's rule: a label sent before the
 * first tick of a sample is lost, so the first labelled frame of a sample with learning on is
 * refused by the chip, naming the problem). A frame without a label raises neither.
 *
 * <p><b>Results.</b> The chip is driven with the per-step membrane readout (SPI_SEND_PER_TIMESTEP
 * 1, SPI_SEND_LABEL_ONLY 0, the network's SPI_NO_OUT_ACT kept) whatever the network's readout,
 * so every step has outputs: the signed 16-bit output membranes sent on the bus, or zeros on a
 * step that sent nothing (the first of a sample; see {@link ReckonStepResult} for the two-tick
 * output lag). Hidden spikes ({@link ReadoutLevel#SPIKES}) only where the chip makes them visible
 * ({@link HiddenSpikes}: the model can, the board cannot; the board then returns none and lacks
 * {@link #SPIKE_READOUT}); membranes ({@link ReadoutLevel#FULL}) from {@link
 * ReckonChip#readState()} on both.
 *
 * <p><b>State.</b> {@link #state()} is the {@link ReckonState} after the last tick as a
 * {@code device-state} payload. {@link #restore} is refused: neither chip can load membranes,
 * traces, the per-neuron dirty bits and the LFSR positions back (no {@code snapshot}).
 */
public final class ReckonChipDevice implements Device {
  /** Capability: hidden spikes are visible per step ({@code sim:reckon} only). */
  public static final String SPIKE_READOUT = "hidden-spike-readout";

  /** A chip whose hidden spikes of the last tick can be seen (the model; not the pins). */
  public interface HiddenSpikes {
    /** Spiking recurrent neurons of the last tick's spike test, ascending ids. */
    int[] lastHiddenSpikeIds();
  }

  private final ReckonChip chip;
  private final DeviceInfo info;
  private final HiddenSpikes hiddenSpikes;
  private ReckonNetwork network;
  private long step;
  private long steps, sops, cycles, spikes, learningUpdates, learningCycles;
  private final Learning learning = new Learning();

  /**
   * @param name    the device name ({@code sim:reckon}, {@code board:reckon})
   * @param kind    the implementation ({@code reckon-model}, {@code reckon-verilated-rtl})
   * @param version its version string
   * @param chip    the chip, owned (closed with this device)
   */
  public ReckonChipDevice(String name, String kind, String version, ReckonChip chip) {
    this.chip = chip;
    this.hiddenSpikes = chip instanceof HiddenSpikes h ? h : null;
    // Cycles are counted (telemetry, cost model) but no clock frequency is known for the chip,
    // so no CYCLE_MODEL (which promises a clock for timing).
    Set<String> caps = new HashSet<>(Set.of(Capability.FORWARD, Capability.MEMBRANE_READOUT,
        Capability.ENERGY_MODEL, Capability.ON_CHIP_LEARNING,
        Capability.WEIGHT_READBACK, Capability.LEARNING_STATE));
    if (hiddenSpikes != null) {
      caps.add(SPIKE_READOUT);
    }
    // No clock frequency is modelled (cycles are counted, not timed): clockHz 0, no deadline.
    this.info = new DeviceInfo(name, ReckonTarget.ID, kind, DeviceInfo.PROTOCOL_VERSION, caps,
        ReckonTarget.CHIP_LIMITS, version, 0, 0);
  }

  @Override
  public DeviceInfo info() {
    return info;
  }

  /** Checks the design rules before anything loads; then registers, neuron SRAM, zero weights. */
  @Override
  public void configure(TargetNetwork target) {
    ReckonNetwork net = ReckonTarget.network(target);
    new ReckonTarget().checkDesignRules(net, info.limits());
    if (chip.inSample()) {
      endSample();
    }
    chip.configure(driven(net));
    for (ReckonTensor t : ReckonTensor.values()) {
      chip.writeWeights(t, new byte[t.rows(net) * t.columns(net)]);
    }
    network = net;
    step = 0;
    steps = sops = cycles = spikes = learningUpdates = learningCycles = 0;
  }

  /** The network as the device drives it: per-step membrane readout. */
  private static ReckonNetwork driven(ReckonNetwork net) {
    return net.withReadout(new ReckonNetwork.Readout(true, false,
        net.readout().noOutputActivation()));
  }

  @Override
  public TargetNetwork config() {
    return requireNetwork();
  }

  private ReckonNetwork requireNetwork() {
    if (network == null) {
      throw new IllegalStateException(info.name() + ": no network configured");
    }
    return network;
  }

  /** {@code values} is {@code [post][pre]}; the chip holds {@code [pre][post]}. */
  @Override
  public void writeWeights(String tensor, int[] values) {
    ReckonNetwork net = requireNetwork();
    ReckonTensor t = ReckonTensor.byName(tensor);
    t.weightTensor(net).check(values);
    betweenSamples("write weights");
    int pre = t.rows(net), post = t.columns(net);
    byte[] chipOrder = new byte[pre * post];
    for (int j = 0; j < post; j++) {
      for (int i = 0; i < pre; i++) {
        chipOrder[i * post + j] = (byte) values[j * pre + i];
      }
    }
    chip.writeWeights(t, chipOrder);
  }

  @Override
  public int[] readWeights(String tensor) {
    ReckonNetwork net = requireNetwork();
    ReckonTensor t = ReckonTensor.byName(tensor);
    byte[] chipOrder = chip.readWeights(t);
    int pre = t.rows(net), post = t.columns(net);
    int[] values = new int[pre * post];
    for (int j = 0; j < post; j++) {
      for (int i = 0; i < pre; i++) {
        values[j * pre + i] = chipOrder[i * post + j];
      }
    }
    return values;
  }

  private void betweenSamples(String what) {
    if (chip.inSample()) {
      throw new IllegalStateException(info.name() + ": cannot " + what + " inside a sample (the"
          + " chip changes SRAMs and registers only between samples); call reset() first");
    }
  }

  @Override
  public StepResult step(SpikeFrame input, ReadoutLevel readout) {
    ReckonNetwork net = requireNetwork();
    int[] axons = input.axons();
    if (axons.length > 0 && axons[axons.length - 1] >= net.inputs()) {
      throw new IllegalArgumentException(info.name() + ": input axon " + axons[axons.length - 1]
          + " outside 0.." + (net.inputs() - 1));
    }
    int label = input.label();
    if (label >= net.outputs()) {
      throw new IllegalArgumentException(info.name() + ": label " + label + " outside 0.."
          + (net.outputs() - 1));
    }
    boolean labelled = label != SpikeFrame.NO_LABEL;
    ReckonStepResult r = chip.step(new ReckonStep(axons, label, labelled, labelled, false));
    short[] o = r.outputMembranes();
    int[] outputs = new int[net.outputs()];
    if (o != null) {
      for (int k = 0; k < outputs.length; k++) {
        outputs[k] = o[k];
      }
    }
    int[] spikeIds = hiddenSpikes != null ? hiddenSpikes.lastHiddenSpikeIds() : new int[0];
    int[][] hidden = readout == ReadoutLevel.OUTPUTS || hiddenSpikes == null ? null
        : new int[][] {spikeIds};
    int[][] membranes = null;
    if (readout == ReadoutLevel.FULL) {
      short[] u = chip.readState().membranes();
      int[] m = new int[u.length];
      for (int j = 0; j < u.length; j++) {
        m[j] = u[j];
      }
      membranes = new int[][] {m};
    }
    steps++;
    sops += r.synapticOps();
    cycles += r.cycles();
    spikes += spikeIds.length;
    if (r.learned()) {
      learningUpdates++;
      long forward = ReckonCostModel.cycles(net, 0, 0, false);
      learningCycles += ReckonCostModel.cycles(net, 0, 0, true) - forward;
    }
    return new StepResult(step++, hidden, membranes, outputs, r.synapticOps(), r.cycles(), false,
        0);
  }

  @Override
  public void reset() {
    requireNetwork();
    if (chip.inSample()) {
      endSample();
    }
    step = 0;
  }

  private void endSample() {
    chip.step(new ReckonStep(null, -1, false, false, true));
  }

  @Override
  public TargetState state() {
    requireNetwork();
    return ReckonCodecs.encodeState(chip.readState());
  }

  @Override
  public void restore(TargetState state) {
    ReckonTarget target = new ReckonTarget();
    target.checkDeviceState(requireNetwork(), state);
    throw new UnsupportedCapabilityException(info.name(), Capability.SNAPSHOT,
        "restoring a state (the chip cannot load membranes, traces, dirty bits and LFSR positions)");
  }

  @Override
  public Telemetry telemetry() {
    return Telemetry.builder().put(Telemetry.STEPS, steps).put(Telemetry.SOPS, sops)
        .put(Telemetry.CYCLES, cycles).put(ReckonTarget.HIDDEN_SPIKES, spikes)
        .put(Telemetry.LEARNING_UPDATES, learningUpdates)
        .put(ReckonTarget.LEARNING_CYCLES, learningCycles)
        .measure(Telemetry.ENERGY_JOULES, ReckonCostModel.joules(sops)).build();
  }

  @Override
  public <T> Optional<T> extension(Class<T> type) {
    if (type == OnChipLearning.class) {
      return Optional.of(type.cast(learning));
    }
    // The tick-level chip (samples, TARGET_VALID/INFER_ACC per tick) for ReckOn's own tasks.
    return type == ReckonChip.class ? Optional.of(type.cast(chip)) : Optional.empty();
  }

  @Override
  public void close() {
    chip.close();
  }

  /**
   * E-prop: {@code learning-config} is {@link ReckonNetwork.Eprop} (enable bits and settings),
   * {@code learning-state} the weights ({@link ReckonCodecs#encodeLearningState}).
   */
  private final class Learning implements OnChipLearning {
    /**
     * Sets SPI_DO_EPROP when only the enable bits differ from the configured settings and the
     * configuration carries no seeds; otherwise reloads the configuration registers with the new
     * settings (weights stay): a configuration with seeds (format v2) programs them, every LFSR
     * restarting from them; without, the LFSRs are reseeded with the network's seeds.
     */
    @Override
    public void enable(TargetState config) {
      ReckonNetwork net = requireNetwork();
      ReckonTarget.onChipLearningOf().checkConfig(net, config);
      ReckonNetwork.Eprop e = ReckonCodecs.decodeLearningConfig(config);
      ReckonNetwork.Seeds seeds = ReckonCodecs.decodeLearningConfigSeeds(config);
      betweenSamples("enable learning");
      if (seeds != null) {
        network = net.withEprop(e).withSeeds(seeds);
        chip.configure(driven(network));
      } else if (e.withEnables(0).equals(network.eprop().withEnables(0))) {
        chip.setEpropEnables(e.enables());
      } else {
        network = net.withEprop(e);
        chip.configure(driven(network));
      }
    }

    @Override
    public void disable() {
      requireNetwork();
      betweenSamples("disable learning");
      chip.setEpropEnables(0);
    }

    @Override
    public TargetState state() {
      ReckonNetwork net = requireNetwork();
      return ReckonCodecs.encodeLearningState(net, new ReckonCodecs.LearningWeights(
          chip.readWeights(ReckonTensor.INPUT), chip.readWeights(ReckonTensor.RECURRENT),
          chip.readWeights(ReckonTensor.OUTPUT)));
    }

    @Override
    public void restore(TargetState state) {
      ReckonNetwork net = requireNetwork();
      ReckonCodecs.LearningWeights w = ReckonCodecs.decodeLearningState(state, net);
      betweenSamples("restore a learning state");
      for (ReckonTensor t : ReckonTensor.values()) {
        chip.writeWeights(t, w.of(t));
      }
    }
  }
}
