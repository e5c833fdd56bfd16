package io.spikeloop.wire;

import io.spikeloop.device.DesignRuleViolation;
import io.spikeloop.device.DeviceException;
import io.spikeloop.device.DeviceInfo;
import io.spikeloop.device.DeviceUnavailableException;
import io.spikeloop.device.ReadoutLevel;
import io.spikeloop.device.SpikeFrame;
import io.spikeloop.device.StepResult;
import io.spikeloop.device.Telemetry;
import io.spikeloop.device.UnsupportedCapabilityException;
import io.spikeloop.device.WeightTensor;
import io.spikeloop.target.TargetNetwork;
import io.spikeloop.target.TargetState;
import io.spikeloop.wire.v1.Error;
import io.spikeloop.wire.v1.MembraneVector;
import io.spikeloop.wire.v1.SpikePacket;
import io.spikeloop.wire.v1.StepReadout;
import io.spikeloop.wire.v1.WeightBlock;
import java.util.Set;

/**
 * Converts the generic contract records to {@code spikeloop.v1} messages and back (a target's own
 * payloads travel as {@code TargetPayload} bytes its codec reads; SL-1's are in
 * {@code io.spikeloop.target.sl1.Sl1Codecs}). Integers travel
 * unchanged (the wire types are as wide as the records' fields); decoding goes through the
 * records' constructors, so a message that breaks a record's rule is refused with that rule's
 * message as an {@link IllegalArgumentException}.
 */
public final class WireMapping {
  private WireMapping() {}

  // ---- device description ----------------------------------------------------------------

  public static io.spikeloop.wire.v1.DeviceInfo toProto(DeviceInfo i) {
    var b = io.spikeloop.wire.v1.DeviceInfo.newBuilder().setName(i.name()).setTarget(i.target())
        .setKind(i.kind()).setProtocolVersion(i.protocolVersion()).putAllLimitsByName(i.limits())
        .setVersion(i.version()).setClockHz(i.clockHz()).setStepPeriodS(i.stepPeriodSeconds());
    // A fixed order keeps the encoding deterministic.
    i.capabilities().stream().sorted().forEach(b::addCapabilityNames);
    return b.build();
  }

  public static DeviceInfo fromProto(io.spikeloop.wire.v1.DeviceInfo i) {
    if (i.getTarget().isEmpty()) {
      throw new IllegalArgumentException("device info names no target (a protocol 1 peer?)");
    }
    return new DeviceInfo(i.getName(), i.getTarget(), i.getKind(), i.getProtocolVersion(),
        Set.copyOf(i.getCapabilityNamesList()), i.getLimitsByNameMap(), i.getVersion(),
        i.getClockHz(), i.getStepPeriodS());
  }

  // ---- telemetry and state ---------------------------------------------------------------

  /** Names sorted, so equal telemetry always encodes to the same bytes. */
  public static io.spikeloop.wire.v1.Telemetry toProto(Telemetry t) {
    return io.spikeloop.wire.v1.Telemetry.newBuilder()
        .putAllCounters(new java.util.TreeMap<>(t.counters()))
        .putAllMeasures(new java.util.TreeMap<>(t.measures())).build();
  }

  /** Protobuf maps keep no order: counters and measures come back sorted by name. */
  public static Telemetry fromProto(io.spikeloop.wire.v1.Telemetry t) {
    return new Telemetry(new java.util.TreeMap<>(t.getCountersMap()),
        new java.util.TreeMap<>(t.getMeasuresMap()));
  }

  // ---- target payloads -------------------------------------------------------------------

  public static io.spikeloop.wire.v1.TargetPayload toProto(TargetState s) {
    return io.spikeloop.wire.v1.TargetPayload.newBuilder().setTarget(s.targetId())
        .setKind(s.kind()).setFormatVersion(s.formatVersion())
        .setBytes(com.google.protobuf.ByteString.copyFrom(s.bytes())).build();
  }

  /** The payload as the target's typed bytes (the target's codec checks the bytes). */
  public static TargetState fromProto(io.spikeloop.wire.v1.TargetPayload p) {
    return new TargetState(p.getTarget(), p.getKind(), p.getFormatVersion(),
        p.getBytes().toByteArray());
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
  public static long maxReadoutBytes(TargetNetwork c, ReadoutLevel level) {
    final int tagAndLength = 1 + 5;
    long body = 4 * (1 + 10) + (1 + 1);                 // step, sops, cycles, fifo; deadline_miss
    body += tagAndLength + 5L * c.outputs();            // packed sint32 outputs
    for (int n : c.hiddenLayerSizes()) {
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

  /** One layer of membranes (or any int vector). */
  public static MembraneVector membranes(int[] u) {
    var b = MembraneVector.newBuilder();
    for (int v : u) {
      b.addU(v);
    }
    return b.build();
  }

  public static int[] ints(MembraneVector m) {
    int[] u = new int[m.getUCount()];
    for (int i = 0; i < u.length; i++) {
      u[i] = m.getU(i);
    }
    return u;
  }
}
