package io.spikeloop.sim;

import io.spikeloop.device.Capability;
import io.spikeloop.device.Device;
import io.spikeloop.device.DeviceInfo;
import io.spikeloop.device.OnChipLearning;
import io.spikeloop.device.SampleStore;
import io.spikeloop.device.StoredSample;
import io.spikeloop.device.ReadoutLevel;
import io.spikeloop.device.SpikeFrame;
import io.spikeloop.device.StepResult;
import io.spikeloop.device.Telemetry;
import io.spikeloop.target.sl1.ChipInstance;
import io.spikeloop.sim.core.Sl1Core;
import io.spikeloop.sim.engine.LearningEngine;
import io.spikeloop.sim.timing.EnergyProfile;
import io.spikeloop.sim.timing.MicroArchitecture;
import io.spikeloop.target.TargetNetwork;
import io.spikeloop.target.TargetState;
import io.spikeloop.target.sl1.CoreLimits;
import io.spikeloop.target.sl1.DesignRule;
import io.spikeloop.target.sl1.DeviceState;
import io.spikeloop.target.sl1.LearningConfig;
import io.spikeloop.target.sl1.LearningState;
import io.spikeloop.target.sl1.NetworkConfig;
import io.spikeloop.target.sl1.Sl1Codecs;
import io.spikeloop.target.sl1.Sl1Target;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The SL-1 core simulated in process: the bit-exact {@link Sl1Core} behind the {@link Device}
 * contract, with the cycle and energy model of {@link MicroArchitecture} and
 * {@link EnergyProfile}. Every check happens before any state changes, so a refused call leaves
 * the device as it was.
 */
public final class SimDevice implements Device {
  public static final String KIND = "sl1-sim";
  public static final String VERSION = "0.1.0";

  /**
   * The resources of the reference SL-1 core. The 32-bit accumulators are exact for any network
   * within them: {@code maxFanIn * 2^(maxWeightBits-1) = 1536 * 2^15 < 2^26 <= 2^31}.
   */
  public static final CoreLimits DEFAULT_LIMITS = CoreLimits.builder().build();

  private final DeviceInfo info;
  private final CoreLimits limits;
  private final OnChipLearning onChipLearning = new EngineControl();
  private final SampleMemory sampleMemory = new SampleMemory(SampleMemory.DEFAULT_CAPACITY_BYTES,
      SampleMemory.DEFAULT_SLOTS);
  private final SampleStore sampleStore = new SimSampleStore();
  private final MicroArchitecture arch;
  private final EnergyProfile energy;
  private final long cycleBudget;

  private Sl1Core core;
  private LearningEngine engine;
  private boolean closed;
  private long step;

  // Telemetry since configure.
  private long steps;
  private long sops;
  private long cycles;
  private long neuronUpdates;
  private long hiddenSpikes;
  private long membraneSaturations;
  private long outputSaturations;
  private long fifoOverflows;
  private long deadlineMisses;
  private double energyJoules;
  private final io.spikeloop.sim.learning.AdamSchedule learningSchedule;
  private final ChipInstance chip;
  private long learningUpdates;
  private long learningCycles;
  private double learningJoules;

  /** The reference core under the name {@code sim}. */
  public SimDevice() {
    this(SimOptions.SCHEME, SimOptions.DEFAULT, DEFAULT_LIMITS);
  }

  public SimDevice(String name, SimOptions options, CoreLimits limits) {
    SimOptions.requireExactAccumulators(limits);
    this.arch = options.arch();
    this.energy = options.energy();
    this.learningSchedule = options.learning();
    this.chip = options.chip();
    this.cycleBudget = arch.cycleBudget();
    this.limits = limits;
    this.info = new DeviceInfo(name, Sl1Target.ID, KIND, DeviceInfo.PROTOCOL_VERSION,
        capabilities(options.chip()),
        limits.toNames(), VERSION + " (energy " + energy.name() + ", " + arch.synapseLanes()
            + " synapse lanes, " + arch.neuronLanes() + " neuron lanes, FIFO " + arch.fifoDepth()
            + " " + arch.overflow().name().toLowerCase(java.util.Locale.ROOT)
            + (learningSchedule.lazy()
                ? ", " + learningSchedule.cliName() + " learning engine" : "")
            + (chip.perfect() ? "" : ", " + chip.describe()) + ")",
        arch.clockHz(), arch.stepPeriodSeconds());
  }

  /** The reference capabilities, plus {@link Capability#IMPERFECT_CHIP} for an imperfect chip. */
  private static Set<String> capabilities(ChipInstance chip) {
    Set<String> c = new java.util.TreeSet<>(Set.of(Capability.FORWARD,
        Capability.MEMBRANE_READOUT, Capability.SNAPSHOT, Capability.CYCLE_MODEL,
        Capability.ENERGY_MODEL, Capability.WEIGHT_READBACK, Capability.ON_CHIP_LEARNING,
        Capability.LEARNING_STATE, Capability.SAMPLE_STORE));
    if (!chip.perfect()) {
      c.add(Capability.IMPERFECT_CHIP);
    }
    return Set.copyOf(c);
  }

  @Override
  public DeviceInfo info() {
    return info;
  }

  public MicroArchitecture microArchitecture() {
    return arch;
  }

  public EnergyProfile energyProfile() {
    return energy;
  }

  @Override
  public void configure(TargetNetwork network) {
    ensureOpen();
    if (network == null) {
      throw new IllegalArgumentException("configure needs a network configuration");
    }
    NetworkConfig config = Sl1Target.network(network);
    DesignRule.check(config, limits);
    core = new Sl1Core(config, arch.coreEventLimit(), chip);
    engine = null;
    step = 0;
    clearTelemetry();
  }

  @Override
  public NetworkConfig config() {
    return configured().config();
  }

  @Override
  public void writeWeights(String tensor, int[] values) {
    configured().writeWeights(tensor, values);
    if (engine != null) {
      engine.weightsWritten(tensor, values);
    }
  }

  /** On-chip learning ({@link OnChipLearning}) and the sample store ({@link SampleStore}). */
  @Override
  public <T> Optional<T> extension(Class<T> type) {
    if (type == OnChipLearning.class) {
      return Optional.of(type.cast(onChipLearning));
    }
    return type == SampleStore.class ? Optional.of(type.cast(sampleStore)) : Optional.empty();
  }

  /** The core's sample store: records in {@link SampleMemory}, replayed through {@link #step}. */
  private final class SimSampleStore implements SampleStore {
    @Override
    public long capacityBytes() {
      ensureOpen();
      return sampleMemory.capacityBytes();
    }

    @Override
    public int slots() {
      ensureOpen();
      return sampleMemory.slots();
    }

    @Override
    public long usedBytes() {
      ensureOpen();
      return sampleMemory.usedBytes();
    }

    @Override
    public int put(byte[] record) {
      ensureOpen();
      return sampleMemory.put(record);
    }

    @Override
    public void remove(int slot) {
      ensureOpen();
      sampleMemory.remove(slot);
    }

    @Override
    public void clear() {
      ensureOpen();
      sampleMemory.clear();
    }

    @Override
    public List<Entry> list() {
      ensureOpen();
      return sampleMemory.list();
    }

    @Override
    public List<StepResult> replay(int slot, ReadoutLevel readout) {
      Sl1Core c = configured();
      if (readout == null) {
        throw new IllegalArgumentException("replay needs a readout level");
      }
      StoredSample sample = sampleMemory.get(slot);
      int inputs = c.config().inputs();
      for (int t = 0; t < sample.steps(); t++) {
        int last = sample.offsets()[t + 1] - 1;
        if (last >= sample.offsets()[t] && sample.axons()[last] >= inputs) {
          throw new IllegalArgumentException("sample slot " + slot + ": step " + t
              + ": input axon id " + sample.axons()[last] + " out of range [0, " + inputs + ")");
        }
      }
      if (engine != null && sample.label() >= c.outputCount()) {
        throw new IllegalArgumentException("sample slot " + slot + ": label " + sample.label()
            + " out of range: the network has " + c.outputCount() + " outputs");
      }
      List<StepResult> out = new ArrayList<>(sample.steps());
      for (SpikeFrame frame : sample.frames()) {
        out.add(step(frame, readout));
      }
      return out;
    }
  }

  /** The learning engine's controls, with SL-1's payloads decoded here. */
  private final class EngineControl implements OnChipLearning {
    @Override
    public void enable(TargetState config) {
      Sl1Core c = configured();
      if (config == null) {
        throw new IllegalArgumentException("enableLearning needs a learning configuration");
      }
      LearningConfig learning = Sl1Codecs.decodeLearningConfig(config);
      engine = new LearningEngine(c, learning, arch.synapseLanes(), arch.neuronLanes(),
          energy.joulesPerSop(), energy.joulesPerNeuronUpdate(), learningSchedule);
    }

    @Override
    public void disable() {
      configured();
      engine = null;
    }

    @Override
    public TargetState state() {
      return Sl1Codecs.encode(enabledEngine().snapshot());
    }

    @Override
    public void restore(TargetState state) {
      if (state == null) {
        throw new IllegalArgumentException("restoreLearningState needs a state");
      }
      LearningState image = Sl1Codecs.decodeLearningState(state);
      enabledEngine().restore(image);
    }
  }

  private LearningEngine enabledEngine() {
    configured();
    if (engine == null) {
      throw new IllegalStateException("device " + info.name() + ": learning is not enabled; "
          + "call enableLearning first");
    }
    return engine;
  }

  /** The learning engine while learning is enabled, else null (for checks and reports). */
  public LearningEngine learningEngine() {
    return engine;
  }

  @Override
  public int[] readWeights(String tensor) {
    return configured().readWeights(tensor);
  }

  @Override
  public StepResult step(SpikeFrame input, ReadoutLevel readout) {
    Sl1Core c = configured();
    if (input == null || readout == null) {
      throw new IllegalArgumentException("step needs a spike frame and a readout level");
    }
    int[] axons = input.axons();
    int inputs = c.config().inputs();
    if (axons.length > 0 && axons[axons.length - 1] >= inputs) {
      throw new IllegalArgumentException("input axon id " + axons[axons.length - 1]
          + " out of range: the network has " + inputs + " input axons (ids 0.." + (inputs - 1) + ")");
    }
    boolean learn = engine != null && input.label() != SpikeFrame.NO_LABEL;
    if (learn && input.label() >= c.outputCount()) {
      throw new IllegalArgumentException("label " + input.label() + " out of range: the network has "
          + c.outputCount() + " outputs");
    }
    if (learn) {
      engine.beforeStep();
    }
    c.step(axons, axons.length, steps);
    long stepCycles = arch.stepCycles(c);
    double learnJoules = 0;
    if (learn) {
      engine.learn(axons, axons.length, input.label());
      stepCycles += engine.lastStepCycles();
      learnJoules = engine.lastStepJoules();
      learningUpdates += engine.lastStepUpdates();
      learningCycles += engine.lastStepCycles();
      learningJoules += learnJoules;
    }
    long overflows = arch.fifoOverflows(c);
    boolean miss = stepCycles > cycleBudget;
    long updates = c.neuronsPerStep();
    double seconds = Math.max(arch.stepPeriodSeconds(), stepCycles / arch.clockHz());
    steps++;
    sops += c.stepSops();
    cycles += stepCycles;
    neuronUpdates += updates;
    hiddenSpikes += c.stepHiddenSpikes();
    membraneSaturations += c.stepMembraneSaturations();
    outputSaturations += c.stepOutputSaturations();
    fifoOverflows += overflows;
    deadlineMisses += miss ? 1 : 0;
    energyJoules += energy.stepJoules(c.stepSops(), updates, seconds) + learnJoules;

    int[][] spikes = null;
    int[][] membranes = null;
    if (readout != ReadoutLevel.OUTPUTS) {
      spikes = new int[c.layerCount()][];
      for (int l = 0; l < spikes.length; l++) {
        spikes[l] = c.spikes(l);
      }
    }
    if (readout == ReadoutLevel.FULL) {
      membranes = new int[c.layerCount()][];
      for (int l = 0; l < membranes.length; l++) {
        membranes[l] = c.membranes(l);
      }
    }
    return new StepResult(step++, spikes, membranes, c.outputs(), c.stepSops(), stepCycles, miss,
        overflows);
  }

  @Override
  public void reset() {
    configured().reset();
    step = 0;
    if (engine != null) {
      engine.resetTraces(); // e-prop's traces belong to the sample, as the membranes do
    }
  }

  @Override
  public TargetState state() {
    return Sl1Codecs.encode(snapshot());
  }

  /** The dynamic state as SL-1's record (what {@link #state} encodes). */
  public DeviceState snapshot() {
    Sl1Core c = configured();
    int n = c.layerCount();
    int[][] membranes = new int[n][];
    byte[][] flags = new byte[n][];
    for (int l = 0; l < n; l++) {
      membranes[l] = c.membranes(l);
      flags[l] = c.lastSpikeFlags(l);
    }
    return new DeviceState(step, membranes, flags, c.outputs(), telemetry());
  }

  /** Restores membranes, last spikes, outputs, the step counter and the telemetry counters. */
  @Override
  public void restore(TargetState encoded) {
    Sl1Core c = configured();
    if (encoded == null) {
      throw new IllegalArgumentException("restore needs a state");
    }
    DeviceState state = Sl1Codecs.decodeState(encoded);
    if (state.step() < 0) {
      throw new IllegalArgumentException("state step must be >= 0, got " + state.step());
    }
    c.setState(state.membranes(), state.lastSpikes(), state.outputs());
    step = state.step();
    Telemetry t = state.telemetry();
    steps = t.steps();
    sops = t.sops();
    cycles = t.cycles();
    neuronUpdates = t.count(Sl1Target.NEURON_UPDATES);
    hiddenSpikes = t.count(Sl1Target.HIDDEN_SPIKES);
    membraneSaturations = t.count(Sl1Target.SATURATIONS);
    outputSaturations = 0;
    fifoOverflows = t.fifoOverflows();
    deadlineMisses = t.deadlineMisses();
    energyJoules = t.energyJoules();
    learningUpdates = t.learningUpdates();
    learningCycles = t.count(Sl1Target.LEARNING_CYCLES);
    learningJoules = t.measure(Sl1Target.LEARNING_ENERGY_JOULES);
  }

  @Override
  public Telemetry telemetry() {
    ensureOpen();
    return Telemetry.builder().put(Telemetry.STEPS, steps).put(Telemetry.SOPS, sops)
        .put(Telemetry.CYCLES, cycles).put(Sl1Target.NEURON_UPDATES, neuronUpdates)
        .put(Sl1Target.HIDDEN_SPIKES, hiddenSpikes)
        .put(Sl1Target.SATURATIONS, membraneSaturations + outputSaturations)
        .put(Telemetry.FIFO_OVERFLOWS, fifoOverflows)
        .put(Telemetry.DEADLINE_MISSES, deadlineMisses)
        .put(Telemetry.LEARNING_UPDATES, learningUpdates)
        .put(Sl1Target.LEARNING_CYCLES, learningCycles)
        .measure(Telemetry.ENERGY_JOULES, energyJoules)
        .measure(Sl1Target.LEARNING_ENERGY_JOULES, learningJoules).build();
  }

  /**
   * Membrane values clamped to uBits since configure (a part of the {@code saturations} counter,
   * which also counts outputs); after a restore, everything restored counts here.
   */
  public long membraneSaturations() {
    return membraneSaturations;
  }

  @Override
  public void close() {
    closed = true;
    core = null;
    sampleMemory.clear();
  }

  private void clearTelemetry() {
    steps = 0;
    sops = 0;
    cycles = 0;
    neuronUpdates = 0;
    hiddenSpikes = 0;
    membraneSaturations = 0;
    outputSaturations = 0;
    fifoOverflows = 0;
    deadlineMisses = 0;
    energyJoules = 0;
    learningUpdates = 0;
    learningCycles = 0;
    learningJoules = 0;
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("device " + info.name() + " is closed");
    }
  }

  private Sl1Core configured() {
    ensureOpen();
    if (core == null) {
      throw new IllegalStateException("device " + info.name()
          + " is not configured: call configure first");
    }
    return core;
  }
}
