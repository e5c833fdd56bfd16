package io.spikeloop.target;

import java.util.Arrays;

/**
 * Typed, versioned bytes owned by a target: a network description, a dynamic-state snapshot, a
 * learning configuration or a learning-state image. Everything outside the target (wire,
 * checkpoints, C ABI, {@code diff}) carries it opaquely; only the target's codec reads the bytes,
 * and it refuses another target, kind or format version with an error naming both.
 *
 * @param targetId      the target that wrote it, e.g. {@code sl1}
 * @param kind          what it is, one of the {@code KIND_*} names or a target's own
 * @param formatVersion the target's format version of this kind, >= 1
 * @param bytes         the payload, copied in and out
 */
public record TargetState(String targetId, String kind, int formatVersion, byte[] bytes) {
  public static final String KIND_NETWORK = "network";
  public static final String KIND_DEVICE_STATE = "device-state";
  public static final String KIND_LEARNING_CONFIG = "learning-config";
  public static final String KIND_LEARNING_STATE = "learning-state";

  public TargetState {
    if (targetId == null || targetId.isBlank()) {
      throw new IllegalArgumentException("a target payload needs a target id");
    }
    if (kind == null || kind.isBlank()) {
      throw new IllegalArgumentException("a target payload of " + targetId + " needs a kind");
    }
    if (formatVersion < 1) {
      throw new IllegalArgumentException(targetId + " " + kind + ": format version must be >= 1, got "
          + formatVersion);
    }
    if (bytes == null) {
      throw new IllegalArgumentException(targetId + " " + kind + ": no bytes");
    }
    bytes = bytes.clone();
  }

  @Override
  public byte[] bytes() {
    return bytes.clone();
  }

  /**
   * Checks that this payload is {@code kind} of {@code targetId} in {@code version}; a codec calls
   * this before reading the bytes.
   *
   * @throws IllegalArgumentException naming what was expected and what came
   */
  public void require(String targetId, String kind, int version) {
    if (!this.targetId.equals(targetId) || !this.kind.equals(kind)) {
      throw new IllegalArgumentException("expected a " + targetId + " " + kind + ", got a "
          + this.targetId + " " + this.kind);
    }
    if (formatVersion != version) {
      throw new IllegalArgumentException(targetId + " " + kind + " format v" + formatVersion
          + " is not readable by this build (it reads format v" + version + ")");
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TargetState s && s.targetId.equals(targetId) && s.kind.equals(kind)
        && s.formatVersion == formatVersion && Arrays.equals(s.bytes, bytes);
  }

  @Override
  public int hashCode() {
    return (targetId.hashCode() * 31 + kind.hashCode()) * 31 + Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return "TargetState[" + targetId + " " + kind + " v" + formatVersion + ", " + bytes.length
        + " bytes]";
  }
}
