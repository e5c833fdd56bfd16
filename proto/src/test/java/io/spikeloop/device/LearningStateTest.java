package io.spikeloop.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spikeloop.target.TargetState;
import io.spikeloop.target.sl1.LearningState;
import io.spikeloop.target.sl1.Sl1Target;
import io.spikeloop.target.sl1.Sl1Codecs;
import io.spikeloop.wire.WireMapping;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class LearningStateTest {
  /** A 4-bit tensor of 5 parameters in blocks of 2, masters within 8-bit weights << 8. */
  private static LearningState.Tensor tensor(String name, long rng, int master0) {
    return new LearningState.Tensor(name, 5, 4, 2, 943718, 1047527, 1 << 22, -27, 8, 8, 0, 3,
        700000000, 1000000000, rng, new int[] {master0, -256, 0, 255, 32512},
        new byte[] {1, 2, 3}, new byte[] {-3, -4, -128}, new byte[] {7, 8, 9},
        new byte[] {-1, -2, -128});
  }

  private static LearningState state(long rng, int master0) {
    return new LearningState(8, 6, 3, 8, 1, 32, 0x1234, List.of(tensor("layer0.in", rng, master0),
        tensor("out.w", 99, 0)));
  }

  private static String refused(byte[] image) {
    return assertThrows(IllegalArgumentException.class, () -> LearningState.fromBytes(image))
        .getMessage();
  }

  @Test
  void theImageRoundTripsThroughBytesAndTheWire() {
    LearningState s = state(42, -32768);
    byte[] image = s.toBytes();
    assertEquals(s.imageBytes(), image.length);
    assertEquals(LearningState.HEADER_BYTES + 4 + 2 * (LearningState.TENSOR_HEADER_BYTES + 20 + 12),
        image.length);
    assertEquals(s, LearningState.fromBytes(image));
    assertEquals(s, Sl1Codecs.decodeLearningState(
        WireMapping.fromProto(WireMapping.toProto(Sl1Codecs.encode(s)))));
    assertEquals(s.hash(), LearningState.fromBytes(image).hash());
    assertNotEquals(s.hash(), state(43, -32768).hash());
  }

  @Test
  void damagedImagesAreRefusedNamingTheProblem() {
    byte[] image = state(42, 0).toBytes();
    byte[] magic = image.clone();
    magic[1] = 'X';
    assertTrue(refused(magic).contains("magic"));
    assertTrue(refused(Arrays.copyOf(image, 20)).contains("truncated"));
    assertTrue(refused(Arrays.copyOf(image, image.length - 1)).contains("announces"));
    byte[] flipped = image.clone();
    flipped[100] ^= 1;
    assertTrue(refused(flipped).contains("CRC"));
  }

  @Test
  void fieldsOutOfRangeAreRefusedByName() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> tensor("out.w", 0, 0))
        .getMessage().contains("rng"));
    String m = assertThrows(IllegalArgumentException.class, () -> tensor("out.w", 1, 32768))
        .getMessage();
    assertTrue(m.contains("out.w") && m.contains("master 0 = 32768"), m);
    m = assertThrows(IllegalArgumentException.class, () -> new LearningState.Tensor("out.w", 5, 4,
        2, 0, 0, 0, 0, 8, 8, 0, 0, 0, 0, 1, new int[5], new byte[2], new byte[3], new byte[3],
        new byte[3])).getMessage();
    assertTrue(m.contains("mCodes needs 3"), m);
  }

  @Test
  void differencesAndConfigurationMismatchesAreLocated() {
    LearningState a = state(42, 5);
    assertNull(a.firstDifference(state(42, 5)));
    LearningState.Difference d = a.firstDifference(state(42, 6));
    assertEquals("layer0.in", d.tensor());
    assertEquals("masters", d.variable());
    assertEquals(0, d.index());
    assertEquals(5, d.a());
    assertEquals(6, d.b());
    assertEquals("rng", a.firstDifference(state(41, 5)).variable());
    a.requireSameConfiguration(state(41, 6)); // counters and masters are not configuration
    LearningState wider = new LearningState(8, 7, 3, 8, 1, 32, 0x1234, a.tensors());
    String m = assertThrows(IllegalArgumentException.class,
        () -> wider.requireSameConfiguration(a)).getMessage();
    assertTrue(m.contains("hidden is 7, the engine has 6"), m);
    assertArrayEquals(new int[] {5, -256, 0, 255, 32512}, a.tensors().get(0).masters());
  }

  /** A catch-up engine's state: two tensors of 3 blocks each, the second stepping densely. */
  private static LearningState catchUp(int counter) {
    LearningState dense = state(42, 5);
    return new LearningState(8, 6, 3, 8, 1, 32, 0x1234, dense.tensors(),
        LearningState.RULE_TBPTT1, LearningState.SCHEDULE_CATCH_UP,
        List.of(LearningState.catchUpSection(List.of(new int[] {0, counter, 3}, new int[0]))));
  }

  @Test
  void version2CarriesScheduleAndSectionsThroughBytesAndTheWire() {
    LearningState s = catchUp(2);
    byte[] image = s.toBytes();
    assertEquals(LearningState.VERSION, image[4]);
    assertEquals(s.imageBytes(), image.length);
    assertEquals(state(42, 5).imageBytes() + LearningState.SECTION_HEADER_BYTES + 4 + 12 + 4,
        image.length, "section header, blocks and 3 counters, blocks 0");
    LearningState back = LearningState.fromBytes(image);
    assertEquals(s, back);
    assertEquals(LearningState.SCHEDULE_CATCH_UP, back.schedule());
    assertArrayEquals(new int[] {0, 2, 3}, back.catchUpBlockSteps().get(0));
    assertEquals(0, back.catchUpBlockSteps().get(1).length);
    assertEquals(s, Sl1Codecs.decodeLearningState(
        WireMapping.fromProto(WireMapping.toProto(Sl1Codecs.encode(s)))));
    assertEquals(LearningState.VERSION, Sl1Codecs.encode(s).formatVersion());

    // counters are state, the schedule and the section layout are configuration
    catchUp(1).requireSameConfiguration(s);
    assertEquals("section catchup.steps byte", s.firstDifference(catchUp(1)).variable());
    String m = assertThrows(IllegalArgumentException.class,
        () -> state(42, 5).requireSameConfiguration(s)).getMessage();
    assertTrue(m.contains("schedule is dense, the engine has catchup"), m);
    m = assertThrows(IllegalArgumentException.class, () -> catchUp(4).catchUpBlockSteps())
        .getMessage();
    assertTrue(m.contains("layer0.in: blockSteps[1] = 4 outside [0, 3]"), m);
  }

  /**
   * An e-prop engine's state: rule 1 and its traces section travel; the section is configuration
   * by name and length, state by content; a rule this build does not know is refused by name.
   */
  @Test
  void theEpropRuleAndItsTraceSectionTravel() {
    LearningState dense = state(42, 5);
    LearningState eprop = new LearningState(8, 6, 3, 8, 1, 32, 0x1234, dense.tensors(),
        LearningState.RULE_EPROP, LearningState.SCHEDULE_DENSE, List.of(new LearningState.Section(
            LearningState.EPROP_TRACES_SECTION, new byte[] {1, 2, 3, 4, 5, 6})));
    LearningState back = LearningState.fromBytes(eprop.toBytes());
    assertEquals(eprop, back);
    assertEquals("eprop", LearningState.ruleName(back.rule()));
    assertTrue(back.toString().contains("eprop"), back.toString());
    assertEquals(eprop, Sl1Codecs.decodeLearningState(
        WireMapping.fromProto(WireMapping.toProto(Sl1Codecs.encode(eprop)))));
    String m = assertThrows(IllegalArgumentException.class,
        () -> dense.requireSameConfiguration(eprop)).getMessage();
    assertTrue(m.contains("rule is tbptt1, the engine has eprop"), m);
    LearningState shorter = new LearningState(8, 6, 3, 8, 1, 32, 0x1234, dense.tensors(),
        LearningState.RULE_EPROP, LearningState.SCHEDULE_DENSE, List.of(new LearningState.Section(
            LearningState.EPROP_TRACES_SECTION, new byte[4])));
    m = assertThrows(IllegalArgumentException.class,
        () -> shorter.requireSameConfiguration(eprop)).getMessage();
    assertTrue(m.contains("section eprop.traces has 4 bytes, the engine's takes 6"), m);
    byte[] unknown = eprop.toBytes();
    ByteBuffer.wrap(unknown).order(ByteOrder.LITTLE_ENDIAN).putInt(44, 2);
    assertTrue(refused(reseal(unknown)).contains("rule"));
  }

  /** A version 1 image (44-byte header, no rule, schedule or sections) reads as a dense state. */
  @Test
  void version1ImagesAreStillReadAndLaterVersionsAreRefusedNamingTheVersion() {
    LearningState s = state(42, 7);
    byte[] v2 = s.toBytes();
    int extra = LearningState.HEADER_BYTES - LearningState.HEADER_BYTES_V1;
    byte[] v1 = new byte[v2.length - extra];
    System.arraycopy(v2, 0, v1, 0, LearningState.HEADER_BYTES_V1);
    System.arraycopy(v2, LearningState.HEADER_BYTES, v1, LearningState.HEADER_BYTES_V1,
        v2.length - LearningState.HEADER_BYTES);
    ByteBuffer b = ByteBuffer.wrap(v1).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(4, 1).putInt(8, v1.length);
    reseal(v1);
    LearningState back = LearningState.fromBytes(v1);
    assertEquals(s, back);
    assertEquals(LearningState.SCHEDULE_DENSE, back.schedule());
    assertTrue(back.sections().isEmpty());
    assertArrayEquals(v2, back.toBytes(), "written again as version 2");
    TargetState oldPayload = new TargetState(Sl1Target.ID, TargetState.KIND_LEARNING_STATE, 1, v1);
    assertEquals(s, Sl1Codecs.decodeLearningState(oldPayload), "a version 1 checkpoint entry");

    byte[] v3 = v2.clone();
    ByteBuffer.wrap(v3).order(ByteOrder.LITTLE_ENDIAN).putInt(4, 3);
    reseal(v3);
    String m = refused(v3);
    assertTrue(m.contains("version 3; this build reads versions 1 and 2"), m);
  }

  @Test
  void damagedSectionsAreRefusedNamingTheSection() {
    byte[] image = catchUp(2).toBytes();
    int section = image.length - 4 - 20 - LearningState.SECTION_HEADER_BYTES;
    byte[] tooLong = image.clone();
    ByteBuffer.wrap(tooLong).order(ByteOrder.LITTLE_ENDIAN).putInt(section + 16, 1000);
    assertTrue(refused(reseal(tooLong)).contains("section catchup.steps announces 1000 bytes"));
    String m = assertThrows(IllegalArgumentException.class, () -> new LearningState(8, 6, 3, 8,
        1, 32, 0x1234, state(1, 1).tensors(), 0, 2, List.of(new LearningState.Section("a",
            new byte[0]), new LearningState.Section("a", new byte[1])))).getMessage();
    assertTrue(m.contains("section a appears twice"), m);
    byte[] schedule = image.clone();
    ByteBuffer.wrap(schedule).order(ByteOrder.LITTLE_ENDIAN).putInt(48, 7);
    assertTrue(refused(reseal(schedule)).contains("schedule"));
    byte[] count = image.clone();
    ByteBuffer.wrap(count).order(ByteOrder.LITTLE_ENDIAN).putInt(52, 0);
    assertTrue(refused(reseal(count)).contains("unparsed bytes"), "a section not announced");
  }

  private static byte[] reseal(byte[] image) {
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    crc.update(image, 0, image.length - 4);
    ByteBuffer.wrap(image, image.length - 4, 4).order(ByteOrder.LITTLE_ENDIAN)
        .putInt((int) crc.getValue());
    return image;
  }
}
