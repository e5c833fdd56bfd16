package io.spikeloop.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointFileTest {
  @TempDir
  Path dir;

  private static Checkpoint sample(long marker) {
    StateMap s = new StateMap()
        .putText("kind", "test ü")
        .putLong("marker", marker)
        .putBytes("bytes", new byte[] {-128, 0, 127})
        .putInts("ints", new int[] {Integer.MIN_VALUE, -1, 0, Integer.MAX_VALUE})
        .putLongs("longs", new long[] {Long.MIN_VALUE, 42})
        .putFloats("floats", new float[] {Float.NaN, -0.0f, Float.MIN_VALUE, 1.5f})
        .putDoubles("doubles", new double[] {Double.longBitsToDouble(0x7ff8000000000123L), -0.0,
            Math.PI})
        .putFloats("empty", new float[0]);
    return new Checkpoint("{\"run\":1}", s);
  }

  @Test
  void everyTypeRoundTripsBitForBit() throws Exception {
    Path f = dir.resolve("c.slc");
    CheckpointFile.write(f, sample(7));
    Checkpoint back = CheckpointFile.read(f);
    assertEquals("{\"run\":1}", back.metadata());
    assertEquals(sample(7).state(), back.state());
    assertEquals(7, back.state().getLong("marker"));
    assertEquals("test ü", back.state().text("kind"));
    double[] d = back.state().doubles("doubles", 3);
    assertEquals(0x7ff8000000000123L, Double.doubleToRawLongBits(d[0]), "NaN payload kept");
    assertEquals(Float.floatToRawIntBits(-0.0f),
        Float.floatToRawIntBits(back.state().floats("floats", 4)[1]));
    assertFalse(Files.exists(CheckpointFile.temporaryFor(f)), "no temporary file left");
  }

  @Test
  void everyTruncationIsRefusedNamingTheFile() throws Exception {
    byte[] image = CheckpointFile.encode(sample(1));
    for (int len = 0; len < image.length; len++) {
      int n = len;
      CheckpointFormatException e = assertThrows(CheckpointFormatException.class,
          () -> CheckpointFile.decode(Path.of("x.slc"), Arrays.copyOf(image, n)));
      assertTrue(e.getMessage().contains("x.slc") && e.getMessage().contains("truncated"),
          e.getMessage());
    }
  }

  @Test
  void everySingleBitFlipIsRefused() throws Exception {
    byte[] image = CheckpointFile.encode(sample(1));
    for (int i = 0; i < image.length; i++) {
      for (int bit = 0; bit < 8; bit += 3) {
        byte[] bad = image.clone();
        bad[i] ^= (byte) (1 << bit);
        assertThrows(CheckpointFormatException.class,
            () -> CheckpointFile.decode(Path.of("x.slc"), bad), "flip at byte " + i);
      }
    }
    byte[] bad = image.clone();
    bad[image.length / 2] ^= 0x10;
    CheckpointFormatException e = assertThrows(CheckpointFormatException.class,
        () -> CheckpointFile.decode(Path.of("x.slc"), bad));
    assertTrue(e.getMessage().contains("corrupted"), e.getMessage());
  }

  @Test
  void otherFilesAndVersionsAreRefusedClearly() throws Exception {
    Path f = dir.resolve("not.slc");
    Files.writeString(f, "this is a text file and certainly no checkpoint at all");
    assertTrue(assertThrows(CheckpointFormatException.class, () -> CheckpointFile.read(f))
        .getMessage().contains("bad magic"));
    byte[] image = CheckpointFile.encode(sample(1));
    image[11] = 9; // version 9
    assertTrue(assertThrows(CheckpointFormatException.class,
        () -> CheckpointFile.decode(f, image)).getMessage().contains("version 9"));
    assertThrows(java.nio.file.NoSuchFileException.class,
        () -> CheckpointFile.read(dir.resolve("missing.slc")));
  }

  @Test
  void aCrashMidWriteLeavesThePreviousCheckpointIntact() throws Exception {
    Path f = dir.resolve("c.slc");
    CheckpointFile.write(f, sample(1));
    // What a crash during the next write leaves behind: part of the new image in the temporary file.
    byte[] next = CheckpointFile.encode(sample(2));
    Path temp = CheckpointFile.temporaryFor(f);
    Files.write(temp, Arrays.copyOf(next, next.length / 2));
    assertEquals(1, CheckpointFile.read(f).state().getLong("marker"), "old checkpoint intact");
    assertThrows(CheckpointFormatException.class, () -> CheckpointFile.read(temp));
    // The next write goes through and clears the leftover.
    CheckpointFile.write(f, sample(3));
    assertEquals(3, CheckpointFile.read(f).state().getLong("marker"));
    assertFalse(Files.exists(temp));
  }

  @Test
  void aFailedWriteLeavesThePreviousCheckpointAndNoTemporaryFile() throws Exception {
    Path f = dir.resolve("c.slc");
    CheckpointFile.write(f, sample(1));
    // The rename target is a non-empty folder: the move fails after the temporary is written.
    Path blocked = dir.resolve("blocked.slc");
    Files.createDirectories(blocked.resolve("inside"));
    assertThrows(java.io.IOException.class, () -> CheckpointFile.write(blocked, sample(2)));
    assertFalse(Files.exists(CheckpointFile.temporaryFor(blocked)));
    assertEquals(1, CheckpointFile.read(f).state().getLong("marker"));
  }

  @Test
  void stateGettersNameWhatDoesNotFit() {
    StateMap s = new StateMap().putFloats("w", new float[3]);
    assertTrue(assertThrows(IllegalArgumentException.class, () -> s.floats("w", 4)).getMessage()
        .contains("holds 3 values, expected 4"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> s.doubles("w", 3)).getMessage()
        .contains("FLOATS"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> s.ints("v")).getMessage()
        .contains("'v'"));
    assertThrows(IllegalArgumentException.class, () -> s.putInts("w", new int[1]));
    float[] live = {1, 2, 3};
    StateMap copy = new StateMap().putFloats("x", live);
    live[0] = 9;
    assertArrayEquals(new float[] {1, 2, 3}, copy.floats("x", 3), "values are copied in");
  }
}
