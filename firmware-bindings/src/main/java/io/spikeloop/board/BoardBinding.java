package io.spikeloop.board;

import io.spikeloop.device.Device;

/**
 * How one target's board libraries are driven: the target's own C ABI behind the generic
 * {@link Device} contract. {@code board:NAME} loads {@code libspikeloop_NAME.so}, reads the
 * target it declares ({@code spikeloop_target()}) and opens it through the binding registered
 * for that target ({@code META-INF/services/io.spikeloop.board.BoardBinding}). See
 * {@code docs/targets.md}.
 */
public interface BoardBinding {
  /** The target whose libraries this binding drives, e.g. {@code sl1}. */
  String targetId();

  /**
   * Checks the library's own ABI version and opens a board on it.
   *
   * @throws io.spikeloop.device.DeviceUnavailableException when the library speaks another
   *     version of the target's ABI or the board is not there
   */
  Device open(String deviceName, BoardLibrary library);

  /**
   * Opens a board with options, the comma-separated {@code key=value} parts after the board's
   * name ({@code board:NAME,OPTION,...}). A binding without options refuses any, naming them.
   */
  default Device open(String deviceName, BoardLibrary library, java.util.List<String> options) {
    if (!options.isEmpty()) {
      throw new IllegalArgumentException("device '" + deviceName + "': boards of target "
          + targetId() + " take no options, got " + options);
    }
    return open(deviceName, library);
  }
}
