package io.spikeloop.wire;

import io.spikeloop.device.Capability;
import io.spikeloop.device.CoreLimits;
import io.spikeloop.device.DesignRuleViolation;
import io.spikeloop.device.DeviceException;
import io.spikeloop.device.DeviceInfo;
import io.spikeloop.device.DeviceState;
import io.spikeloop.device.DeviceUnavailableException;
import io.spikeloop.device.LayerConfig;
import io.spikeloop.device.LearningConfig;
import io.spikeloop.device.LearningState;
import io.spikeloop.device.NetworkConfig;
import io.spikeloop.device.OutputConfig;
import io.spikeloop.device.ReadoutLevel;
import io.spikeloop.device.SpikeFrame;
import io.spikeloop.device.StepResult;
import io.spikeloop.device.Telemetry;
import io.spikeloop.device.UnsupportedCapabilityException;
import io.spikeloop.device.WeightTensor;
import io.spikeloop.wire.v1.Error;
import io.spikeloop.wire.v1.MembraneVector;
import io.spikeloop.wire.v1.SpikePacket;
import io.spikeloop.wire.v1.StepReadout;
import io.spikeloop.wire.v1.WeightBlock;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Converts the contract records to {@code spikeloop.v1} messages and back. Integers travel
 * unchanged (the wire types are as wide as the records' fields); decoding goes through the
 * records' constructors, so a message that breaks a record's rule is refused with that rule's
 * message as an {@link IllegalArgumentException}.
 */
public final class WireMapping {
  private WireMapping() {}

  // ---- network configuration -------------------------------------------------------------

  public static io.spikeloop.wire.v1.NetworkConfig toProto(NetworkConfig c) {
    var b = io.spikeloop.wire.v1.NetworkConfig.newBuilder().setInputs(c.inputs());
    for (LayerConfig l : c.layers()) {
      b.addLayers(io.spikeloop.wire.v1.LayerConfig.newBuilder().setSize(l.size())
          .setRecurrent(l.recurrent()).setWBits(l.wBits()).setWExp(l.wExp()).setUBits(l.uBits())
          .setTheta(l.theta()).setAlpha(l.alpha()).setInputs(l.inputs()));
    }
    OutputConfig o = c.output();
    b.setOutput(io.spikeloop.wire.v1.OutputConfig.newBuilder().setSize(o.size())
        .setWBits(o.wBits()).setWExp(o.wExp()).setOBits(o.oBits()).setKappa(o.kappa()));
    return b.build();
  }

  public static NetworkConfig fromProto(io.spikeloop.wire.v1.NetworkConfig c) {
    if (!c.hasOutput()) {
      throw new IllegalArgumentException("network config has no output layer");
    }
    List<LayerConfig> layers = new ArrayList<>(c.getLayersCount());
    for (var l : c.getLayersList()) {
      layers.add(new LayerConfig(l.getSize(), l.getRecurrent(), l.getWBits(), l.getWExp(),
          l.getUBits(), l.getTheta(), l.getAlpha(), l.getInputs()));
    }
    var o = c.getOutput();
    return new NetworkConfig(c.getInputs(), layers,
        new OutputConfig(o.getSize(), o.getWBits(), o.getWExp(), o.getOBits(), o.getKappa()));
  }

  // ---- device description ----------------------------------------------------------------

  public static io.spikeloop.wire.v1.Capability toProto(Capability c) {
    return io.spikeloop.wire.v1.Capability.valueOf("CAPABILITY_" + c.name());
  }

  public static io.spikeloop.wire.v1.CoreLimits toProto(CoreLimits l) {
    return io.spikeloop.wire.v1.CoreLimits.newBuilder().setMaxInputs(l.maxInputs())
        .setMaxLayers(l.maxLayers()).setMaxNeuronsPerLayer(l.maxNeuronsPerLayer())
        .setMaxNeurons(l.maxNeurons()).setMaxFanIn(l.maxFanIn())
        .setMaxWeightBits(l.maxWeightBits()).setMaxMembraneBits(l.maxMembraneBits())
        .setMaxOutputBits(l.maxOutputBits()).setSynapseMemoryBits(l.synapseMemoryBits())
        .setMaxOutputs(l.maxOutputs()).build();
  }

  public static CoreLimits fromProto(io.spikeloop.wire.v1.CoreLimits l) {
    return new CoreLimits(l.getMaxInputs(), l.getMaxLayers(), l.getMaxNeuronsPerLayer(),
        l.getMaxNeurons(), l.getMaxFanIn(), l.getMaxWeightBits(), l.getMaxMembraneBits(),
        l.getMaxOutputBits(), l.getSynapseMemoryBits(), l.getMaxOutputs());
  }

  public static io.spikeloop.wire.v1.DeviceInfo toProto(DeviceInfo i) {
    var b = io.spikeloop.wire.v1.DeviceInfo.newBuilder().setName(i.name()).setKind(i.kind())
        .setProtocolVersion(i.protocolVersion()).setLimits(toProto(i.limits()))
        .setVersion(i.version()).setClockHz(i.clockHz()).setStepPeriodS(i.stepPeriodSeconds());
    // A fixed order keeps the encoding deterministic.
    for (Capability c : Capability.values()) {
      if (i.has(c)) {
        b.addCapabilities(toProto(c));
      }
    }
    return b.build();
  }

  /** Capabilities this build does not know (from a newer peer) are left out. */
  public static DeviceInfo fromProto(io.spikeloop.wire.v1.DeviceInfo i) {
    if (!i.hasLimits()) {
      throw new IllegalArgumentException("device info has no core limits");
    }
    Set<Capability> caps = EnumSet.noneOf(Capability.class);
    for (var c : i.getCapabilitiesList()) {
      if (c != io.spikeloop.wire.v1.Capability.CAPABILITY_UNSPECIFIED
          && c != io.spikeloop.wire.v1.Capability.UNRECOGNIZED) {
        caps.add(Capability.valueOf(c.name().substring("CAPABILITY_".length())));
      }
    }
    return new DeviceInfo(i.getName(), i.getKind(), i.getProtocolVersion(), caps,
        fromProto(i.getLimits()), i.getVersion(), i.getClockHz(), i.getStepPeriodS());
  }

  // ---- telemetry and state ---------------------------------------------------------------

  public static io.spikeloop.wire.v1.LearningConfig toProto(LearningConfig c) {
    var b = io.spikeloop.wire.v1.LearningConfig.newBuilder()
        .putAllLearningRates(c.learningRates()).setStateBits(c.stateBits())
        .setBlockSize(c.blockSize()).setBeta1Q20(c.beta1Q20()).setBeta2Q20(c.beta2Q20())
        .setEpsExp(c.epsExp()).setMasterFracBits(c.masterFracBits()).setSeed(c.seed())
        .setOutputFracBits(c.outputFracBits()).setSurrogateShift(c.surrogateShift());
    for (int v : c.surrogateTable()) {
      b.addSurrogateTable(v);
    }
    return b.build();
  }

  public static io.spikeloop.wire.v1.LearningStateImage toProto(LearningState s) {
    return io.spikeloop.wire.v1.LearningStateImage.newBuilder()
        .setImage(com.google.protobuf.ByteString.copyFrom(s.toBytes())).build();
  }

  /** Parses and checks the image (version, length, CRC, fields; see {@link LearningState}). */
  public static LearningState fromProto(io.spikeloop.wire.v1.LearningStateImage s) {
    return LearningState.fromBytes(s.getImage().toByteArray());
  }

  /** The learning configuration (validated by its record; unsigned fields read as such). */
  public static LearningConfig fromProto(io.spikeloop.wire.v1.LearningConfig c) {
    var rates = new java.util.LinkedHashMap<String, Integer>();
    c.getLearningRatesMap().forEach((name, lr) -> rates.put(name, unsignedInt("learning rate of "
        + name, lr)));
    return new LearningConfig(rates, unsignedInt("state_bits", c.getStateBits()),
        unsignedInt("block_size", c.getBlockSize()), unsignedInt("beta1_q20", c.getBeta1Q20()),
        unsignedInt("beta2_q20", c.getBeta2Q20()), c.getEpsExp(),
        unsignedInt("master_frac_bits", c.getMasterFracBits()), c.getSeed(),
        unsignedInt("output_frac_bits", c.getOutputFracBits()),
        unsignedInt("surrogate_shift", c.getSurrogateShift()),
        c.getSurrogateTableList().stream().mapToInt(Integer::intValue).toArray());
  }

  private static int unsignedInt(String field, int value) {
    if (value < 0) {
      throw new IllegalArgumentException(field + " = " + Integer.toUnsignedString(value)
          + " is out of range");
    }
    return value;
  }

  public static io.spikeloop.wire.v1.Telemetry toProto(Telemetry t) {
    return io.spikeloop.wire.v1.Telemetry.newBuilder().setSteps(t.steps()).setSops(t.sops())
        .setCycles(t.cycles()).setNeuronUpdates(t.neuronUpdates())
        .setHiddenSpikes(t.hiddenSpikes()).setSaturations(t.saturations())
        .setFifoOverflows(t.fifoOverflows()).setDeadlineMisses(t.deadlineMisses())
        .setEnergyJoules(t.energyJoules()).setLearningUpdates(t.learningUpdates()).build();
  }

  public static Telemetry fromProto(io.spikeloop.wire.v1.Telemetry t) {
    return new Telemetry(t.getSteps(), t.getSops(), t.getCycles(), t.getNeuronUpdates(),
        t.getHiddenSpikes(), t.getSaturations(), t.getFifoOverflows(), t.getDeadlineMisses(),
        t.getEnergyJoules(), t.getLearningUpdates());
  }

  public static io.spikeloop.wire.v1.DeviceState toProto(DeviceState s) {
    var b = io.spikeloop.wire.v1.DeviceState.newBuilder().setStep(s.step())
        .setTelemetry(toProto(s.telemetry()));
    for (int l = 0; l < s.membranes().length; l++) {
      b.addMembranes(membranes(s.membranes()[l]));
      b.addLastSpikes(SpikeSets.encodeFlags(s.lastSpikes()[l]));
    }
    for (int o : s.outputs()) {
      b.addOutputs(o);
    }
    return b.build();
  }

  /** Each layer's spike flags get the length of that layer's membrane vector. */
  public static DeviceState fromProto(io.spikeloop.wire.v1.DeviceState s) {
    int layers = s.getMembranesCount();
    if (s.getLastSpikesCount() != layers) {
      throw new IllegalArgumentException("device state has membranes for " + layers
          + " layers but last spikes for " + s.getLastSpikesCount());
    }
    int[][] u = new int[layers][];
    byte[][] z = new byte[layers][];
    for (int l = 0; l < layers; l++) {
      u[l] = ints(s.getMembranes(l));
      z[l] = SpikeSets.decodeFlags(s.getLastSpikes(l), u[l].length, "state.last_spikes[" + l + "]");
    }
    int[] o = new int[s.getOutputsCount()];
    for (int k = 0; k < o.length; k++) {
      o[k] = s.getOutputs(k);
    }
    return new DeviceState(s.getStep(), u, z, o,
        s.hasTelemetry() ? fromProto(s.getTelemetry()) : Telemetry.ZERO);
  }

  // ---- steps -----------------------------------------------------------------------------

  public static io.spikeloop.wire.v1.ReadoutLevel toProto(ReadoutLevel r) {
    return switch (r) {
      case OUTPUTS -> io.spikeloop.wire.v1.ReadoutLevel.READOUT_OUTPUTS;
      case SPIKES -> io.spikeloop.wire.v1.ReadoutLevel.READOUT_SPIKES;
      case FULL -> io.spikeloop.wire.v1.ReadoutLevel.READOUT_FULL;
    };
  }

  public static ReadoutLevel fromProto(io.spikeloop.wire.v1.ReadoutLevel r) {
    return switch (r) {
      case READOUT_OUTPUTS -> ReadoutLevel.OUTPUTS;
      case READOUT_SPIKES -> ReadoutLevel.SPIKES;
      case READOUT_FULL -> ReadoutLevel.FULL;
      default -> throw new IllegalArgumentException("readout level " + r + " is not one of "
          + "READOUT_OUTPUTS, READOUT_SPIKES, READOUT_FULL");
    };
  }

  public static SpikePacket toProto(SpikeFrame f, long step) {
    return SpikePacket.newBuilder().setStep(step).setAxons(SpikeSets.encode(f.axons()))
        .setLabel(f.label()).build();
  }

  /** Axon ids are checked against the device's inputs by the device itself. */
  public static SpikeFrame fromProto(SpikePacket p) {
    return new SpikeFrame(SpikeSets.decode(p.getAxons(), Integer.MAX_VALUE, "packet.axons"),
        p.getLabel());
  }

  public static StepReadout toProto(StepResult r) {
    var b = StepReadout.newBuilder().setStep(r.step()).setSops(r.sops()).setCycles(r.cycles())
        .setDeadlineMiss(r.deadlineMiss()).setFifoOverflows(r.fifoOverflows());
    if (r.spikes() != null) {
      for (int[] layer : r.spikes()) {
        b.addSpikes(SpikeSets.encode(layer));
      }
    }
    if (r.membranes() != null) {
      for (int[] layer : r.membranes()) {
        b.addMembranes(membranes(layer));
      }
    }
    for (int o : r.outputs()) {
      b.addOutputs(o);
    }
    return b.build();
  }

  /**
   * The most bytes one step's readout of network {@code c} at {@code level} can take inside a
   * {@code StepReadouts} reply, whatever the device computes: every varint at its widest (uint64
   * 10 bytes, sint32 5), spike sets at their bitmap size (the encoder never picks a larger one),
   * every length prefix at 5 bytes. Lets a server refuse a step request whose reply could exceed
   * its limit before any step runs.
   */
  public static long maxReadoutBytes(NetworkConfig c, ReadoutLevel level) {
    final int tagAndLength = 1 + 5;
    long body = 4 * (1 + 10) + (1 + 1);                 // step, sops, cycles, fifo; deadline_miss
    body += tagAndLength + 5L * c.output().size();      // packed sint32 outputs
    for (LayerConfig layer : c.layers()) {
      int n = layer.size();
      if (level != ReadoutLevel.OUTPUTS) {              // SpikeSet{Bitmap{count, bits}}
        body += tagAndLength + tagAndLength + (1 + 5) + 1 + 5 + (n + 7L) / 8;
      }
      if (level == ReadoutLevel.FULL) {                 // MembraneVector{packed sint32 u}
        body += tagAndLength + tagAndLength + 5L * n;
      }
    }
    return tagAndLength + body;
  }

  /**
   * Spikes come back only at {@link ReadoutLevel#SPIKES} and above, membranes only at
   * {@link ReadoutLevel#FULL}; below those levels the result holds null, as the contract says.
   */
  public static StepResult fromProto(StepReadout r, ReadoutLevel level) {
    int[][] spikes = null;
    if (level != ReadoutLevel.OUTPUTS) {
      spikes = new int[r.getSpikesCount()][];
      for (int l = 0; l < spikes.length; l++) {
        spikes[l] = SpikeSets.decode(r.getSpikes(l), Integer.MAX_VALUE, "readout.spikes[" + l + "]");
      }
    }
    int[][] membranes = null;
    if (level == ReadoutLevel.FULL) {
      membranes = new int[r.getMembranesCount()][];
      for (int l = 0; l < membranes.length; l++) {
        membranes[l] = ints(r.getMembranes(l));
      }
    }
    int[] outputs = new int[r.getOutputsCount()];
    for (int k = 0; k < outputs.length; k++) {
      outputs[k] = r.getOutputs(k);
    }
    return new StepResult(r.getStep(), spikes, membranes, outputs, r.getSops(), r.getCycles(),
        r.getDeadlineMiss(), r.getFifoOverflows());
  }

  // ---- weights ---------------------------------------------------------------------------

  /** One block holding a whole tensor of {@code rows x cols} values. */
  public static WeightBlock toBlock(String tensor, int rows, int cols, int[] values) {
    var b = WeightBlock.newBuilder().setTensor(tensor).setRows(rows).setCols(cols).setRowOffset(0);
    for (int v : values) {
      b.addValues(v);
    }
    return b.build();
  }

  /** The values of a block that covers a whole tensor; partial blocks are refused. */
  public static int[] wholeTensor(WeightBlock b) {
    if (b.getRowOffset() != 0) {
      throw new IllegalArgumentException("weight block for " + b.getTensor() + " starts at row "
          + b.getRowOffset() + "; only whole tensors (row_offset 0) are supported");
    }
    long expected = (long) b.getRows() * b.getCols();
    if (expected != b.getValuesCount()) {
      throw new IllegalArgumentException("weight block for " + b.getTensor() + " declares "
          + b.getRows() + "x" + b.getCols() + " = " + expected + " values but holds "
          + b.getValuesCount());
    }
    int[] v = new int[b.getValuesCount()];
    for (int i = 0; i < v.length; i++) {
      v[i] = b.getValues(i);
    }
    return v;
  }

  /**
   * The values of a block written to {@code tensor}: the block must cover it whole with its
   * shape (a 16x8 block for an 8x16 tensor is refused), and every value must fit its width.
   */
  public static int[] wholeTensor(WeightBlock b, WeightTensor tensor) {
    if (b.getRows() != tensor.rows() || b.getCols() != tensor.cols()) {
      throw new IllegalArgumentException("weight block for " + b.getTensor() + " is "
          + b.getRows() + "x" + b.getCols() + " but tensor " + tensor.name() + " is "
          + tensor.rows() + "x" + tensor.cols());
    }
    int[] v = wholeTensor(b);
    tensor.check(v);
    return v;
  }

  // ---- errors ----------------------------------------------------------------------------

  /** The {@code Error} reply for an exception thrown by a device. */
  public static Error toError(Throwable t) {
    String msg = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    Error.Builder b = Error.newBuilder().setMessage(msg);
    if (t instanceof DesignRuleViolation d) {
      b.setCode(Error.Code.DESIGN_RULE).setRule(d.rule());
    } else if (t instanceof UnsupportedCapabilityException) {
      b.setCode(Error.Code.UNSUPPORTED);
    } else if (t instanceof DeviceUnavailableException) {
      b.setCode(Error.Code.UNAVAILABLE);
    } else if (t instanceof IllegalArgumentException) {
      b.setCode(Error.Code.BAD_REQUEST);
    } else if (t instanceof IllegalStateException) {
      b.setCode(Error.Code.NOT_CONFIGURED);
    } else {
      b.setCode(Error.Code.INTERNAL);
    }
    return b.build();
  }

  /**
   * The exception a client throws for an {@code Error} reply: the same contract type the device
   * threw on the server, with its message (prefixed by {@code where} for errors of the remote
   * machinery itself).
   */
  public static RuntimeException toException(Error e, String where) {
    String msg = e.getMessage();
    return switch (e.getCode()) {
      case BAD_REQUEST -> new IllegalArgumentException(msg);
      case NOT_CONFIGURED -> new IllegalStateException(msg);
      case DESIGN_RULE -> new DesignRuleViolation(e.getRule(),
          stripPrefix(msg, "design rule " + e.getRule() + ": "));
      case UNSUPPORTED -> new UnsupportedCapabilityException(msg);
      case UNAVAILABLE, BUSY, VERSION_MISMATCH, UNAUTHENTICATED, FRAME_TOO_LARGE ->
          new DeviceUnavailableException(where + ": " + e.getCode() + ": " + msg);
      default -> new DeviceException(where + ": " + e.getCode() + ": " + msg);
    };
  }

  private static String stripPrefix(String s, String prefix) {
    return s.startsWith(prefix) ? s.substring(prefix.length()) : s;
  }

  private static MembraneVector membranes(int[] u) {
    var b = MembraneVector.newBuilder();
    for (int v : u) {
      b.addU(v);
    }
    return b.build();
  }

  private static int[] ints(MembraneVector m) {
    int[] u = new int[m.getUCount()];
    for (int i = 0; i < u.length; i++) {
      u[i] = m.getU(i);
    }
    return u;
  }
}
