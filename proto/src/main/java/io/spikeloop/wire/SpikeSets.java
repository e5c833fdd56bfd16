package io.spikeloop.wire;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import io.spikeloop.wire.v1.Bitmap;
import io.spikeloop.wire.v1.DeltaIds;
import io.spikeloop.wire.v1.SpikeSet;

/**
 * The {@code SpikeSet} encoding: ascending non-negative ids either delta-coded as packed varints
 * (first id, then differences, each >= 1) or as a bitmap of {@code last id + 1} bits (bit i in
 * byte i/8, LSB first), whichever takes fewer bytes on the wire. Sparse steps (a few percent of
 * the ids) come out near one byte per spike; dense steps near one bit per id.
 */
public final class SpikeSets {
  private static final int[] NONE = new int[0];
  private static final SpikeSet EMPTY =
      SpikeSet.newBuilder().setDeltas(DeltaIds.getDefaultInstance()).build();

  private SpikeSets() {}

  /** Encodes the strictly ascending ids {@code ids[0..n)} (not checked here; the caller's records are). */
  public static SpikeSet encode(int[] ids, int n) {
    if (n == 0) {
      return EMPTY;
    }
    int count = ids[n - 1] + 1;
    long deltaBytes = CodedOutputStream.computeUInt32SizeNoTag(ids[0]);
    for (int i = 1; i < n; i++) {
      deltaBytes += CodedOutputStream.computeUInt32SizeNoTag(ids[i] - ids[i - 1]);
    }
    long bitmapBytes = 2 + CodedOutputStream.computeUInt32SizeNoTag(count) + (count + 7L) / 8;
    if (bitmapBytes < deltaBytes) {
      byte[] bits = new byte[(count + 7) / 8];
      for (int i = 0; i < n; i++) {
        bits[ids[i] >>> 3] |= (byte) (1 << (ids[i] & 7));
      }
      return SpikeSet.newBuilder()
          .setBitmap(Bitmap.newBuilder().setCount(count).setBits(ByteString.copyFrom(bits)))
          .build();
    }
    DeltaIds.Builder d = DeltaIds.newBuilder().addDelta(ids[0]);
    for (int i = 1; i < n; i++) {
      d.addDelta(ids[i] - ids[i - 1]);
    }
    return SpikeSet.newBuilder().setDeltas(d).build();
  }

  public static SpikeSet encode(int[] ids) {
    return encode(ids, ids.length);
  }

  /** Encodes 0/1 flags per id (a {@code DeviceState}'s last spikes): the ids whose flag is non-zero. */
  public static SpikeSet encodeFlags(byte[] flags) {
    int[] ids = new int[flags.length];
    int n = 0;
    for (int i = 0; i < flags.length; i++) {
      if (flags[i] != 0) {
        ids[n++] = i;
      }
    }
    return encode(ids, n);
  }

  /**
   * Decodes ascending ids, each below {@code limit}.
   *
   * @param what names the field in error messages
   * @throws IllegalArgumentException for ids not strictly ascending or not below {@code limit}
   */
  public static int[] decode(SpikeSet set, int limit, String what) {
    switch (set.getEncodingCase()) {
      case DELTAS -> {
        DeltaIds d = set.getDeltas();
        int n = d.getDeltaCount();
        int[] ids = new int[n];
        long id = -1;
        for (int i = 0; i < n; i++) {
          long delta = Integer.toUnsignedLong(d.getDelta(i));
          if (i > 0 && delta == 0) {
            throw new IllegalArgumentException(what + ": ids must be strictly ascending, id "
                + id + " repeats at position " + i);
          }
          id = i == 0 ? delta : id + delta;
          if (id >= limit) {
            throw new IllegalArgumentException(what + ": id " + id + " at position " + i
                + " is not below the limit " + limit);
          }
          ids[i] = (int) id;
        }
        return ids;
      }
      case BITMAP -> {
        Bitmap b = set.getBitmap();
        long count = Integer.toUnsignedLong(b.getCount());
        ByteString bits = b.getBits();
        if (count > limit) {
          throw new IllegalArgumentException(what + ": bitmap of " + count
              + " ids exceeds the limit " + limit);
        }
        if (bits.size() != (count + 7) / 8) {
          throw new IllegalArgumentException(what + ": bitmap of " + count + " ids needs "
              + (count + 7) / 8 + " bytes, got " + bits.size());
        }
        int n = 0;
        for (int i = 0; i < bits.size(); i++) {
          n += Integer.bitCount(bits.byteAt(i) & 0xff);
        }
        int[] ids = new int[n];
        int k = 0;
        for (int i = 0; i < bits.size(); i++) {
          int byteBits = bits.byteAt(i) & 0xff;
          while (byteBits != 0) {
            int id = i * 8 + Integer.numberOfTrailingZeros(byteBits);
            if (id >= count) {
              throw new IllegalArgumentException(what + ": bitmap bit " + id
                  + " set beyond its count " + count);
            }
            ids[k++] = id;
            byteBits &= byteBits - 1;
          }
        }
        return ids;
      }
      default -> {
        return NONE;
      }
    }
  }

  /** Decodes into 0/1 flags for {@code n} ids. */
  public static byte[] decodeFlags(SpikeSet set, int n, String what) {
    byte[] flags = new byte[n];
    for (int id : decode(set, n, what)) {
      flags[id] = 1;
    }
    return flags;
  }
}
