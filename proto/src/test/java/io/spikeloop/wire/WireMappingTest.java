package io.spikeloop.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.InvalidProtocolBufferException;
import io.spikeloop.device.Capability;
import io.spikeloop.device.DesignRuleViolation;
import io.spikeloop.device.DeviceException;
import io.spikeloop.device.DeviceInfo;
import io.spikeloop.device.DeviceUnavailableException;
import io.spikeloop.device.ReadoutLevel;
import io.spikeloop.device.SpikeFrame;
import io.spikeloop.device.StepResult;
import io.spikeloop.device.Telemetry;
import io.spikeloop.device.UnsupportedCapabilityException;
import io.spikeloop.target.TargetState;
import io.spikeloop.target.sl1.CoreLimits;
import io.spikeloop.target.sl1.DeviceState;
import io.spikeloop.target.sl1.LayerConfig;
import io.spikeloop.target.sl1.LearningRule;
import io.spikeloop.target.sl1.NetworkConfig;
import io.spikeloop.target.sl1.OutputConfig;
import io.spikeloop.target.sl1.Sl1Codecs;
import io.spikeloop.target.sl1.Sl1Target;
import io.spikeloop.wire.v1.Error;
import io.spikeloop.wire.v1.Request;
import io.spikeloop.wire.v1.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Property-style round trips: random records through their message, serialized bytes and back
 * must come out equal. Every record the wire carries is covered.
 */
public class WireMappingTest {
  private static final int TRIALS = 300;
  private final Random rnd = new Random(11);

  @Test
  void learningConfigs() throws InvalidProtocolBufferException {
    for (int t = 0; t < TRIALS; t++) {
      var rates = new java.util.LinkedHashMap<String, Integer>();
      rates.put("layer0.in", rnd.nextInt(1 << 24));
      if (rnd.nextBoolean()) {
        rates.put("out.w", rnd.nextInt(1 << 24));
      }
      int[] table = new int[1 + rnd.nextInt(200)];
      for (int i = 0; i < table.length; i++) {
        table[i] = rnd.nextInt(65536) - 32768;
      }
      boolean eprop = rnd.nextBoolean();
      var c = new io.spikeloop.target.sl1.LearningConfig(rates, rnd.nextBoolean() ? 8 : 4,
          1 + rnd.nextInt(4096), rnd.nextInt(1038091), rnd.nextInt(1 << 20),
          rnd.nextInt(265) - 200, rnd.nextInt(16), rnd.nextLong(), rnd.nextInt(32),
          rnd.nextInt(32), table, eprop ? LearningRule.EPROP : LearningRule.TBPTT1,
          eprop ? rnd.nextInt(41) : 0);
      var bytes = Request.newBuilder()
          .setEnableTargetLearning(WireMapping.toProto(Sl1Codecs.encode(c))).build().toByteArray();
      assertEquals(c, Sl1Codecs.decodeLearningConfig(
          WireMapping.fromProto(Request.parseFrom(bytes).getEnableTargetLearning())));
    }
    var bad = io.spikeloop.wire.v1.LearningConfig.newBuilder().putLearningRates("out.w", -1)
        .setStateBits(8).setBlockSize(64).addSurrogateTable(1).build();
    var payload = new TargetState(Sl1Target.ID, TargetState.KIND_LEARNING_CONFIG,
        Sl1Codecs.LEARNING_CONFIG_FORMAT, bad.toByteArray());
    var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> Sl1Codecs.decodeLearningConfig(payload));
    org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("out.w"), e.getMessage());
    // an unset rule is tBPTT1 (older senders); an unknown one is refused naming the known ones
    var plain = io.spikeloop.wire.v1.LearningConfig.newBuilder().putLearningRates("out.w", 1)
        .setStateBits(8).setBlockSize(64).addSurrogateTable(1);
    assertEquals(LearningRule.TBPTT1, Sl1Codecs.decodeLearningConfig(new TargetState(
        Sl1Target.ID, TargetState.KIND_LEARNING_CONFIG, Sl1Codecs.LEARNING_CONFIG_FORMAT,
        plain.build().toByteArray())).rule());
    var unknown = new TargetState(Sl1Target.ID, TargetState.KIND_LEARNING_CONFIG,
        Sl1Codecs.LEARNING_CONFIG_FORMAT_RULES, plain.setRule(7).build().toByteArray());
    e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> Sl1Codecs.decodeLearningConfig(unknown));
    org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("learning rule 7 is "
        + "unknown; known rules: [0 (tbptt1), 1 (eprop)]"), e.getMessage());
    // a rule other than tBPTT1 travels as format 2, which a format-1-only build refuses by
    // name instead of ignoring the field and learning tBPTT1; tBPTT1 stays format 1
    var eprop = Sl1Codecs.decodeLearningConfig(new TargetState(Sl1Target.ID,
        TargetState.KIND_LEARNING_CONFIG, Sl1Codecs.LEARNING_CONFIG_FORMAT_RULES,
        plain.setRule(1).setTraceShift(12).build().toByteArray()));
    assertEquals(Sl1Codecs.LEARNING_CONFIG_FORMAT_RULES, Sl1Codecs.encode(eprop).formatVersion());
    assertEquals(Sl1Codecs.LEARNING_CONFIG_FORMAT, Sl1Codecs.encode(eprop.toBuilder()
        .rule(LearningRule.TBPTT1).traceShift(0).build()).formatVersion());
    var v1WithRule = new TargetState(Sl1Target.ID, TargetState.KIND_LEARNING_CONFIG,
        Sl1Codecs.LEARNING_CONFIG_FORMAT, plain.build().toByteArray());
    e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> Sl1Codecs.decodeLearningConfig(v1WithRule));
    org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("format v1 carries "
        + "tbptt1 only, got rule 1"), e.getMessage());
    var shifted = new TargetState(Sl1Target.ID, TargetState.KIND_LEARNING_CONFIG,
        Sl1Codecs.LEARNING_CONFIG_FORMAT, plain.setRule(0).setTraceShift(3).build().toByteArray());
    e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> Sl1Codecs.decodeLearningConfig(shifted));
    org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("trace shift"),
        e.getMessage());
  }

  @Test
  void networkConfigs() throws InvalidProtocolBufferException {
    for (int t = 0; t < TRIALS; t++) {
      NetworkConfig c = randomConfig();
      var bytes = Request.newBuilder().setConfigureNetwork(WireMapping.toProto(c.encode())).build()
          .toByteArray();
      assertEquals(c, Sl1Codecs.decodeNetwork(
          WireMapping.fromProto(Request.parseFrom(bytes).getConfigureNetwork())));
    }
  }

  @Test
  void deviceInfos() throws InvalidProtocolBufferException {
    for (int t = 0; t < TRIALS; t++) {
      Set<String> caps = new java.util.HashSet<>();
      for (String c : List.of(Capability.FORWARD, Capability.SNAPSHOT, Capability.ON_CHIP_LEARNING,
          Capability.LEARNING_STATE, "vendor-" + rnd.nextInt(1000))) {
        if (rnd.nextBoolean()) {
          caps.add(c);
        }
      }
      DeviceInfo i = new DeviceInfo("dev" + rnd.nextInt(), "t" + rnd.nextInt(9), "kind" + rnd.nextInt(),
          1 + rnd.nextInt(3), caps, new CoreLimits(pos(), pos(), pos(), pos(), pos(),
              2 + rnd.nextInt(15), 2 + rnd.nextInt(31), 2 + rnd.nextInt(31),
              1 + (rnd.nextLong() >>> 1), pos()).toNames(),
          "v" + rnd.nextInt(), rnd.nextDouble() * 1e9, rnd.nextDouble());
      var bytes = Response.newBuilder().setInfo(WireMapping.toProto(i)).build().toByteArray();
      assertEquals(i, WireMapping.fromProto(Response.parseFrom(bytes).getInfo()));
    }
  }

  @Test
  void telemetryAndStates() throws InvalidProtocolBufferException {
    for (int t = 0; t < TRIALS; t++) {
      Telemetry tel = randomTelemetry();
      var tb = Response.newBuilder().setTelemetry(WireMapping.toProto(tel)).build().toByteArray();
      assertEquals(tel, WireMapping.fromProto(Response.parseFrom(tb).getTelemetry()));

      int layers = 1 + rnd.nextInt(3);
      int[][] u = new int[layers][];
      byte[][] z = new byte[layers][];
      for (int l = 0; l < layers; l++) {
        u[l] = rnd.ints(1 + rnd.nextInt(300)).toArray();
        double density = rnd.nextDouble();
        z[l] = new byte[u[l].length];
        for (int n = 0; n < z[l].length; n++) {
          z[l][n] = (byte) (rnd.nextDouble() < density ? 1 : 0);
        }
      }
      DeviceState s = new DeviceState(rnd.nextLong() >>> 1, u, z, rnd.ints(rnd.nextInt(20)).toArray(),
          tel);
      var sb = Request.newBuilder().setRestoreState(WireMapping.toProto(Sl1Codecs.encode(s))).build()
          .toByteArray();
      assertEquals(s, Sl1Codecs.decodeState(
          WireMapping.fromProto(Request.parseFrom(sb).getRestoreState())));
    }
  }

  @Test
  void spikeFramesAndStepResultsAtEveryReadoutLevel() throws InvalidProtocolBufferException {
    for (int t = 0; t < TRIALS; t++) {
      SpikeFrame f = new SpikeFrame(randomIds(1 + rnd.nextInt(2000)),
          rnd.nextBoolean() ? SpikeFrame.NO_LABEL : rnd.nextInt(50));
      var pb = Request.newBuilder().setStep(io.spikeloop.wire.v1.StepBatch.newBuilder()
          .addPackets(WireMapping.toProto(f, t))).build().toByteArray();
      var packet = Request.parseFrom(pb).getStep().getPackets(0);
      assertEquals(f, WireMapping.fromProto(packet));
      assertEquals(t, packet.getStep());

      for (ReadoutLevel level : ReadoutLevel.values()) {
        assertEquals(level, WireMapping.fromProto(WireMapping.toProto(level)));
        int layers = 1 + rnd.nextInt(3);
        int[][] spikes = level == ReadoutLevel.OUTPUTS ? null : new int[layers][];
        int[][] membranes = level == ReadoutLevel.FULL ? new int[layers][] : null;
        for (int l = 0; l < layers; l++) {
          int n = 1 + rnd.nextInt(500);
          if (spikes != null) {
            spikes[l] = randomIds(n);
          }
          if (membranes != null) {
            membranes[l] = rnd.ints(n).toArray();
          }
        }
        StepResult r = new StepResult(rnd.nextLong() >>> 1, spikes, membranes,
            rnd.ints(1 + rnd.nextInt(30)).toArray(), rnd.nextLong() >>> 1, rnd.nextLong() >>> 1,
            rnd.nextBoolean(), rnd.nextLong() >>> 1);
        var rb = Response.newBuilder().setReadouts(io.spikeloop.wire.v1.StepReadouts.newBuilder()
            .addReadouts(WireMapping.toProto(r))).build().toByteArray();
        StepResult back = WireMapping.fromProto(Response.parseFrom(rb).getReadouts().getReadouts(0),
            level);
        assertStepEquals(r, back);
      }
    }
  }

  @Test
  void weightBlocks() throws InvalidProtocolBufferException {
    for (int t = 0; t < TRIALS; t++) {
      int rows = 1 + rnd.nextInt(40);
      int cols = 1 + rnd.nextInt(40);
      int bits = 2 + rnd.nextInt(15);
      int[] v = rnd.ints(rows * cols, -(1 << (bits - 1)), 1 << (bits - 1)).toArray();
      var block = WireMapping.toBlock("layer0.in", rows, cols, v);
      var bytes = Request.newBuilder().setWriteWeights(io.spikeloop.wire.v1.WeightBlocks.newBuilder()
          .addBlocks(block)).build().toByteArray();
      var back = Request.parseFrom(bytes).getWriteWeights().getBlocks(0);
      assertEquals("layer0.in", back.getTensor());
      assertArrayEquals(v, WireMapping.wholeTensor(back));
    }
    var partial = WireMapping.toBlock("out.w", 2, 2, new int[4]).toBuilder().setRowOffset(1).build();
    assertThrows(IllegalArgumentException.class, () -> WireMapping.wholeTensor(partial));
    var wrongCount = WireMapping.toBlock("out.w", 2, 3, new int[4]);
    var e = assertThrows(IllegalArgumentException.class, () -> WireMapping.wholeTensor(wrongCount));
    assertTrue(e.getMessage().contains("2x3 = 6"), e.getMessage());
  }

  @Test
  void errorsComeBackAsTheContractExceptions() {
    var dr = WireMapping.toException(WireMapping.toError(new DesignRuleViolation("DR-FANIN", "too wide")),
        "remote://x:1");
    assertInstanceOf(DesignRuleViolation.class, dr);
    assertEquals("DR-FANIN", ((DesignRuleViolation) dr).rule());
    assertEquals("design rule DR-FANIN: too wide", dr.getMessage());
    assertInstanceOf(UnsupportedCapabilityException.class, WireMapping.toException(WireMapping.toError(
        new UnsupportedCapabilityException("d", Capability.SNAPSHOT, "restore")), "w"));
    var bad = WireMapping.toException(WireMapping.toError(new IllegalArgumentException("axon 9")), "w");
    assertInstanceOf(IllegalArgumentException.class, bad);
    assertEquals("axon 9", bad.getMessage());
    assertInstanceOf(IllegalStateException.class,
        WireMapping.toException(WireMapping.toError(new IllegalStateException("no config")), "w"));
    assertInstanceOf(DeviceUnavailableException.class,
        WireMapping.toException(WireMapping.toError(new DeviceUnavailableException("gone")), "w"));
    var internal = WireMapping.toException(WireMapping.toError(new ArithmeticException("boom")), "w");
    assertEquals(DeviceException.class, internal.getClass());
    assertTrue(internal.getMessage().contains("boom"));
    for (Error.Code c : List.of(Error.Code.BUSY, Error.Code.UNAUTHENTICATED, Error.Code.VERSION_MISMATCH,
        Error.Code.FRAME_TOO_LARGE)) {
      var ex = WireMapping.toException(Error.newBuilder().setCode(c).setMessage("m").build(), "w");
      assertInstanceOf(DeviceUnavailableException.class, ex);
      assertTrue(ex.getMessage().contains(c.name()));
    }
  }

  @Test
  void messagesThatBreakARecordRuleAreRefused() {
    var net = io.spikeloop.wire.v1.NetworkConfig.newBuilder().setInputs(4)
        .addLayers(io.spikeloop.wire.v1.LayerConfig.newBuilder().setSize(4).setInputs(4)
            .setWBits(8).setUBits(16).setTheta(0));
    var noOutput = new TargetState(Sl1Target.ID, TargetState.KIND_NETWORK,
        Sl1Codecs.NETWORK_FORMAT, net.build().toByteArray());
    assertThrows(IllegalArgumentException.class, () -> Sl1Codecs.decodeNetwork(noOutput));
    var badTheta = new TargetState(Sl1Target.ID, TargetState.KIND_NETWORK,
        Sl1Codecs.NETWORK_FORMAT, net.setOutput(io.spikeloop.wire.v1.OutputConfig.newBuilder()
            .setSize(2).setWBits(8).setOBits(16)).build().toByteArray());
    var e = assertThrows(IllegalArgumentException.class, () -> Sl1Codecs.decodeNetwork(badTheta));
    assertTrue(e.getMessage().contains("theta"), e.getMessage());
    var otherTarget = new TargetState("reckon", TargetState.KIND_NETWORK, 1, new byte[0]);
    e = assertThrows(IllegalArgumentException.class, () -> Sl1Codecs.decodeNetwork(otherTarget));
    assertTrue(e.getMessage().contains("expected a sl1 network, got a reckon network"),
        e.getMessage());
    var newer = new TargetState(Sl1Target.ID, TargetState.KIND_NETWORK, 2, new byte[0]);
    e = assertThrows(IllegalArgumentException.class, () -> Sl1Codecs.decodeNetwork(newer));
    assertTrue(e.getMessage().contains("format v2"), e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> WireMapping.fromProto(io.spikeloop.wire.v1.ReadoutLevel.READOUT_LEVEL_UNSPECIFIED));
  }

  /** Every field of two step results is equal (the record's equals compares arrays by identity). */
  public static void assertStepEquals(StepResult a, StepResult b) {
    assertEquals(a.step(), b.step());
    if (a.spikes() == null) {
      assertNull(b.spikes());
    } else {
      assertArrayEquals(a.spikes(), b.spikes());
    }
    if (a.membranes() == null) {
      assertNull(b.membranes());
    } else {
      assertArrayEquals(a.membranes(), b.membranes());
    }
    assertArrayEquals(a.outputs(), b.outputs());
    assertEquals(a.sops(), b.sops());
    assertEquals(a.cycles(), b.cycles());
    assertEquals(a.deadlineMiss(), b.deadlineMiss());
    assertEquals(a.fifoOverflows(), b.fifoOverflows());
  }

  private int[] randomIds(int universe) {
    double density = rnd.nextDouble() * (rnd.nextBoolean() ? 0.05 : 1);
    return IntStream.range(0, universe).filter(i -> rnd.nextDouble() < density).toArray();
  }

  private int pos() {
    return 1 + rnd.nextInt(Integer.MAX_VALUE - 1);
  }

  private Telemetry randomTelemetry() {
    var b = Telemetry.builder();
    for (String name : Sl1Target.COUNTERS) {
      if (rnd.nextInt(4) > 0) {
        b.put(name, rnd.nextLong() >>> 1);
      }
    }
    return b.measure(Telemetry.ENERGY_JOULES, rnd.nextDouble()).build();
  }

  private NetworkConfig randomConfig() {
    int inputs = 1 + rnd.nextInt(1000);
    List<LayerConfig> layers = new ArrayList<>();
    int fanIn = inputs;
    for (int l = 0, n = 1 + rnd.nextInt(3); l < n; l++) {
      int size = 1 + rnd.nextInt(500);
      int uBits = 2 + rnd.nextInt(31);
      int theta = 1 + rnd.nextInt((int) Math.min(Integer.MAX_VALUE - 1, (1L << (uBits - 1)) - 1));
      layers.add(new LayerConfig(size, rnd.nextBoolean(), 2 + rnd.nextInt(15), rnd.nextInt(63) - 31,
          uBits, theta, rnd.nextInt(4097), fanIn));
      fanIn = size;
    }
    return new NetworkConfig(inputs, layers, new OutputConfig(1 + rnd.nextInt(40),
        2 + rnd.nextInt(15), rnd.nextInt(63) - 31, 2 + rnd.nextInt(31), rnd.nextInt(4097)));
  }
}
