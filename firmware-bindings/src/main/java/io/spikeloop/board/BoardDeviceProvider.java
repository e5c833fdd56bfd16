package io.spikeloop.board;

import io.spikeloop.device.Device;
import io.spikeloop.device.DeviceProvider;

/**
 * Opens {@code board:NAME} devices: {@code board:ref} is the reference firmware on the class
 * path, any other NAME a vendor's {@code libspikeloop_NAME.so} (search path: {@link BoardLibraries}).
 */
public final class BoardDeviceProvider implements DeviceProvider {
  private static final String SCHEME = "board:";

  @Override
  public boolean accepts(String name) {
    return name.startsWith(SCHEME);
  }

  @Override
  public Device open(String name) {
    if (!accepts(name)) {
      throw new IllegalArgumentException("not a board device name: '" + name + "'");
    }
    String board = name.substring(SCHEME.length());
    SpikeloopDriver lib = BoardLibraries.load(board);
    return new NativeBoardDevice(name, BoardDriver.open(lib, name, board));
  }

  /** board:ref (packaged) and every libspikeloop_NAME.so on the search path. */
  @Override
  public java.util.List<String> discover() {
    java.util.List<String> names = new java.util.ArrayList<>(java.util.List.of(SCHEME + "ref"));
    for (String board : BoardLibraries.onSearchPath()) {
      if (!names.contains(SCHEME + board)) {
        names.add(SCHEME + board);
      }
    }
    return names;
  }

  @Override
  public String describe() {
    return "board:NAME (native driver libspikeloop_NAME.so; board:ref = reference firmware; "
        + "search path -D" + BoardLibraries.PATH_PROPERTY + " or $" + BoardLibraries.PATH_ENV + ")";
  }
}
