package io.spikeloop.checkpoint;

import io.spikeloop.target.TargetState;
import io.spikeloop.wire.WireMapping;
import io.spikeloop.wire.v1.TargetPayload;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Named arrays, in insertion order: what a trainer, an optimizer, the data order or a device
 * saves into a checkpoint and reads back. Values are copied in and out (a saved state never
 * aliases live arrays). Getters check the name, the type and the expected length and name what
 * is wrong, so a checkpoint of another network is refused instead of half-restored.
 */
public final class StateMap {
  /** The element types a state can hold; the tag is the byte written to the file. */
  public enum Type {
    BYTES(1), INTS(2), LONGS(3), FLOATS(4), DOUBLES(5), TEXT(6);

    final int tag;

    Type(int tag) {
      this.tag = tag;
    }

    static Type ofTag(int tag) {
      for (Type t : values()) {
        if (t.tag == tag) {
          return t;
        }
      }
      return null;
    }
  }

  private final Map<String, Object> entries = new LinkedHashMap<>();

  public StateMap putBytes(String name, byte[] v) {
    return add(name, v.clone());
  }

  /** A target's typed bytes (target, kind, format version, bytes) as a TargetPayload message. */
  public StateMap putTargetState(String name, TargetState v) {
    return add(name, WireMapping.toProto(v).toByteArray());
  }

  public StateMap putInts(String name, int[] v) {
    return add(name, v.clone());
  }

  public StateMap putLongs(String name, long[] v) {
    return add(name, v.clone());
  }

  public StateMap putFloats(String name, float[] v) {
    return add(name, v.clone());
  }

  public StateMap putDoubles(String name, double[] v) {
    return add(name, v.clone());
  }

  public StateMap putLong(String name, long v) {
    return add(name, new long[] {v});
  }

  public StateMap putDouble(String name, double v) {
    return add(name, new double[] {v});
  }

  public StateMap putText(String name, String v) {
    if (v == null) {
      throw new IllegalArgumentException("state entry " + name + ": no text");
    }
    return add(name, v);
  }

  /** Copies every entry of {@code other} in (names must not collide). */
  public StateMap putAll(StateMap other) {
    other.entries.forEach(this::add);
    return this;
  }

  /** A map holding only the entry {@code name} (to compare or copy one entry of a state). */
  public StateMap only(String name) {
    Object value = entries.get(name);
    if (value == null) {
      throw new IllegalArgumentException("no state entry " + name);
    }
    return new StateMap().add(name, value);
  }

  private StateMap add(String name, Object value) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("a state entry needs a name");
    }
    if (entries.putIfAbsent(name, value) != null) {
      throw new IllegalArgumentException("state entry " + name + " written twice");
    }
    return this;
  }

  public boolean has(String name) {
    return entries.containsKey(name);
  }

  /** Names in insertion order. */
  public Iterable<String> names() {
    return Collections.unmodifiableSet(entries.keySet());
  }

  public int size() {
    return entries.size();
  }

  public Type type(String name) {
    Object v = require(name);
    return typeOf(v);
  }

  static Type typeOf(Object v) {
    if (v instanceof byte[]) {
      return Type.BYTES;
    } else if (v instanceof int[]) {
      return Type.INTS;
    } else if (v instanceof long[]) {
      return Type.LONGS;
    } else if (v instanceof float[]) {
      return Type.FLOATS;
    } else if (v instanceof double[]) {
      return Type.DOUBLES;
    }
    return Type.TEXT;
  }

  /** The raw value (an array or a String), for the file writer. */
  Object raw(String name) {
    return require(name);
  }

  public byte[] bytes(String name, int length) {
    return ((byte[]) typed(name, Type.BYTES, length)).clone();
  }

  public int[] ints(String name, int length) {
    return ((int[]) typed(name, Type.INTS, length)).clone();
  }

  public long[] longs(String name, int length) {
    return ((long[]) typed(name, Type.LONGS, length)).clone();
  }

  public float[] floats(String name, int length) {
    return ((float[]) typed(name, Type.FLOATS, length)).clone();
  }

  public double[] doubles(String name, int length) {
    return ((double[]) typed(name, Type.DOUBLES, length)).clone();
  }

  /** An array of any length ({@code -1} skips the length check in the typed getters). */
  public int[] ints(String name) {
    return ints(name, -1);
  }

  public double[] doubles(String name) {
    return doubles(name, -1);
  }

  public byte[] bytes(String name) {
    return bytes(name, -1);
  }

  /** What {@link #putTargetState} stored; bytes that are no target payload are refused by name. */
  public TargetState targetState(String name) {
    try {
      return WireMapping.fromProto(TargetPayload.parseFrom(bytes(name)));
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new IllegalArgumentException(name + " is not a target payload: " + e.getMessage(), e);
    }
  }

  public long getLong(String name) {
    return longs(name, 1)[0];
  }

  public double getDouble(String name) {
    return doubles(name, 1)[0];
  }

  public String text(String name) {
    return (String) typed(name, Type.TEXT, -1);
  }

  /** Copies {@code name} into {@code dst}, which fixes the expected length. */
  public void floatsInto(String name, float[] dst) {
    System.arraycopy(typed(name, Type.FLOATS, dst.length), 0, dst, 0, dst.length);
  }

  public void doublesInto(String name, double[] dst) {
    System.arraycopy(typed(name, Type.DOUBLES, dst.length), 0, dst, 0, dst.length);
  }

  private Object require(String name) {
    Object v = entries.get(name);
    if (v == null) {
      throw new IllegalArgumentException("the checkpoint has no state entry '" + name + "'");
    }
    return v;
  }

  private Object typed(String name, Type type, int length) {
    Object v = require(name);
    Type actual = typeOf(v);
    if (actual != type) {
      throw new IllegalArgumentException("state entry '" + name + "' holds " + actual
          + ", expected " + type);
    }
    if (length >= 0 && type != Type.TEXT && java.lang.reflect.Array.getLength(v) != length) {
      throw new IllegalArgumentException("state entry '" + name + "' holds "
          + java.lang.reflect.Array.getLength(v) + " values, expected " + length
          + " (a checkpoint of another network?)");
    }
    return v;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof StateMap s) || !s.entries.keySet().equals(entries.keySet())) {
      return false;
    }
    for (var e : entries.entrySet()) {
      if (!Arrays.deepEquals(new Object[] {e.getValue()}, new Object[] {s.entries.get(e.getKey())})) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    return entries.keySet().hashCode();
  }

  @Override
  public String toString() {
    return "StateMap" + entries.keySet();
  }
}
