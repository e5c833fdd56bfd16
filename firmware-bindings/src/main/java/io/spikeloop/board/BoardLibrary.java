package io.spikeloop.board;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.util.Map;

/**
 * A loaded board library and the target it declares. A binding maps its target's ABI onto the
 * library with {@link #bind}, which reuses the loaded library (a library extracted from a jar and
 * loaded twice would keep two copies of the firmware's state).
 *
 * @param board    NAME of {@code board:NAME}
 * @param file     where it was loaded from (for messages)
 * @param target   the target id from {@code spikeloop_target()}, {@code sl1} for a library
 *                 without it
 * @param loadName what JNA was given to load it (a path, or the JNA name)
 * @param options  the JNA options it was loaded with
 */
public record BoardLibrary(String board, String file, String target, String loadName,
                           Map<String, ?> options) {
  /** The library seen through a target's JNA interface. */
  public <T extends Library> T bind(Class<T> abi) {
    return Native.load(loadName, abi, options);
  }
}
