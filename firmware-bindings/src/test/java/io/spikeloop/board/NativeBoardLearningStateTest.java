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
 * The firmware's learning-state image (driver ABI 3): read, restored, and every damaged image
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
}
