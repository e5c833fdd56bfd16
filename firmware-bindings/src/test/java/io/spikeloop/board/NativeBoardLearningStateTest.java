package io.spikeloop.board;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spikeloop.device.Capability;
import io.spikeloop.device.ReadoutLevel;
import io.spikeloop.device.SpikeFrame;
import io.spikeloop.target.sl1.LearningState;
import io.spikeloop.target.sl1.Sl1Device;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The firmware's learning-state image (driver ABI 3; image version 2, version 1 still read):
 * read, restored, and every damaged image
 * refused by the C code itself (raw bytes through the driver, past Java's own checks) with the
 * field named and the engine unchanged. Run under {@code -Psanitize} this covers the parser with
 * ASan and UBSan.
 */
class NativeBoardLearningStateTest {
  private BoardDriver driver;
  private NativeBoardDevice board;

  @BeforeEach
  void open() {
    driver = BoardDriver.open(BoardLibraries.load("ref").bind(SpikeloopDriver.class), "board:ref", "ref");
    board = new NativeBoardDevice("board:ref", driver);
    board.configure(NativeBoardLearningTest.NET);
    NativeBoardLearningTest.writeStartWeights(board);
  }

  @AfterEach
  void close() {
    board.close();
  }

  private void learn(int steps, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<SpikeFrame> frames = new ArrayList<>();
    for (int t = 0; t < steps; t++) {
      int[] ids = r.ints(0, NativeBoardLearningTest.NET.inputs()).limit(6).sorted().distinct()
          .toArray();
      frames.add(new SpikeFrame(ids, t % 4));
    }
    board.run(frames, ReadoutLevel.OUTPUTS);
  }

  /** The image with its CRC recomputed (to reach the field checks behind it). */
  private static byte[] resealed(byte[] image) {
    CRC32 crc = new CRC32();
    crc.update(image, 0, image.length - 4);
    ByteBuffer.wrap(image, image.length - 4, 4).order(ByteOrder.LITTLE_ENDIAN)
        .putInt((int) crc.getValue());
    return image;
  }

  private String refused(byte[] image, int length) {
    return assertThrows(IllegalArgumentException.class,
        () -> driver.restoreLearningState(Arrays.copyOf(image, length))).getMessage();
  }

  @Test
  void readRestoreAndRefuseDamagedImages() {
    assertTrue(board.info().has(Capability.LEARNING_STATE));
    assertTrue(assertThrows(IllegalStateException.class, () -> Sl1Device.learningState(board)).getMessage()
        .contains("not enabled"));
    Sl1Device.enableLearning(board, NativeBoardLearningTest.allTensors());
    learn(20, 1);
    LearningState saved = Sl1Device.learningState(board);
    byte[] image = saved.toBytes();
    assertEquals(image.length, driver.learningStateSize());
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> driver.readLearningState(new byte[image.length - 1])).getMessage()
        .contains("needs " + image.length + " bytes"));

    learn(20, 2);
    assertNotEquals(saved, Sl1Device.learningState(board), "learning moved the state");
    LearningState later = Sl1Device.learningState(board);

    byte[] magic = image.clone();
    magic[0] = 'X';
    assertTrue(refused(magic, magic.length).contains("magic"));
    byte[] version = resealed(image.clone());
    version[4] = 9;
    assertTrue(refused(resealed(version), version.length).contains("version 9"));
    assertTrue(refused(image, image.length - 7).contains("announces " + image.length));
    assertTrue(refused(image, 10).contains("truncated"));
    byte[] flipped = image.clone();
    flipped[image.length / 2] ^= 4;
    assertTrue(refused(flipped, flipped.length).contains("CRC"));

    // behind a valid CRC: a master beyond its range, a zero generator state, another shape
    int firstTensor = LearningState.HEADER_BYTES;
    int firstMaster = firstTensor + LearningState.TENSOR_HEADER_BYTES;
    byte[] master = image.clone();
    ByteBuffer.wrap(master).order(ByteOrder.LITTLE_ENDIAN).putInt(firstMaster, 1 << 30);
    String m = refused(resealed(master), master.length);
    assertTrue(m.contains("layer0.in master 0") && m.contains("1073741824"), m);
    byte[] rng = image.clone();
    ByteBuffer.wrap(rng).order(ByteOrder.LITTLE_ENDIAN)
        .putLong(firstMaster - 8, 0L);
    assertTrue(refused(resealed(rng), rng.length).contains("rng"));
    byte[] hidden = image.clone();
    ByteBuffer.wrap(hidden).order(ByteOrder.LITTLE_ENDIAN).putInt(16, 17);
    String h = refused(resealed(hidden), hidden.length);
    assertTrue(h.contains("hidden is 17") && h.contains("has 16"), h);
    assertEquals(later, Sl1Device.learningState(board), "every refusal left the engine as it was");

    Sl1Device.restoreLearningState(board, saved);
    assertArrayEquals(image, Sl1Device.learningState(board).toBytes(), "restored byte for byte");
  }

  /**
   * A version 1 image (a dense engine's, as builds before version 2 wrote it: the 44-byte header,
   * no rule, schedule or sections) is still restored by the firmware and read by Java; given to
   * a catch-up engine it is refused naming the schedule.
   */
  @Test
  void aVersion1ImageOfADenseEngineIsStillRestored() {
    Sl1Device.enableLearning(board, NativeBoardLearningTest.allTensors());
    learn(20, 3);
    LearningState saved = Sl1Device.learningState(board);
    byte[] v1 = version1(saved.toBytes());
    assertEquals(saved, LearningState.fromBytes(v1), "Java reads the version 1 image");
    learn(10, 4);
    driver.restoreLearningState(v1);
    assertEquals(saved, Sl1Device.learningState(board), "the firmware restored it");

    board.close();
    open();
    RefLearningSchedule.select(board, "catchup");
    Sl1Device.enableLearning(board, NativeBoardLearningTest.allTensors());
    learn(20, 3);
    LearningState catchUp = Sl1Device.learningState(board);
    String m = refused(v1, v1.length);
    assertTrue(m.contains("schedule is dense (a version 1 image), the engine has catchup"), m);
    assertEquals(catchUp, Sl1Device.learningState(board), "nothing changed");
  }

  /**
   * The catch-up engine's image carries its per-block step counters (section catchup.steps); the
   * firmware refuses, by the field, a damaged section behind a valid CRC, and restores a good one.
   */
  @Test
  void theCatchUpSectionIsCheckedAndRestored() {
    RefLearningSchedule.select(board, "catchup");
    Sl1Device.enableLearning(board, NativeBoardLearningTest.allTensors());
    learn(30, 5);
    LearningState saved = Sl1Device.learningState(board);
    byte[] image = saved.toBytes();
    assertEquals(LearningState.SCHEDULE_CATCH_UP, saved.schedule());
    assertEquals(LearningState.CATCH_UP_SECTION, saved.sections().get(0).name());
    learn(10, 6);
    LearningState later = Sl1Device.learningState(board);
    assertNotEquals(saved, later);

    int section = image.length - 4 - saved.sections().get(0).payload().length
        - LearningState.SECTION_HEADER_BYTES;
    int firstCounter = section + LearningState.SECTION_HEADER_BYTES + 4;
    ByteBuffer le = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
    int step = saved.tensors().get(0).step();
    byte[] ahead = image.clone();
    ByteBuffer.wrap(ahead).order(ByteOrder.LITTLE_ENDIAN).putInt(firstCounter, step + 1);
    String m = refused(resealed(ahead), ahead.length);
    assertTrue(m.contains("layer0.in block_steps[0] = " + (step + 1)), m);
    byte[] blocks = image.clone();
    ByteBuffer.wrap(blocks).order(ByteOrder.LITTLE_ENDIAN).putInt(firstCounter - 4,
        le.getInt(firstCounter - 4) + 1);
    m = refused(resealed(blocks), blocks.length);
    assertTrue(m.contains("tensor layer0.in blocks is"), m);
    byte[] name = image.clone();
    name[section] = 'X';
    m = refused(resealed(name), name.length);
    assertTrue(m.contains("section 0 is Xatchup.steps"), m);
    byte[] lazy = image.clone();
    ByteBuffer.wrap(lazy).order(ByteOrder.LITTLE_ENDIAN).putInt(48, LearningState.SCHEDULE_LAZY);
    m = refused(resealed(lazy), lazy.length);
    assertTrue(m.contains("schedule is lazy, the engine has catchup"), m);
    assertEquals(later, Sl1Device.learningState(board), "every refusal left the engine as it was");

    driver.restoreLearningState(image);
    assertArrayEquals(image, Sl1Device.learningState(board).toBytes(), "restored byte for byte");
  }

  /**
   * An e-prop engine's image carries its traces (section eprop.traces, rule 1); the firmware
   * refuses, by name and with both lengths, an image without the section or with one of another
   * length, a trace out of range and a tBPTT1 image, and restores a good one byte for byte.
   */
  @Test
  void theEpropTraceSectionIsCheckedAndRestored() {
    io.spikeloop.target.sl1.LearningConfig eprop = NativeBoardLearningTest.allTensors()
        .toBuilder().rule(io.spikeloop.target.sl1.LearningRule.EPROP).traceShift(16).build();
    Sl1Device.enableLearning(board, eprop);
    learn(13, 7);
    LearningState saved = Sl1Device.learningState(board);
    byte[] image = saved.toBytes();
    assertEquals(LearningState.RULE_EPROP, saved.rule());
    int payload = saved.section(LearningState.EPROP_TRACES_SECTION).payload().length;
    int n = 16;
    int m = NativeBoardLearningTest.NET.inputs();
    assertEquals(2 * (m + n + 1) * n + 4 * (m + n + 1 + n + 1), payload,
        "int16 ebar per hidden-layer parameter, int32 per trace");
    learn(5, 8);
    LearningState later = Sl1Device.learningState(board);
    assertNotEquals(saved, later);

    int section = image.length - 4 - payload - LearningState.SECTION_HEADER_BYTES;
    // no section: the header announces none and the image ends after the tensors
    byte[] none = Arrays.copyOf(image, section + 4);
    ByteBuffer.wrap(none).order(ByteOrder.LITTLE_ENDIAN).putInt(8, none.length).putInt(52, 0);
    String msg = refused(resealed(none), none.length);
    assertTrue(msg.contains("section eprop.traces is missing (the engine's takes " + payload
        + " bytes; the image has 0 sections)"), msg);
    // announced, but 4 bytes short
    byte[] shorter = Arrays.copyOf(image, image.length - 4);
    ByteBuffer.wrap(shorter).order(ByteOrder.LITTLE_ENDIAN).putInt(8, shorter.length)
        .putInt(section + 16, payload - 4);
    msg = refused(resealed(shorter), shorter.length);
    assertTrue(msg.contains("section eprop.traces has " + (payload - 4)
        + " bytes, the engine's takes " + payload), msg);
    byte[] negative = image.clone();
    ByteBuffer.wrap(negative).order(ByteOrder.LITTLE_ENDIAN)
        .putInt(section + LearningState.SECTION_HEADER_BYTES + 4, -1);
    msg = refused(resealed(negative), negative.length);
    assertTrue(msg.contains("section eprop.traces: X[1] = -1 outside [0, 2^30]"), msg);
    byte[] tbptt1 = image.clone();
    ByteBuffer.wrap(tbptt1).order(ByteOrder.LITTLE_ENDIAN).putInt(44, LearningState.RULE_TBPTT1);
    msg = refused(resealed(tbptt1), tbptt1.length);
    assertTrue(msg.contains("rule is tbptt1, the engine has eprop"), msg);
    assertEquals(later, Sl1Device.learningState(board), "every refusal left the engine as it was");

    driver.restoreLearningState(image);
    assertArrayEquals(image, Sl1Device.learningState(board).toBytes(), "restored byte for byte");
  }

  /** The version 1 layout of a dense engine's version 2 image: no rule, schedule or sections. */
  static byte[] version1(byte[] v2) {
    ByteBuffer in = ByteBuffer.wrap(v2).order(ByteOrder.LITTLE_ENDIAN);
    assertEquals(LearningState.SCHEDULE_DENSE, in.getInt(48));
    assertEquals(0, in.getInt(52), "no sections");
    int extra = LearningState.HEADER_BYTES - LearningState.HEADER_BYTES_V1;
    byte[] v1 = new byte[v2.length - extra];
    System.arraycopy(v2, 0, v1, 0, LearningState.HEADER_BYTES_V1);
    System.arraycopy(v2, LearningState.HEADER_BYTES, v1, LearningState.HEADER_BYTES_V1,
        v2.length - LearningState.HEADER_BYTES);
    ByteBuffer out = ByteBuffer.wrap(v1).order(ByteOrder.LITTLE_ENDIAN);
    out.putInt(4, 1).putInt(8, v1.length);
    return resealed(v1);
  }
}
