package io.spikeloop.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spikeloop.target.sl1.LearningState;
import io.spikeloop.target.sl1.Sl1Codecs;
import io.spikeloop.wire.WireMapping;
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
}
