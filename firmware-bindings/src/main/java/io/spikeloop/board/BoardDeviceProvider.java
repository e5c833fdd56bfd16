package io.spikeloop.board;

import io.spikeloop.device.Device;
import io.spikeloop.device.DeviceProvider;
import io.spikeloop.device.DeviceUnavailableException;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * Opens {@code board:NAME} devices: {@code board:ref} is the reference firmware on the class
 * path, any other NAME a vendor's {@code libspikeloop_NAME.so} (search path: {@link BoardLibraries}),
 * driven by the {@link BoardBinding} of the target the library declares.
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
    // board:NAME[,OPTION,...]: the library is NAME's; the options go to the target's binding
    String[] parts = name.substring(SCHEME.length()).split(",", -1);
    BoardLibrary library = BoardLibraries.load(parts[0]);
    return binding(name, library).open(name, library,
        java.util.Arrays.asList(parts).subList(1, parts.length));
  }

  /** The binding of the library's target, or an error naming the bindings there are. */
  private static BoardBinding binding(String name, BoardLibrary library) {
    List<String> known = new ArrayList<>();
    for (BoardBinding b : ServiceLoader.load(BoardBinding.class)) {
      if (b.targetId().equals(library.target())) {
        return b;
      }
      known.add(b.targetId());
    }
    throw new DeviceUnavailableException(name + ": " + library.file() + " implements target '"
        + library.target() + "', for which no board binding is on the class path (bindings: "
        + known + ")");
  }

  /** board:ref (packaged) and every libspikeloop_NAME.so on the search path. */
  @Override
  public java.util.List<String> discover() {
    java.util.List<String> names = new java.util.ArrayList<>(java.util.List.of(SCHEME + "ref"));
    // board:reckon ships inside the jar only where the build found verilator (docs/reckon-board.md)
    String reckon = com.sun.jna.Platform.RESOURCE_PREFIX + "/"
        + System.mapLibraryName("spikeloop_reckon");
    if (BoardDeviceProvider.class.getClassLoader().getResource(reckon) != null) {
      names.add(SCHEME + "reckon");
    }
    for (String board : BoardLibraries.onSearchPath()) {
      if (!names.contains(SCHEME + board)) {
        names.add(SCHEME + board);
      }
    }
    return names;
  }

  @Override
  public String describe() {
    return "board:NAME[,mismatch=S,instance=K,noise=N,drop=P] (native driver libspikeloop_NAME.so; board:ref = reference firmware; "
        + "search path -D" + BoardLibraries.PATH_PROPERTY + " or $" + BoardLibraries.PATH_ENV + ")";
  }
}
