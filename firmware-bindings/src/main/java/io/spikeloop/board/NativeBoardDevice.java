package io.spikeloop.board;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import io.spikeloop.device.Capability;
import io.spikeloop.device.SampleStore;
import io.spikeloop.device.Device;
import io.spikeloop.device.DeviceInfo;
import io.spikeloop.device.OnChipLearning;
import io.spikeloop.device.ReadoutLevel;
import io.spikeloop.device.SpikeFrame;
import io.spikeloop.device.StepResult;
import io.spikeloop.device.Telemetry;
import io.spikeloop.target.TargetNetwork;
import io.spikeloop.target.TargetState;
import io.spikeloop.target.sl1.ChipInstance;
import io.spikeloop.target.sl1.CoreLimits;
import io.spikeloop.target.sl1.DeviceState;
import io.spikeloop.target.sl1.LayerConfig;
import io.spikeloop.target.sl1.LearningConfig;
import io.spikeloop.target.sl1.LearningRule;
import io.spikeloop.target.sl1.LearningState;
import io.spikeloop.target.sl1.NetworkConfig;
import io.spikeloop.target.sl1.OutputConfig;
import io.spikeloop.target.sl1.Sl1Codecs;
import io.spikeloop.target.sl1.Sl1Target;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The device contract over a native board driver ({@code board:NAME}). Steps cross the native
 * boundary in batches: {@link #run} packs up to {@value #MAX_BATCH} steps' input ids into one
 * {@code spikeloop_run} call, into native buffers that are kept and reused (they grow with the
 * largest batch seen), so the per-call JNA cost is paid once per batch, not once per step.
 * Inputs are checked by the firmware (ids, widths, shapes) and its error codes become the
 * contract's exceptions; Java checks only the lengths of the buffers it hands over. While on-chip
 * learning is enabled, the frames' labels travel in the same call (driver ABI version 2) and the
 * board learns after each labelled step.
 */
public final class NativeBoardDevice implements Device {
  /** Steps per native call; a longer run is split. */
  static final int MAX_BATCH = 256;

  private final String name;
  private final BoardDriver driver;
  private final DeviceInfo info;
  private boolean closed;

  private NetworkConfig config;
  private int hidden; // H: hidden neurons over all layers
  private int[] layerBase = new int[0];

  // Reused native buffers of spikeloop_run (grown on demand) and their Java-side staging.
  private Memory axonsBuf;
  private Memory offsetsBuf;
  private Memory outputsBuf;
  private Memory sopsBuf;
  private Memory spikeIdsBuf;
  private Memory spikeOffsetsBuf;
  private Memory membranesBuf;
  private int[] axonsStage = new int[0];
  private int[] offsetsStage = new int[0];
  private Memory labelsBuf;
  private int[] labelsStage = new int[0];
  private boolean learning;
  private final OnChipLearning onChipLearning = new FirmwareLearning();
  private final SampleStore sampleStore = new FirmwareSampleStore();

  NativeBoardDevice(String name, BoardDriver driver) {
    this(name, driver, ChipInstance.PERFECT);
  }

  /** The open driver handle (for the reference firmware's extensions, {@link RefLearningSchedule}). */
  BoardDriver driver() {
    return driver;
  }

  /** The device name it was opened as. */
  String deviceName() {
    return name;
  }

  /**
   * A board that models {@code chip} (driver ABI 4): the instance is set before anything is
   * configured, and the device declares {@link Capability#IMPERFECT_CHIP}.
   */
  NativeBoardDevice(String name, BoardDriver driver, ChipInstance chip) {
    this.name = name;
    this.driver = driver;
    SpikeloopDriver.spikeloop_device_info d = driver.deviceInfo();
    if (!chip.perfect()) {
      if ((d.capabilities & SpikeloopDriver.SPIKELOOP_CAP_CHIP_INSTANCE) == 0) {
        driver.close();
        throw new io.spikeloop.device.UnsupportedCapabilityException(name, "chip-instance",
            "a chip instance (" + chip.describe() + ")");
      }
      try {
        driver.setChipInstance(chip);
      } catch (RuntimeException e) {
        driver.close();
        throw e;
      }
    }
    this.info = toDeviceInfo(name, d, chip);
  }

  private static DeviceInfo toDeviceInfo(String name, SpikeloopDriver.spikeloop_device_info d,
                                         ChipInstance chip) {
    var l = d.limits;
    CoreLimits limits = new CoreLimits(l.max_inputs, l.max_layers, l.max_neurons_per_layer,
        l.max_neurons, l.max_fan_in, l.max_weight_bits, l.max_membrane_bits, l.max_output_bits,
        l.synapse_memory_bits, l.max_outputs);
    Set<String> caps = new HashSet<>();
    int[] bits = {SpikeloopDriver.SPIKELOOP_CAP_FORWARD,
        SpikeloopDriver.SPIKELOOP_CAP_MEMBRANE_READOUT, SpikeloopDriver.SPIKELOOP_CAP_SNAPSHOT,
        SpikeloopDriver.SPIKELOOP_CAP_CYCLE_MODEL, SpikeloopDriver.SPIKELOOP_CAP_ENERGY_MODEL,
        SpikeloopDriver.SPIKELOOP_CAP_ON_CHIP_LEARNING,
        SpikeloopDriver.SPIKELOOP_CAP_WEIGHT_READBACK,
        SpikeloopDriver.SPIKELOOP_CAP_LEARNING_STATE, SpikeloopDriver.SPIKELOOP_CAP_SAMPLE_STORE};
    String[] named = {Capability.FORWARD, Capability.MEMBRANE_READOUT, Capability.SNAPSHOT,
        Capability.CYCLE_MODEL, Capability.ENERGY_MODEL, Capability.ON_CHIP_LEARNING,
        Capability.WEIGHT_READBACK, Capability.LEARNING_STATE, Capability.SAMPLE_STORE};
    for (int i = 0; i < bits.length; i++) {
      if ((d.capabilities & bits[i]) != 0) {
        caps.add(named[i]);
      }
    }
    if (d.abi_version < SpikeloopDriver.SPIKELOOP_DRIVER_ABI_SAMPLE_STORE) {
      caps.remove(Capability.SAMPLE_STORE); // an older library has no such calls
    }
    String version = Native.toString(d.version);
    if (!chip.perfect()) {
      caps.add(Capability.IMPERFECT_CHIP);
      version += " (" + chip.describe() + ")";
    }
    return new DeviceInfo(name, Sl1Target.ID, Native.toString(d.kind), DeviceInfo.PROTOCOL_VERSION,
        caps, limits.toNames(), version, d.clock_hz, d.step_period_s);
  }

  @Override
  public synchronized DeviceInfo info() {
    open();
    return info;
  }

  @Override
  public synchronized void configure(TargetNetwork target) {
    open();
    NetworkConfig network = Sl1Target.network(target);
    List<LayerConfig> layers = network.layers();
    var structs = (SpikeloopDriver.spikeloop_layer_config[])
        new SpikeloopDriver.spikeloop_layer_config().toArray(layers.size());
    for (int l = 0; l < layers.size(); l++) {
      LayerConfig c = layers.get(l);
      var s = structs[l];
      s.size = c.size();
      s.recurrent = c.recurrent() ? 1 : 0;
      s.w_bits = c.wBits();
      s.w_exp = c.wExp();
      s.u_bits = c.uBits();
      s.theta = c.theta();
      s.alpha = c.alpha();
      s.inputs = c.inputs();
    }
    OutputConfig o = network.output();
    var out = new SpikeloopDriver.spikeloop_output_config();
    out.size = o.size();
    out.w_bits = o.wBits();
    out.w_exp = o.wExp();
    out.o_bits = o.oBits();
    out.kappa = o.kappa();
    driver.configure(network.inputs(), structs, out); // a refusal leaves the old network loaded
    config = network;
    layerBase = new int[layers.size() + 1];
    for (int l = 0; l < layers.size(); l++) {
      layerBase[l + 1] = layerBase[l] + layers.get(l).size();
    }
    hidden = layerBase[layers.size()];
    outputsBuf = null; // sized for the new network on the next run
    learning = false; // configure disables the engine
  }

  /**
   * On-chip learning and the sample store when the firmware reports them (the store needs driver
   * ABI 5); no other extensions.
   */
  @Override
  public <T> Optional<T> extension(Class<T> type) {
    if (type == OnChipLearning.class) {
      return info.has(Capability.ON_CHIP_LEARNING) ? Optional.of(type.cast(onChipLearning))
          : Optional.empty();
    }
    return type == SampleStore.class && info.has(Capability.SAMPLE_STORE)
        ? Optional.of(type.cast(sampleStore)) : Optional.empty();
  }

  /** The firmware's sample store (driver ABI 6 calls). */
  private final class FirmwareSampleStore implements SampleStore {
    /** Steps of the sample in each slot (0: empty), to size the replay's result buffers. */
    private int[] slotSteps = new int[0];

    @Override
    public long capacityBytes() {
      synchronized (NativeBoardDevice.this) {
        open();
        return driver.sampleStore().capacity_bytes;
      }
    }

    @Override
    public int slots() {
      synchronized (NativeBoardDevice.this) {
        open();
        return driver.sampleStore().slots;
      }
    }

    @Override
    public long usedBytes() {
      synchronized (NativeBoardDevice.this) {
        open();
        return driver.sampleStore().used_bytes;
      }
    }

    @Override
    public int put(byte[] record) {
      if (record == null) {
        throw new IllegalArgumentException("put needs a sample record");
      }
      synchronized (NativeBoardDevice.this) {
        open();
        int slot = driver.putSample(record);
        if (slot >= slotSteps.length) {
          slotSteps = Arrays.copyOf(slotSteps, Math.max(slot + 1, 2 * slotSteps.length));
        }
        slotSteps[slot] = (record[2] & 0xFF) | (record[3] & 0xFF) << 8;
        return slot;
      }
    }

    @Override
    public void remove(int slot) {
      synchronized (NativeBoardDevice.this) {
        open();
        driver.removeSample(slot);
        slotSteps[slot] = 0;
      }
    }

    @Override
    public void clear() {
      synchronized (NativeBoardDevice.this) {
        open();
        driver.clearSamples();
        Arrays.fill(slotSteps, 0);
      }
    }

    @Override
    public List<Entry> list() {
      synchronized (NativeBoardDevice.this) {
        open();
        int slots = driver.sampleStore().slots;
        int[] e = new int[slots * SpikeloopDriver.SPIKELOOP_SAMPLE_ENTRY_INTS];
        int n = driver.listSamples(e);
        List<Entry> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          int b = i * SpikeloopDriver.SPIKELOOP_SAMPLE_ENTRY_INTS;
          out.add(new Entry(e[b], e[b + 1], e[b + 2], e[b + 3], e[b + 4]));
        }
        return out;
      }
    }

    /** One native call: the firmware decodes the record and runs every step. */
    @Override
    public List<StepResult> replay(int slot, ReadoutLevel readout) {
      if (readout == null) {
        throw new IllegalArgumentException("replay needs a readout level");
      }
      synchronized (NativeBoardDevice.this) {
        configured();
        // an unknown or empty slot: the firmware names it (the buffers are not reached)
        int steps = slot >= 0 && slot < slotSteps.length && slotSteps[slot] > 0
            ? slotSteps[slot] : 1;
        ensureBuffers(steps, 0, config.output().size(), config.layers().size());
        boolean spikes = readout != ReadoutLevel.OUTPUTS;
        long firstStep = driver.replaySample(slot, steps, readout.ordinal(), outputsBuf, sopsBuf,
            spikes ? spikeIdsBuf : null, spikes ? steps * hidden : 0,
            spikes ? spikeOffsetsBuf : null,
            readout == ReadoutLevel.FULL ? membranesBuf : null);
        List<StepResult> results = new ArrayList<>(steps);
        collect(steps, readout, firstStep, results);
        return results;
      }
    }
  }

  /** The firmware's learning engine (driver ABI 2 and 3 calls), SL-1 payloads decoded here. */
  private final class FirmwareLearning implements OnChipLearning {
    @Override
    public void enable(TargetState config) {
      if (config == null) {
        throw new IllegalArgumentException(name + ": enableLearning needs a learning configuration");
      }
      enableLearning(Sl1Codecs.decodeLearningConfig(config));
    }

    @Override
    public void disable() {
      disableLearning();
    }

    @Override
    public TargetState state() {
      return Sl1Codecs.encode(learningState());
    }

    @Override
    public void restore(TargetState state) {
      if (state == null) {
        throw new IllegalArgumentException(name + ": restoreLearningState needs a state");
      }
      restoreLearningState(Sl1Codecs.decodeLearningState(state));
    }
  }

  private synchronized void enableLearning(LearningConfig learning) {
    configured();
    var c = new SpikeloopDriver.spikeloop_learning_config();
    c.state_bits = learning.stateBits();
    c.block_size = learning.blockSize();
    c.beta1_q20 = learning.beta1Q20();
    c.beta2_q20 = learning.beta2Q20();
    c.eps_exp = learning.epsExp();
    c.master_frac_bits = learning.masterFracBits();
    c.seed = learning.seed();
    c.output_frac_bits = learning.outputFracBits();
    c.surrogate_shift = learning.surrogateShift();
    c.rule = learning.rule().wire();
    c.trace_shift = learning.traceShift();
    int abi = driver.lib().spikeloop_driver_abi_version();
    if (learning.rule() != LearningRule.TBPTT1
        && abi < SpikeloopDriver.SPIKELOOP_DRIVER_ABI_LEARNING_RULES) {
      throw new io.spikeloop.device.UnsupportedCapabilityException(name, "learning-rule "
          + learning.rule().cliName(), "the " + learning.rule().cliName() + " learning rule (the "
          + "library implements driver ABI version " + abi + "; learning rules need version "
          + SpikeloopDriver.SPIKELOOP_DRIVER_ABI_LEARNING_RULES + ")");
    }
    String[] tensors = learning.learningRates().keySet().toArray(new String[0]);
    int[] rates = new int[tensors.length];
    for (int i = 0; i < tensors.length; i++) {
      rates[i] = learning.learningRate(tensors[i]);
    }
    driver.enableLearning(c, tensors, rates, learning.surrogateTable());
    this.learning = true;
  }

  private synchronized void disableLearning() {
    configured();
    driver.disableLearning();
    learning = false;
  }

  @Override
  public synchronized NetworkConfig config() {
    return configured();
  }

  @Override
  public synchronized void writeWeights(String tensor, int[] values) {
    configured();
    if (tensor == null || values == null) {
      throw new IllegalArgumentException(name + ": writeWeights needs a tensor name and values");
    }
    driver.writeWeights(tensor, values);
  }

  @Override
  public synchronized int[] readWeights(String tensor) {
    int[] values = new int[configured().tensor(tensor).length()];
    driver.readWeights(tensor, values);
    return values;
  }

  @Override
  public StepResult step(SpikeFrame input, ReadoutLevel readout) {
    return run(List.of(input), readout).get(0);
  }

  @Override
  public synchronized List<StepResult> run(List<SpikeFrame> inputs, ReadoutLevel readout) {
    configured();
    List<StepResult> results = new ArrayList<>(inputs.size());
    for (int from = 0; from < inputs.size(); from += MAX_BATCH) {
      runBatch(inputs.subList(from, Math.min(inputs.size(), from + MAX_BATCH)), readout, results);
    }
    return results;
  }

  /** One spikeloop_run over at most MAX_BATCH steps, appending their results. */
  private void runBatch(List<SpikeFrame> frames, ReadoutLevel readout, List<StepResult> results) {
    int steps = frames.size();
    if (steps == 0) {
      return;
    }
    int layers = config.layers().size();
    int k = config.output().size();
    int totalIds = 0;
    for (SpikeFrame f : frames) {
      totalIds += f.axons().length;
    }
    ensureBuffers(steps, totalIds, k, layers);
    int n = 0;
    offsetsStage[0] = 0;
    for (int t = 0; t < steps; t++) {
      int[] ids = frames.get(t).axons();
      System.arraycopy(ids, 0, axonsStage, n, ids.length);
      n += ids.length;
      offsetsStage[t + 1] = n;
    }
    if (n > 0) {
      axonsBuf.write(0, axonsStage, 0, n);
    }
    offsetsBuf.write(0, offsetsStage, 0, steps + 1);
    boolean labelled = false;
    if (learning) {
      for (int t = 0; t < steps; t++) {
        labelsStage[t] = frames.get(t).label();
        labelled |= labelsStage[t] != SpikeFrame.NO_LABEL;
      }
      if (labelled) {
        labelsBuf.write(0, labelsStage, 0, steps);
      }
    }
    boolean spikes = readout != ReadoutLevel.OUTPUTS;
    boolean full = readout == ReadoutLevel.FULL;
    long firstStep = driver.run(steps, n > 0 ? axonsBuf : null, offsetsBuf,
        labelled ? labelsBuf : null, readout.ordinal(),
        outputsBuf, sopsBuf, spikes ? spikeIdsBuf : null, spikes ? steps * hidden : 0,
        spikes ? spikeOffsetsBuf : null, full ? membranesBuf : null);
    collect(steps, readout, firstStep, results);
  }

  /** The results of {@code steps} steps from the run buffers, appended to {@code results}. */
  private void collect(int steps, ReadoutLevel readout, long firstStep, List<StepResult> results) {
    int layers = config.layers().size();
    int k = config.output().size();
    boolean spikes = readout != ReadoutLevel.OUTPUTS;
    boolean full = readout == ReadoutLevel.FULL;
    int[] outputs = outputsBuf.getIntArray(0, steps * k);
    long[] sops = sopsBuf.getLongArray(0, steps);
    int[] spikeOffsets = spikes ? spikeOffsetsBuf.getIntArray(0, steps * layers + 1) : null;
    int[] spikeIds = spikes && spikeOffsets[steps * layers] > 0
        ? spikeIdsBuf.getIntArray(0, spikeOffsets[steps * layers]) : new int[0];
    int[] membranes = full ? membranesBuf.getIntArray(0, steps * hidden) : null;
    for (int t = 0; t < steps; t++) {
      int[][] stepSpikes = null;
      int[][] stepMembranes = null;
      if (spikes) {
        stepSpikes = new int[layers][];
        for (int l = 0; l < layers; l++) {
          int a = spikeOffsets[t * layers + l];
          int b = spikeOffsets[t * layers + l + 1];
          stepSpikes[l] = Arrays.copyOfRange(spikeIds, a, b);
        }
      }
      if (full) {
        stepMembranes = new int[layers][];
        for (int l = 0; l < layers; l++) {
          int base = t * hidden + layerBase[l];
          stepMembranes[l] = Arrays.copyOfRange(membranes, base,
              base + layerBase[l + 1] - layerBase[l]);
        }
      }
      int[] o = Arrays.copyOfRange(outputs, t * k, (t + 1) * k);
      results.add(new StepResult(firstStep + t, stepSpikes, stepMembranes, o, sops[t], 0, false,
          0));
    }
  }

  /** Grows the native buffers to hold {@code steps} steps with {@code ids} input ids in all. */
  private void ensureBuffers(int steps, int ids, int k, int layers) {
    if (outputsBuf == null || outputsBuf.size() < (long) steps * k * Integer.BYTES
        || sopsBuf.size() < (long) steps * Long.BYTES) {
      int capacity = Math.max(steps, outputsBuf == null ? 1 : (int) (sopsBuf.size() / Long.BYTES));
      outputsBuf = new Memory((long) capacity * k * Integer.BYTES);
      sopsBuf = new Memory((long) capacity * Long.BYTES);
      offsetsBuf = new Memory((long) (capacity + 1) * Integer.BYTES);
      offsetsStage = new int[capacity + 1];
      labelsBuf = new Memory((long) capacity * Integer.BYTES);
      labelsStage = new int[capacity];
      spikeOffsetsBuf = new Memory(((long) capacity * layers + 1) * Integer.BYTES);
      spikeIdsBuf = new Memory((long) capacity * hidden * Integer.BYTES);
      membranesBuf = new Memory((long) capacity * hidden * Integer.BYTES);
    }
    if (ids > axonsStage.length) {
      int capacity = Math.max(ids, 2 * axonsStage.length);
      axonsStage = new int[capacity];
      axonsBuf = new Memory((long) capacity * Integer.BYTES);
    }
  }

  @Override
  public synchronized void reset() {
    configured();
    driver.reset();
  }

  @Override
  public synchronized TargetState state() {
    return Sl1Codecs.encode(snapshot());
  }

  private DeviceState snapshot() {
    NetworkConfig c = configured();
    int[] u = new int[hidden];
    byte[] z = new byte[hidden];
    int[] o = new int[c.output().size()];
    var t = new SpikeloopDriver.spikeloop_telemetry();
    long step = driver.readState(u, z, o, t);
    int layers = c.layers().size();
    int[][] membranes = new int[layers][];
    byte[][] spikes = new byte[layers][];
    for (int l = 0; l < layers; l++) {
      membranes[l] = Arrays.copyOfRange(u, layerBase[l], layerBase[l + 1]);
      spikes[l] = Arrays.copyOfRange(z, layerBase[l], layerBase[l + 1]);
    }
    return new DeviceState(step, membranes, spikes, o, toTelemetry(t));
  }

  @Override
  public synchronized void restore(TargetState encoded) {
    NetworkConfig c = configured();
    if (encoded == null) {
      throw new IllegalArgumentException(name + ": restore needs a state");
    }
    DeviceState state = Sl1Codecs.decodeState(encoded);
    try {
      c.checkState(state);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
    }
    int layers = c.layers().size();
    int[] u = new int[hidden];
    byte[] z = new byte[hidden];
    for (int l = 0; l < layers; l++) {
      int size = c.layers().get(l).size();
      System.arraycopy(state.membranes()[l], 0, u, layerBase[l], size);
      System.arraycopy(state.lastSpikes()[l], 0, z, layerBase[l], size);
    }
    Telemetry tm = state.telemetry();
    var t = new SpikeloopDriver.spikeloop_telemetry();
    t.steps = tm.steps();
    t.sops = tm.sops();
    t.cycles = tm.cycles();
    t.neuron_updates = tm.count(Sl1Target.NEURON_UPDATES);
    t.hidden_spikes = tm.count(Sl1Target.HIDDEN_SPIKES);
    t.saturations = tm.count(Sl1Target.SATURATIONS);
    t.fifo_overflows = tm.fifoOverflows();
    t.deadline_misses = tm.deadlineMisses();
    t.learning_updates = tm.learningUpdates();
    t.energy_joules = tm.energyJoules();
    driver.restoreState(state.step(), u, z, state.outputs(), t);
  }

  /** Reads the firmware's learning-state image and checks it (version, length, CRC, fields). */
  private synchronized LearningState learningState() {
    configured();
    byte[] image = new byte[driver.learningStateSize()];
    int written = driver.readLearningState(image);
    if (written != image.length) {
      throw new IllegalStateException(name + ": the firmware wrote a learning state of " + written
          + " bytes after announcing " + image.length);
    }
    return LearningState.fromBytes(image);
  }

  /** The firmware checks the image against its engine; a refusal changes nothing. */
  private synchronized void restoreLearningState(LearningState state) {
    configured();
    driver.restoreLearningState(state.toBytes());
  }

  @Override
  public synchronized Telemetry telemetry() {
    open();
    return toTelemetry(driver.telemetry());
  }

  private static Telemetry toTelemetry(SpikeloopDriver.spikeloop_telemetry t) {
    return Telemetry.builder().put(Telemetry.STEPS, t.steps).put(Telemetry.SOPS, t.sops)
        .put(Telemetry.CYCLES, t.cycles).put(Sl1Target.NEURON_UPDATES, t.neuron_updates)
        .put(Sl1Target.HIDDEN_SPIKES, t.hidden_spikes).put(Sl1Target.SATURATIONS, t.saturations)
        .put(Telemetry.FIFO_OVERFLOWS, t.fifo_overflows)
        .put(Telemetry.DEADLINE_MISSES, t.deadline_misses)
        .put(Telemetry.LEARNING_UPDATES, t.learning_updates)
        .measure(Telemetry.ENERGY_JOULES, t.energy_joules).build();
  }

  /** Closes the handle once; later calls fail (the firmware may reuse the handle's slot). */
  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      driver.close();
    }
  }

  private void open() {
    if (closed) {
      throw new IllegalStateException(name + " is closed");
    }
  }

  private NetworkConfig configured() {
    open();
    if (config == null) {
      throw new IllegalStateException(name + " is not configured (call configure first)");
    }
    return config;
  }

  @Override
  public String toString() {
    return "NativeBoardDevice[" + name + ", " + info.kind() + " " + info.version() + "]";
  }
}
