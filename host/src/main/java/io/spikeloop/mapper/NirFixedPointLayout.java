package io.spikeloop.mapper;

import io.spikeloop.model.SnnParameters;
import java.io.IOException;

/**
 * A target's layout of its mapping inside NIR's {@code /spikeloop/fixed_point} group
 * ({@code docs/nir.md}), found through {@link TargetMapper#nirFixedPointLayout}. The NIR package
 * owns the file and hands the layout a group to write into or read from; the layout names every
 * dataset and subgroup and their order, so a file it wrote reads back to the same integers.
 */
public interface NirFixedPointLayout {
  /** Writes {@code mapping} into the {@code fixed_point} group. */
  void write(StoredMapping mapping, GroupWriter group) throws IOException;

  /**
   * Reads what {@link #write} wrote. A missing or malformed field is the reader's
   * {@link GroupReader#problem}; a value the target refuses is an
   * {@link IllegalArgumentException} naming it.
   */
  StoredMapping read(GroupReader group) throws IOException;

  /**
   * The mapping {@code stored} stands for beside the float parameters read from the same file:
   * every tensor's LSB, exponent, clipped count and errors recomputed against {@code params}.
   *
   * @throws IllegalArgumentException when the stored network is not {@code params}' shape
   */
  TargetMapping restore(StoredMapping stored, SnnParameters params);

  /** One HDF5 group being written; datasets appear in the order of the calls. */
  interface GroupWriter {
    /** A scalar 64-bit signed integer dataset. */
    void int64(String name, long value) throws IOException;

    /** A scalar float64 dataset. */
    void float64(String name, double value) throws IOException;

    /** A 32-bit signed integer dataset of {@code shape} (row-major). */
    void int32(String name, int[] values, long[] shape) throws IOException;

    /** A subgroup, written by {@code body} and closed whatever happens. */
    void group(String name, Body body) throws IOException;
  }

  /** What goes into one group. */
  interface Body {
    void write(GroupWriter group) throws IOException;
  }

  /** One HDF5 group being read; every error names the file and the dataset's path. */
  interface GroupReader {
    /** The group's path in the file, e.g. {@code /spikeloop/fixed_point}. */
    String path();

    /** A scalar that must be a 32-bit integer. */
    int integer(String name) throws IOException;

    /** A scalar. */
    double scalar(String name) throws IOException;

    /** A numeric dataset's values, flattened row-major. */
    double[] values(String name) throws IOException;

    /** A subgroup. */
    GroupReader group(String name) throws IOException;

    /** An error naming the file: {@code problem} should name the path. */
    IOException problem(String problem);
  }
}
