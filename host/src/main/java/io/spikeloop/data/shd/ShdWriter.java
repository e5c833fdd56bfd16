package io.spikeloop.data.shd;

import static org.bytedeco.hdf5.global.hdf5.H5Aclose;
import static org.bytedeco.hdf5.global.hdf5.H5Acreate2;
import static org.bytedeco.hdf5.global.hdf5.H5Awrite;
import static org.bytedeco.hdf5.global.hdf5.H5Dclose;
import static org.bytedeco.hdf5.global.hdf5.H5Dcreate2;
import static org.bytedeco.hdf5.global.hdf5.H5Dwrite;
import static org.bytedeco.hdf5.global.hdf5.H5F_ACC_TRUNC;
import static org.bytedeco.hdf5.global.hdf5.H5Fclose;
import static org.bytedeco.hdf5.global.hdf5.H5Fcreate;
import static org.bytedeco.hdf5.global.hdf5.H5Gclose;
import static org.bytedeco.hdf5.global.hdf5.H5Gcreate2;
import static org.bytedeco.hdf5.global.hdf5.H5P_DEFAULT;
import static org.bytedeco.hdf5.global.hdf5.H5S_ALL;
import static org.bytedeco.hdf5.global.hdf5.H5Sclose;
import static org.bytedeco.hdf5.global.hdf5.H5S_SCALAR;
import static org.bytedeco.hdf5.global.hdf5.H5Screate;
import static org.bytedeco.hdf5.global.hdf5.H5Screate_simple;
import static org.bytedeco.hdf5.global.hdf5.H5T_NATIVE_INT32_g;
import static org.bytedeco.hdf5.global.hdf5.H5T_STD_I32LE_g;
import static org.bytedeco.hdf5.global.hdf5.H5T_IEEE_F32LE_g;
import static org.bytedeco.hdf5.global.hdf5.H5T_NATIVE_FLOAT_g;
import static org.bytedeco.hdf5.global.hdf5.H5T_NATIVE_INT16_g;
import static org.bytedeco.hdf5.global.hdf5.H5T_NATIVE_USHORT_g;
import static org.bytedeco.hdf5.global.hdf5.H5T_STD_I16LE_g;
import static org.bytedeco.hdf5.global.hdf5.H5T_STD_U16LE_g;
import static org.bytedeco.hdf5.global.hdf5.H5Tclose;
import static org.bytedeco.hdf5.global.hdf5.H5Tvlen_create;
import static org.bytedeco.hdf5.global.hdf5.H5open;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.hdf5.hvl_t;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.ShortPointer;

/**
 * Writes {@link ShdRecordings} in SHD's HDF5 layout with the HDF5 C library (JavaCPP's
 * Maven-delivered build; jhdf 0.10 cannot write variable-length data):
 * {@code spikes/times} (vlen float32, seconds), {@code spikes/units} (vlen uint16),
 * {@code labels} (uint16), {@code extra/speaker} (uint16, 65535 = unknown) and spikeloop's
 * additions {@code extra/trial} (int16, -1 = unknown) and the root attribute {@code channels}
 * (int32; readers assume SHD's 700 without it). The file is written beside the target and renamed into place,
 * so an existing file is only replaced by a complete one.
 */
public final class ShdWriter {
  private ShdWriter() {
  }

  public static void write(ShdRecordings data, Path file) throws IOException {
    Path absolute = file.toAbsolutePath();
    Path dir = absolute.getParent();
    if (dir != null) {
      Files.createDirectories(dir);
    }
    Path partial = absolute.resolveSibling(absolute.getFileName() + ".partial");
    synchronized (ShdWriter.class) { // one HDF5 library state per process
      writeNative(data, partial);
    }
    Files.move(partial, absolute, StandardCopyOption.REPLACE_EXISTING,
        StandardCopyOption.ATOMIC_MOVE);
  }

  private static void writeNative(ShdRecordings data, Path file) throws IOException {
    check(H5open(), file, "initialise the HDF5 library");
    long fileId = check(H5Fcreate(file.toString(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT),
        file, "create the file");
    try {
      writeChannelsAttribute(fileId, data.channels(), file);
      long spikes = check(H5Gcreate2(fileId, "spikes", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
          file, "create group spikes");
      try {
        writeVlenFloat(spikes, "times", data.times(), file);
        writeVlenShort(spikes, "units", data.units(), file);
      } finally {
        H5Gclose(spikes);
      }
      writeShorts(fileId, "labels", toShorts(data.labels()), H5T_STD_U16LE_g(),
          H5T_NATIVE_USHORT_g(), file);
      long extra = check(H5Gcreate2(fileId, "extra", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
          file, "create group extra");
      try {
        writeShorts(extra, "speaker", toShorts(data.speakers()), H5T_STD_U16LE_g(),
            H5T_NATIVE_USHORT_g(), file);
        writeShorts(extra, "trial", toShorts(data.trials()), H5T_STD_I16LE_g(),
            H5T_NATIVE_INT16_g(), file);
      } finally {
        H5Gclose(extra);
      }
    } finally {
      check(H5Fclose(fileId), file, "close the file");
    }
  }

  private static void writeChannelsAttribute(long fileId, int channels, Path file)
      throws IOException {
    long space = check(H5Screate(H5S_SCALAR), file, "create scalar dataspace");
    try (org.bytedeco.javacpp.IntPointer value = new org.bytedeco.javacpp.IntPointer(1)) {
      value.put(0, channels);
      long attribute = check(H5Acreate2(fileId, ShdReader.CHANNELS_ATTRIBUTE, H5T_STD_I32LE_g(),
          space, H5P_DEFAULT, H5P_DEFAULT), file, "create attribute channels");
      try {
        check(H5Awrite(attribute, H5T_NATIVE_INT32_g(), value), file, "write attribute channels");
      } finally {
        H5Aclose(attribute);
      }
    } finally {
      H5Sclose(space);
    }
  }

  private static void writeVlenFloat(long group, String name, float[][] rows, Path file)
      throws IOException {
    List<Pointer> keepAlive = new ArrayList<>();
    hvl_t buffer = new hvl_t(Math.max(rows.length, 1));
    for (int i = 0; i < rows.length; i++) {
      FloatPointer p = new FloatPointer(rows[i]);
      keepAlive.add(p);
      buffer.position(i).len(rows[i].length).p(p);
    }
    writeVlen(group, name, rows.length, buffer.position(0), H5T_IEEE_F32LE_g(),
        H5T_NATIVE_FLOAT_g(), file);
    keepAlive.forEach(Pointer::close);
    buffer.close();
  }

  private static void writeVlenShort(long group, String name, short[][] rows, Path file)
      throws IOException {
    List<Pointer> keepAlive = new ArrayList<>();
    hvl_t buffer = new hvl_t(Math.max(rows.length, 1));
    for (int i = 0; i < rows.length; i++) {
      ShortPointer p = new ShortPointer(rows[i]);
      keepAlive.add(p);
      buffer.position(i).len(rows[i].length).p(p);
    }
    writeVlen(group, name, rows.length, buffer.position(0), H5T_STD_U16LE_g(),
        H5T_NATIVE_USHORT_g(), file);
    keepAlive.forEach(Pointer::close);
    buffer.close();
  }

  private static void writeVlen(long group, String name, int rows, Pointer buffer, long fileBase,
                                long memoryBase, Path file) throws IOException {
    long fileType = check(H5Tvlen_create(fileBase), file, "create vlen type for " + name);
    long memoryType = check(H5Tvlen_create(memoryBase), file, "create vlen type for " + name);
    long space = check(H5Screate_simple(1, new long[] {rows}, (long[]) null), file,
        "create dataspace for " + name);
    try {
      long dataset = check(H5Dcreate2(group, name, fileType, space, H5P_DEFAULT, H5P_DEFAULT,
          H5P_DEFAULT), file, "create dataset " + name);
      try {
        if (rows > 0) {
          check(H5Dwrite(dataset, memoryType, H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer), file,
              "write dataset " + name);
        }
      } finally {
        H5Dclose(dataset);
      }
    } finally {
      H5Sclose(space);
      H5Tclose(fileType);
      H5Tclose(memoryType);
    }
  }

  private static void writeShorts(long group, String name, short[] values, long fileType,
                                  long memoryType, Path file) throws IOException {
    long space = check(H5Screate_simple(1, new long[] {values.length}, (long[]) null), file,
        "create dataspace for " + name);
    try (ShortPointer p = new ShortPointer(values)) {
      long dataset = check(H5Dcreate2(group, name, fileType, space, H5P_DEFAULT, H5P_DEFAULT,
          H5P_DEFAULT), file, "create dataset " + name);
      try {
        if (values.length > 0) {
          check(H5Dwrite(dataset, memoryType, H5S_ALL, H5S_ALL, H5P_DEFAULT, p), file,
              "write dataset " + name);
        }
      } finally {
        H5Dclose(dataset);
      }
    } finally {
      H5Sclose(space);
    }
  }

  private static short[] toShorts(int[] values) {
    short[] s = new short[values.length];
    for (int i = 0; i < values.length; i++) {
      // labels/speakers as uint16 (speaker -1 -> 65535 = unknown), trial -1 as int16
      s[i] = (short) values[i];
    }
    return s;
  }

  private static long check(long id, Path file, String what) throws IOException {
    if (id < 0) {
      throw new IOException(file + ": HDF5 library failed to " + what);
    }
    return id;
  }
}
