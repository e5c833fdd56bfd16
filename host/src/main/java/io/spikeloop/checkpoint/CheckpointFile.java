package io.spikeloop.checkpoint;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * The checkpoint file format, version 2 (all integers big-endian):
 * <pre>
 *   magic      8 bytes  "SLCKPT\r\n"
 *   version    int32    2
 *   length     int64    bytes of the body
 *   body       metadata (int32 length + UTF-8), entry count (int32), then per entry:
 *              name (int32 length + UTF-8), type tag (int8, {@link StateMap.Type}),
 *              element count (int32), elements (int8/int32/int64/float32/float64 bit patterns,
 *              or UTF-8 bytes for text)
 *   crc32c     int32    CRC-32C of everything before it
 * </pre>
 * {@link #write} never leaves a half-written checkpoint under the target name: the bytes go to a
 * temporary file in the same folder, are forced to disk, and the file is renamed over the target
 * atomically (the folder is forced too); until the rename the previous checkpoint is intact.
 * {@link #read} checks the magic, version, length and checksum before it parses anything.
 * Version 2 (targets, {@code docs/targets.md}) keeps device states and learning-state images as
 * target payloads; a version 1 file is refused with "format version 1; this build reads version 2".
 */
public final class CheckpointFile {
  public static final int VERSION = 2;
  private static final byte[] MAGIC = "SLCKPT\r\n".getBytes(StandardCharsets.US_ASCII);
  /** Magic, version and body length. */
  private static final int HEADER_BYTES = MAGIC.length + 4 + 8;
  private static final String TEMP_SUFFIX = ".partial";

  private CheckpointFile() {}

  /** Writes {@code c} to {@code file} atomically (see the class comment). */
  public static void write(Path file, Checkpoint c) throws IOException {
    replaceAtomically(file, encode(c));
  }

  /** The whole file image of {@code c}. */
  public static byte[] encode(Checkpoint c) {
    try {
      ByteArrayOutputStream bodyBytes = new ByteArrayOutputStream();
      DataOutputStream body = new DataOutputStream(bodyBytes);
      writeText(body, c.metadata());
      body.writeInt(c.state().size());
      for (String name : c.state().names()) {
        Object v = c.state().raw(name);
        StateMap.Type type = StateMap.typeOf(v);
        writeText(body, name);
        body.writeByte(type.tag);
        switch (type) {
          case BYTES -> {
            body.writeInt(((byte[]) v).length);
            body.write((byte[]) v);
          }
          case INTS -> {
            body.writeInt(((int[]) v).length);
            for (int x : (int[]) v) {
              body.writeInt(x);
            }
          }
          case LONGS -> {
            body.writeInt(((long[]) v).length);
            for (long x : (long[]) v) {
              body.writeLong(x);
            }
          }
          case FLOATS -> {
            body.writeInt(((float[]) v).length);
            for (float x : (float[]) v) {
              body.writeInt(Float.floatToRawIntBits(x));
            }
          }
          case DOUBLES -> {
            body.writeInt(((double[]) v).length);
            for (double x : (double[]) v) {
              body.writeLong(Double.doubleToRawLongBits(x));
            }
          }
          case TEXT -> writeText(body, (String) v);
        }
      }
      body.flush();
      byte[] b = bodyBytes.toByteArray();
      ByteBuffer out = ByteBuffer.allocate(HEADER_BYTES + b.length + 4);
      out.put(MAGIC).putInt(VERSION).putLong(b.length).put(b);
      CRC32C crc = new CRC32C();
      crc.update(out.array(), 0, out.position());
      out.putInt((int) crc.getValue());
      return out.array();
    } catch (IOException e) {
      throw new IllegalStateException("in-memory stream failed", e);
    }
  }

  /**
   * Writes {@code bytes} to a temporary file beside {@code file}, forces it to disk and renames it
   * over {@code file} atomically, then forces the folder so the rename itself is durable.
   */
  public static void replaceAtomically(Path file, byte[] bytes) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path temp = dir.resolve(file.getFileName() + TEMP_SUFFIX);
    try {
      try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE,
          StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
      try {
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException("cannot replace " + file + " atomically on this file system", e);
      }
    } catch (IOException e) {
      Files.deleteIfExists(temp);
      throw e;
    }
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException folderNotSyncable) {
      // Some file systems cannot open a folder for reading; the rename is atomic all the same.
    }
  }

  /** The temporary file {@link #write} uses for {@code file} (left behind only by a crash). */
  public static Path temporaryFor(Path file) {
    return file.resolveSibling(file.getFileName() + TEMP_SUFFIX);
  }

  /** Reads and verifies a checkpoint; any damage is a {@link CheckpointFormatException}. */
  public static Checkpoint read(Path file) throws IOException {
    byte[] all;
    try {
      all = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new NoSuchFileException(file.toString(), null, "no checkpoint file");
    }
    return decode(file, all);
  }

  static Checkpoint decode(Path file, byte[] all) throws CheckpointFormatException {
    if (all.length < HEADER_BYTES + 4) {
      throw new CheckpointFormatException(file, "truncated: " + all.length
          + " bytes, shorter than the " + (HEADER_BYTES + 4) + "-byte header and checksum");
    }
    ByteBuffer in = ByteBuffer.wrap(all);
    byte[] magic = new byte[MAGIC.length];
    in.get(magic);
    if (!java.util.Arrays.equals(magic, MAGIC)) {
      throw new CheckpointFormatException(file, "not a spikeloop checkpoint (bad magic bytes)");
    }
    int version = in.getInt();
    if (version != VERSION) {
      throw new CheckpointFormatException(file, "format version " + version
          + "; this build reads version " + VERSION);
    }
    long length = in.getLong();
    long expected = HEADER_BYTES + length + 4;
    if (length < 0 || expected != all.length) {
      throw new CheckpointFormatException(file, (all.length < expected ? "truncated" : "trailing bytes")
          + ": the header announces " + expected + " bytes, the file has " + all.length);
    }
    CRC32C crc = new CRC32C();
    crc.update(all, 0, all.length - 4);
    int stored = ByteBuffer.wrap(all, all.length - 4, 4).getInt();
    if (stored != (int) crc.getValue()) {
      throw new CheckpointFormatException(file, String.format("corrupted: CRC-32C %08x, stored %08x",
          (int) crc.getValue(), stored));
    }
    ByteBuffer body = ByteBuffer.wrap(all, HEADER_BYTES, (int) length).slice();
    try {
      String metadata = readText(body);
      int n = body.getInt();
      StateMap state = new StateMap();
      for (int i = 0; i < n; i++) {
        String name = readText(body);
        int tag = body.get();
        StateMap.Type type = StateMap.Type.ofTag(tag);
        if (type == null) {
          throw new CheckpointFormatException(file, "entry " + name + " has unknown type tag " + tag);
        }
        switch (type) {
          case BYTES -> {
            byte[] v = new byte[count(body, 1)];
            body.get(v);
            state.putBytes(name, v);
          }
          case INTS -> {
            int[] v = new int[count(body, 4)];
            body.asIntBuffer().get(v);
            body.position(body.position() + 4 * v.length);
            state.putInts(name, v);
          }
          case LONGS -> {
            long[] v = new long[count(body, 8)];
            body.asLongBuffer().get(v);
            body.position(body.position() + 8 * v.length);
            state.putLongs(name, v);
          }
          case FLOATS -> {
            float[] v = new float[count(body, 4)];
            body.asFloatBuffer().get(v);
            body.position(body.position() + 4 * v.length);
            state.putFloats(name, v);
          }
          case DOUBLES -> {
            double[] v = new double[count(body, 8)];
            body.asDoubleBuffer().get(v);
            body.position(body.position() + 8 * v.length);
            state.putDoubles(name, v);
          }
          case TEXT -> state.putText(name, readText(body));
        }
      }
      if (body.hasRemaining()) {
        throw new CheckpointFormatException(file, body.remaining() + " unparsed bytes after "
            + n + " entries");
      }
      return new Checkpoint(metadata, state);
    } catch (java.nio.BufferUnderflowException | IllegalArgumentException e) {
      // Only reachable when a writer produced an inconsistent body with a valid checksum.
      throw new CheckpointFormatException(file, "inconsistent body: " + e.getMessage());
    }
  }

  private static int count(ByteBuffer body, int elementBytes) {
    int n = body.getInt();
    if (n < 0 || (long) n * elementBytes > body.remaining()) {
      throw new IllegalArgumentException("element count " + n + " exceeds the bytes left");
    }
    return n;
  }

  private static void writeText(DataOutputStream out, String s) throws IOException {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(b.length);
    out.write(b);
  }

  private static String readText(ByteBuffer in) {
    int n = count(in, 1);
    byte[] b = new byte[n];
    in.get(b);
    return new String(b, StandardCharsets.UTF_8);
  }
}
