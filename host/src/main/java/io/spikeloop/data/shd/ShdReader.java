package io.spikeloop.data.shd;

import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.Node;
import io.jhdf.exceptions.HdfException;
import java.io.IOException;
import java.lang.reflect.Array;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads SHD/SSC HDF5 files with jhdf: {@code spikes/times} and {@code spikes/units}
 * (variable-length, one row per sample), {@code labels}, optional {@code extra/speaker} and
 * {@code extra/trial}. Every problem names the file and the dataset, row or value at fault.
 */
public final class ShdReader {
  /** SHD's channel count; files with higher units are rejected unless a larger count is given. */
  public static final int SHD_CHANNELS = 700;
  /** Root attribute with the channel count (spikeloop's files; SHD's own have none). */
  public static final String CHANNELS_ATTRIBUTE = "channels";
  /** uint16 speaker value spikeloop writes for an unknown speaker. */
  static final int UNKNOWN_SPEAKER_U16 = 0xffff;

  private ShdReader() {
  }

  /**
   * Reads with the file's {@code channels} attribute (SHD's 700 when absent) and as many classes
   * as the labels need.
   */
  public static ShdRecordings read(Path file) throws IOException {
    return read(file, 0, 0);
  }

  /**
   * @param channels number of input channels (units must lie below it), or 0 for the file's
   *                 {@code channels} attribute (700 without one)
   * @param classes  number of classes, or 0 to take {@code max(label) + 1}
   */
  public static ShdRecordings read(Path file, int channels, int classes) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new ShdFormatException(file, "no such file");
    }
    if (!isHdf5(file)) {
      throw new ShdFormatException(file, "not an HDF5 file (no HDF5 signature)");
    }
    checkNotTruncated(file);
    try (HdfFile hdf = new HdfFile(file)) {
      if (channels <= 0) {
        channels = channelsAttribute(hdf, file);
      }
      Object[] timeRows = rows(file, dataset(hdf, file, "spikes/times"), "spikes/times");
      Object[] unitRows = rows(file, dataset(hdf, file, "spikes/units"), "spikes/units");
      int n = timeRows.length;
      if (unitRows.length != n) {
        throw new ShdFormatException(file, "spikes/times has " + n + " rows but spikes/units has "
            + unitRows.length);
      }
      int[] labels = ints(file, dataset(hdf, file, "labels"), "labels", n);
      int[] speakers = optionalInts(hdf, file, "extra/speaker", n);
      int[] trials = optionalInts(hdf, file, "extra/trial", n);
      for (int i = 0; i < n; i++) {
        if (speakers[i] == UNKNOWN_SPEAKER_U16) {
          speakers[i] = -1;
        }
      }
      float[][] times = new float[n][];
      short[][] units = new short[n][];
      int maxLabel = -1;
      for (int i = 0; i < n; i++) {
        times[i] = floatRow(file, timeRows[i], "spikes/times", i);
        units[i] = unitRow(file, unitRows[i], i, channels);
        if (labels[i] < 0) {
          throw new ShdFormatException(file, "labels[" + i + "] = " + labels[i] + " is negative");
        }
        maxLabel = Math.max(maxLabel, labels[i]);
      }
      int k = classes > 0 ? classes : maxLabel + 1;
      for (int i = 0; i < n; i++) {
        if (labels[i] >= k) {
          throw new ShdFormatException(file, "labels[" + i + "] = " + labels[i]
              + " is out of range for " + k + " classes");
        }
      }
      try {
        return new ShdRecordings(file.toString(), channels, Math.max(k, 1), times, units, labels,
            speakers, trials);
      } catch (IllegalArgumentException e) {
        throw new ShdFormatException(file, e.getMessage(), e);
      }
    } catch (HdfException | IllegalArgumentException | IllegalStateException
             | ClassCastException | IndexOutOfBoundsException e) {
      throw new ShdFormatException(file, "unreadable HDF5 (" + e.getMessage()
          + "); truncated or damaged?", e);
    }
  }

  private static int channelsAttribute(HdfFile hdf, Path file) throws ShdFormatException {
    io.jhdf.api.Attribute a = hdf.getAttribute(CHANNELS_ATTRIBUTE);
    if (a == null) {
      return SHD_CHANNELS;
    }
    Object v = a.getData();
    if (v.getClass().isArray()) {
      v = Array.get(v, 0);
    }
    int channels = ((Number) v).intValue();
    if (channels < 1 || channels > Short.MAX_VALUE + 1) {
      throw new ShdFormatException(file, "attribute channels = " + channels + " outside 1..32768");
    }
    return channels;
  }

  /**
   * A cut HDF5 file opens, but its datasets then read as missing: compare the file's length with
   * the end-of-file address its superblock records (HDF5 spec, "Superblock": versions 0 and 1
   * keep it after the base and free-space addresses from byte 24 or 28, versions 2 and 3 after
   * the base and extension addresses from byte 12; all are unsigned little-endian integers of
   * the "size of offsets" bytes).
   */
  static void checkNotTruncated(Path file) throws IOException {
    byte[] head;
    try (var in = Files.newInputStream(file)) {
      head = in.readNBytes(64);
    }
    if (head.length < 14) {
      throw new ShdFormatException(file, "truncated HDF5 file (" + head.length + " bytes)");
    }
    int version = head[8] & 0xff;
    int offsetSize = (version <= 1 ? head[13] : head[9]) & 0xff;
    int base = version == 0 ? 24 : version == 1 ? 28 : 12;
    if (version > 3 || (offsetSize != 4 && offsetSize != 8)) {
      return; // a superblock this check does not know: let the HDF5 reader judge it
    }
    int eofAt = base + 2 * offsetSize;
    if (head.length < eofAt + offsetSize) {
      throw new ShdFormatException(file, "truncated HDF5 file (" + head.length + " bytes, the "
          + "superblock alone needs " + (eofAt + offsetSize) + ")");
    }
    long baseAddress = littleEndian(head, base, offsetSize);
    long end = baseAddress + littleEndian(head, eofAt, offsetSize);
    long size = Files.size(file);
    if (end > size) {
      throw new ShdFormatException(file, "truncated HDF5 file: " + size + " bytes, its "
          + "superblock says " + end + " (copy or download it again)");
    }
  }

  private static long littleEndian(byte[] bytes, int from, int length) {
    long v = 0;
    for (int i = length - 1; i >= 0; i--) {
      v = (v << 8) | (bytes[from + i] & 0xff);
    }
    return v;
  }

  static boolean isHdf5(Path file) throws IOException {
    byte[] signature = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
    try (var in = Files.newInputStream(file)) {
      byte[] head = in.readNBytes(8);
      return java.util.Arrays.equals(head, signature);
    }
  }

  private static Dataset dataset(HdfFile hdf, Path file, String path) throws ShdFormatException {
    Node node;
    try {
      node = hdf.getByPath(path);
    } catch (HdfException e) {
      throw new ShdFormatException(file, "missing dataset '" + path
          + "' (an SHD file has spikes/times, spikes/units and labels)");
    }
    if (!(node instanceof Dataset d)) {
      throw new ShdFormatException(file, "'" + path + "' is not a dataset");
    }
    return d;
  }

  private static Object[] rows(Path file, Dataset d, String path) throws ShdFormatException {
    if (!d.isVariableLength() || d.getDimensions().length != 1) {
      throw new ShdFormatException(file, "'" + path + "' must be a 1-D variable-length dataset, "
          + "found " + d.getJavaType().getSimpleName() + " of shape "
          + java.util.Arrays.toString(d.getDimensions()));
    }
    Object data = d.getData();
    if (!(data instanceof Object[] rows)) {
      throw new ShdFormatException(file, "'" + path + "' did not read as rows");
    }
    return rows;
  }

  private static int[] optionalInts(HdfFile hdf, Path file, String path, int n)
      throws ShdFormatException {
    Node node;
    try {
      node = hdf.getByPath(path);
    } catch (HdfException e) {
      int[] unknown = new int[n];
      java.util.Arrays.fill(unknown, -1);
      return unknown;
    }
    if (!(node instanceof Dataset d)) {
      throw new ShdFormatException(file, "'" + path + "' is not a dataset");
    }
    return ints(file, d, path, n);
  }

  private static int[] ints(Path file, Dataset d, String path, int n) throws ShdFormatException {
    if (d.isVariableLength() || d.getDimensions().length != 1) {
      throw new ShdFormatException(file, "'" + path + "' must be a 1-D numeric dataset");
    }
    Object data = d.getData();
    int length = Array.getLength(data);
    if (length != n) {
      throw new ShdFormatException(file, "'" + path + "' has " + length + " entries for " + n
          + " samples");
    }
    int[] out = new int[n];
    for (int i = 0; i < n; i++) {
      double v = ((Number) Array.get(data, i)).doubleValue();
      if (v != Math.rint(v)) {
        throw new ShdFormatException(file, path + "[" + i + "] = " + v + " is not an integer");
      }
      out[i] = (int) v;
    }
    return out;
  }

  private static float[] floatRow(Path file, Object row, String path, int i)
      throws ShdFormatException {
    if (row instanceof float[] f) {
      for (int j = 0; j < f.length; j++) {
        if (!(f[j] >= 0) || !Float.isFinite(f[j])) {
          throw new ShdFormatException(file, path + "[" + i + "][" + j + "] = " + f[j]
              + " is not a time >= 0 s");
        }
      }
      return f;
    }
    int n = Array.getLength(row);
    float[] out = new float[n];
    for (int j = 0; j < n; j++) {
      out[j] = ((Number) Array.get(row, j)).floatValue();
      if (!(out[j] >= 0) || !Float.isFinite(out[j])) {
        throw new ShdFormatException(file, path + "[" + i + "][" + j + "] = " + out[j]
            + " is not a time >= 0 s");
      }
    }
    return out;
  }

  private static short[] unitRow(Path file, Object row, int i, int channels)
      throws ShdFormatException {
    int n = Array.getLength(row);
    short[] out = new short[n];
    for (int j = 0; j < n; j++) {
      long u = ((Number) Array.get(row, j)).longValue();
      if (row instanceof short[]) {
        u &= 0xffff; // jhdf may hand uint16 over as short
      }
      if (u < 0 || u >= channels) {
        throw new ShdFormatException(file, "spikes/units[" + i + "][" + j + "] = " + u
            + " is outside 0.." + (channels - 1));
      }
      out[j] = (short) u;
    }
    return out;
  }
}
