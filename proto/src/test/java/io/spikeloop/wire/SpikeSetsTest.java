package io.spikeloop.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.spikeloop.wire.v1.Bitmap;
import io.spikeloop.wire.v1.DeltaIds;
import io.spikeloop.wire.v1.SpikeSet;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SpikeSetsTest {

  @Test
  void randomSetsOfEveryDensityRoundTrip() {
    Random rnd = new Random(7);
    for (int trial = 0; trial < 2000; trial++) {
      int universe = 1 + rnd.nextInt(trial % 10 == 0 ? 100_000 : 2000);
      double density = rnd.nextDouble();
      int[] ids = IntStream.range(0, universe).filter(i -> rnd.nextDouble() < density).toArray();
      SpikeSet s = SpikeSets.encode(ids);
      assertArrayEquals(ids, SpikeSets.decode(s, universe, "ids"), "trial " + trial);
    }
  }

  @Test
  void sparseSetsAreDeltaCodedAndDenseOnesBitmaps() {
    int[] sparse = IntStream.range(0, 700).filter(i -> i % 33 == 0).toArray();   // ~3%
    int[] dense = IntStream.range(0, 700).filter(i -> i % 3 != 0).toArray();     // ~67%
    SpikeSet s = SpikeSets.encode(sparse);
    SpikeSet d = SpikeSets.encode(dense);
    assertEquals(SpikeSet.EncodingCase.DELTAS, s.getEncodingCase());
    assertEquals(SpikeSet.EncodingCase.BITMAP, d.getEncodingCase());
    // Sparse: about one byte per spike; dense: about one bit per id.
    assertTrue(s.getSerializedSize() <= sparse.length + 4, "sparse " + s.getSerializedSize());
    assertTrue(d.getSerializedSize() <= 700 / 8 + 8, "dense " + d.getSerializedSize());
  }

  @Test
  void theSmallerEncodingIsChosen() {
    Random rnd = new Random(3);
    for (int trial = 0; trial < 500; trial++) {
      int universe = 1 + rnd.nextInt(3000);
      double density = rnd.nextDouble();
      int[] ids = IntStream.range(0, universe).filter(i -> rnd.nextDouble() < density).toArray();
      if (ids.length == 0) {
        continue;
      }
      SpikeSet chosen = SpikeSets.encode(ids);
      DeltaIds.Builder d = DeltaIds.newBuilder().addDelta(ids[0]);
      for (int i = 1; i < ids.length; i++) {
        d.addDelta(ids[i] - ids[i - 1]);
      }
      int deltaSize = SpikeSet.newBuilder().setDeltas(d).build().getSerializedSize();
      byte[] bits = new byte[(ids[ids.length - 1] + 8) / 8];
      for (int id : ids) {
        bits[id / 8] |= (byte) (1 << (id % 8));
      }
      int bitmapSize = SpikeSet.newBuilder().setBitmap(Bitmap.newBuilder()
          .setCount(ids[ids.length - 1] + 1).setBits(ByteString.copyFrom(bits))).build()
          .getSerializedSize();
      // The estimate ignores the length prefix of the packed field: allow one byte of slack.
      assertTrue(chosen.getSerializedSize() <= Math.min(deltaSize, bitmapSize) + 1,
          "trial " + trial + ": chose " + chosen.getSerializedSize() + " of " + deltaSize + "/"
              + bitmapSize);
    }
  }

  @Test
  void flagsRoundTrip() {
    byte[] flags = {0, 1, 1, 0, 0, 0, 0, 0, 0, 1, 0};
    assertArrayEquals(flags, SpikeSets.decodeFlags(SpikeSets.encodeFlags(flags), flags.length, "z"));
    assertArrayEquals(new byte[5], SpikeSets.decodeFlags(SpikeSets.encodeFlags(new byte[5]), 5, "z"));
  }

  @Test
  void badEncodingsAreRefusedNamingTheProblem() {
    SpikeSet repeat = SpikeSet.newBuilder().setDeltas(DeltaIds.newBuilder().addDelta(3).addDelta(0))
        .build();
    var e = assertThrows(IllegalArgumentException.class, () -> SpikeSets.decode(repeat, 10, "axons"));
    assertTrue(e.getMessage().contains("axons") && e.getMessage().contains("ascending"), e.getMessage());

    SpikeSet beyond = SpikeSet.newBuilder().setDeltas(DeltaIds.newBuilder().addDelta(4).addDelta(7))
        .build();
    e = assertThrows(IllegalArgumentException.class, () -> SpikeSets.decode(beyond, 10, "axons"));
    assertTrue(e.getMessage().contains("11"), e.getMessage());

    SpikeSet overflow = SpikeSet.newBuilder().setDeltas(DeltaIds.newBuilder().addDelta(-1)
        .addDelta(-1)).build();
    assertThrows(IllegalArgumentException.class,
        () -> SpikeSets.decode(overflow, Integer.MAX_VALUE, "axons"));

    SpikeSet shortBits = SpikeSet.newBuilder().setBitmap(Bitmap.newBuilder().setCount(20)
        .setBits(ByteString.copyFrom(new byte[2]))).build();
    e = assertThrows(IllegalArgumentException.class, () -> SpikeSets.decode(shortBits, 100, "z"));
    assertTrue(e.getMessage().contains("needs 3 bytes"), e.getMessage());

    SpikeSet bitBeyondCount = SpikeSet.newBuilder().setBitmap(Bitmap.newBuilder().setCount(3)
        .setBits(ByteString.copyFrom(new byte[] {(byte) 0x10}))).build();
    assertThrows(IllegalArgumentException.class, () -> SpikeSets.decode(bitBeyondCount, 100, "z"));

    SpikeSet tooMany = SpikeSet.newBuilder().setBitmap(Bitmap.newBuilder().setCount(200)
        .setBits(ByteString.copyFrom(new byte[25]))).build();
    assertThrows(IllegalArgumentException.class, () -> SpikeSets.decode(tooMany, 100, "z"));
  }

  @Test
  void anUnsetEncodingIsTheEmptySet() {
    assertEquals(0, SpikeSets.decode(SpikeSet.getDefaultInstance(), 10, "x").length);
  }
}
