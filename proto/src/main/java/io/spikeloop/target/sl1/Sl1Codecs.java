package io.spikeloop.target.sl1;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Parser;
import io.spikeloop.device.Telemetry;
import io.spikeloop.target.TargetState;
import io.spikeloop.wire.SpikeSets;
import io.spikeloop.wire.WireMapping;
import java.util.ArrayList;
import java.util.List;

/**
 * The SL-1 target's payload formats ({@link TargetState}), each version 1 unless noted:
 * <ul>
 *   <li>{@code network}: the {@code spikeloop.v1.NetworkConfig} protobuf message;</li>
 *   <li>{@code device-state}: the {@code spikeloop.v1.DeviceState} message (u, z_prev, o per
 *       layer and the telemetry at the snapshot);</li>
 *   <li>{@code learning-config}: the {@code spikeloop.v1.LearningConfig} message;</li>
 *   <li>{@code learning-state}: the {@code spikeloop-learning-state} image of
 *       {@code docs/driver-abi.md} (version {@value LearningState#VERSION}), byte for byte what
 *       the C ABI reads and writes
 *       (version 1 images, of dense engines, are still read).</li>
 * </ul>
 * Decoding goes through the records' constructors, so bytes that break a record's rule are
 * refused with that rule's message as an {@link IllegalArgumentException}.
 */
public final class Sl1Codecs {
  public static final int NETWORK_FORMAT = 1;
  public static final int DEVICE_STATE_FORMAT = 1;
  /** A tBPTT1 learning configuration: the format every build reads. */
  public static final int LEARNING_CONFIG_FORMAT = 1;
  /**
   * A configuration naming another learning rule (e-prop, {@code docs/learning-engine.md} section
   * 11): a build that knows format 1 only refuses it by its format instead of ignoring the rule
   * field and learning tBPTT1.
   */
  public static final int LEARNING_CONFIG_FORMAT_RULES = 2;

  private Sl1Codecs() {}

  public static TargetState encode(NetworkConfig network) {
    return payload(TargetState.KIND_NETWORK, NETWORK_FORMAT, toProto(network).toByteArray());
  }

  public static NetworkConfig decodeNetwork(TargetState s) {
    return fromProto(parse(s, TargetState.KIND_NETWORK, NETWORK_FORMAT,
        io.spikeloop.wire.v1.NetworkConfig.parser(), "NetworkConfig"));
  }

  public static TargetState encode(DeviceState state) {
    return payload(TargetState.KIND_DEVICE_STATE, DEVICE_STATE_FORMAT,
        toProto(state).toByteArray());
  }

  public static DeviceState decodeState(TargetState s) {
    return fromProto(parse(s, TargetState.KIND_DEVICE_STATE, DEVICE_STATE_FORMAT,
        io.spikeloop.wire.v1.DeviceState.parser(), "DeviceState"));
  }

  /** Format 1 for tBPTT1 (bytes as before learning rules existed), 2 for another rule. */
  public static TargetState encode(LearningConfig config) {
    return payload(TargetState.KIND_LEARNING_CONFIG, config.rule() == LearningRule.TBPTT1
        ? LEARNING_CONFIG_FORMAT : LEARNING_CONFIG_FORMAT_RULES, toProto(config).toByteArray());
  }

  /** Reads format 1 (tBPTT1 only) or 2 (any rule). */
  public static LearningConfig decodeLearningConfig(TargetState s) {
    int format = s.formatVersion() == LEARNING_CONFIG_FORMAT_RULES ? LEARNING_CONFIG_FORMAT_RULES
        : LEARNING_CONFIG_FORMAT;
    var message = parse(s, TargetState.KIND_LEARNING_CONFIG, format,
        io.spikeloop.wire.v1.LearningConfig.parser(), "LearningConfig");
    if (format == LEARNING_CONFIG_FORMAT && message.getRule() != LearningRule.TBPTT1.wire()) {
      throw new IllegalArgumentException("sl1 learning-config format v1 carries tbptt1 only, got "
          + "rule " + Integer.toUnsignedString(message.getRule()) + " (a rule travels in format v"
          + LEARNING_CONFIG_FORMAT_RULES + ")");
    }
    return fromProto(message);
  }

  public static TargetState encode(LearningState state) {
    return payload(TargetState.KIND_LEARNING_STATE, LearningState.VERSION, state.toBytes());
  }

  /**
   * Parses and checks the image (version, length, CRC, fields; see {@link LearningState}). The
   * payload's format version is the image's: {@value LearningState#VERSION}, or
   * {@value LearningState#OLDEST_VERSION} from checkpoints and devices of earlier builds.
   */
  public static LearningState decodeLearningState(TargetState s) {
    s.require(Sl1Target.ID, TargetState.KIND_LEARNING_STATE,
        s.formatVersion() == LearningState.OLDEST_VERSION ? LearningState.OLDEST_VERSION
            : LearningState.VERSION);
    return LearningState.fromBytes(s.bytes());
  }

  /** The payload's message, after checking target, kind and version. */
  private static <M> M parse(TargetState s, String kind, int version, Parser<M> parser,
                             String message) {
    s.require(Sl1Target.ID, kind, version);
    try {
      return parser.parseFrom(s.bytes());
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("sl1 " + kind + ": not a " + message + " message: "
          + e.getMessage(), e);
    }
  }

  private static TargetState payload(String kind, int version, byte[] bytes) {
    return new TargetState(Sl1Target.ID, kind, version, bytes);
  }

  static io.spikeloop.wire.v1.NetworkConfig toProto(NetworkConfig c) {
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

  static NetworkConfig fromProto(io.spikeloop.wire.v1.NetworkConfig c) {
    if (!c.hasOutput()) {
      throw new IllegalArgumentException("network config has no output layer");
    }
    List<LayerConfig> layers = new ArrayList<>(c.getLayersCount());
    for (var l : c.getLayersList()) {
      layers.add(LayerConfig.builder(l.getSize(), l.getInputs(), l.getTheta())
          .recurrent(l.getRecurrent()).weightBits(l.getWBits()).weightExponent(l.getWExp())
          .membraneBits(l.getUBits()).alpha(l.getAlpha()).build());
    }
    var o = c.getOutput();
    return new NetworkConfig(c.getInputs(), layers, OutputConfig.builder(o.getSize())
        .weightBits(o.getWBits()).weightExponent(o.getWExp()).outputBits(o.getOBits())
        .kappa(o.getKappa()).build());
  }

  static io.spikeloop.wire.v1.LearningConfig toProto(LearningConfig c) {
    var b = io.spikeloop.wire.v1.LearningConfig.newBuilder()
        .putAllLearningRates(c.learningRates()).setStateBits(c.stateBits())
        .setBlockSize(c.blockSize()).setBeta1Q20(c.beta1Q20()).setBeta2Q20(c.beta2Q20())
        .setEpsExp(c.epsExp()).setMasterFracBits(c.masterFracBits()).setSeed(c.seed())
        .setOutputFracBits(c.outputFracBits()).setSurrogateShift(c.surrogateShift())
        .setRule(c.rule().wire()).setTraceShift(c.traceShift());
    for (int v : c.surrogateTable()) {
      b.addSurrogateTable(v);
    }
    return b.build();
  }

  static LearningConfig fromProto(io.spikeloop.wire.v1.LearningConfig c) {
    var rates = new java.util.LinkedHashMap<String, Integer>();
    c.getLearningRatesMap().forEach((name, lr) -> rates.put(name, unsignedInt("learning rate of "
        + name, lr)));
    return LearningConfig.builder(rates, unsignedInt("surrogate_shift", c.getSurrogateShift()),
            c.getSurrogateTableList().stream().mapToInt(Integer::intValue).toArray())
        .stateBits(unsignedInt("state_bits", c.getStateBits()))
        .blockSize(unsignedInt("block_size", c.getBlockSize()))
        .beta1Q20(unsignedInt("beta1_q20", c.getBeta1Q20()))
        .beta2Q20(unsignedInt("beta2_q20", c.getBeta2Q20())).epsExp(c.getEpsExp())
        .masterFracBits(unsignedInt("master_frac_bits", c.getMasterFracBits())).seed(c.getSeed())
        .outputFracBits(unsignedInt("output_frac_bits", c.getOutputFracBits()))
        .rule(LearningRule.ofWire(c.getRule()))
        .traceShift(unsignedInt("trace_shift", c.getTraceShift())).build();
  }

  private static int unsignedInt(String field, int value) {
    if (value < 0) {
      throw new IllegalArgumentException(field + " = " + Integer.toUnsignedString(value)
          + " is out of range");
    }
    return value;
  }

  static io.spikeloop.wire.v1.DeviceState toProto(DeviceState s) {
    var b = io.spikeloop.wire.v1.DeviceState.newBuilder().setStep(s.step())
        .setTelemetry(WireMapping.toProto(s.telemetry()));
    for (int l = 0; l < s.membranes().length; l++) {
      b.addMembranes(WireMapping.membranes(s.membranes()[l]));
      b.addLastSpikes(SpikeSets.encodeFlags(s.lastSpikes()[l]));
    }
    for (int o : s.outputs()) {
      b.addOutputs(o);
    }
    return b.build();
  }

  /** Each layer's spike flags get the length of that layer's membrane vector. */
  static DeviceState fromProto(io.spikeloop.wire.v1.DeviceState s) {
    int layers = s.getMembranesCount();
    if (s.getLastSpikesCount() != layers) {
      throw new IllegalArgumentException("device state has membranes for " + layers
          + " layers but last spikes for " + s.getLastSpikesCount());
    }
    int[][] u = new int[layers][];
    byte[][] z = new byte[layers][];
    for (int l = 0; l < layers; l++) {
      u[l] = WireMapping.ints(s.getMembranes(l));
      z[l] = SpikeSets.decodeFlags(s.getLastSpikes(l), u[l].length, "state.last_spikes[" + l + "]");
    }
    int[] o = new int[s.getOutputsCount()];
    for (int k = 0; k < o.length; k++) {
      o[k] = s.getOutputs(k);
    }
    return new DeviceState(s.getStep(), u, z, o,
        s.hasTelemetry() ? WireMapping.fromProto(s.getTelemetry()) : Telemetry.ZERO);
  }

}
