package io.spikeloop.board;

import com.sun.jna.Function;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import io.spikeloop.device.DeviceUnavailableException;
import io.spikeloop.target.sl1.Sl1Target;
import java.io.File;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Finds and loads the driver library of {@code board:NAME}, {@code libspikeloop_NAME.so}: first
 * in the folders of the system property {@value #PATH_PROPERTY}, then of the environment variable
 * {@value #PATH_ENV} (both lists separated by {@link File#pathSeparator}), then wherever JNA
 * looks by default ({@code jna.library.path}, the system library path, and the class path under
 * JNA's platform folder, {@code Platform.RESOURCE_PREFIX}, e.g. {@code linux-x86-64/}, which is
 * where the build puts the reference firmware {@code board:ref} for the machine it runs on), and
 * reads the target it declares ({@code spikeloop_target()}); the target's {@link BoardBinding}
 * checks the library's own ABI version.
 */
final class BoardLibraries {
  static final String PATH_PROPERTY = "spikeloop.board.path";
  static final String PATH_ENV = "SPIKELOOP_BOARD_PATH";
  private static final Pattern BOARD_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");
  private static final Map<String, BoardLibrary> LOADED = new ConcurrentHashMap<>();
  static final String TARGET_SYMBOL = "spikeloop_target";

  private BoardLibraries() {}

  /** The library's JNA name for a board: {@code spikeloop_NAME}. */
  static String libraryName(String board) {
    if (!BOARD_NAME.matcher(board).matches()) {
      throw new IllegalArgumentException("board name '" + board
          + "' must be 1-64 letters, digits, '_' or '-', starting with a letter or digit");
    }
    return "spikeloop_" + board;
  }

  /**
   * The library of {@code board} and its target, loaded once per process: a second copy of a
   * library extracted from a jar would have its own firmware state.
   */
  static BoardLibrary load(String board) {
    return LOADED.computeIfAbsent(board, BoardLibraries::loadLibrary);
  }

  /** The one symbol every board library of every target exports (besides its own ABI). */
  interface TargetProbe extends Library {}

  /** Finds and loads a library and reads its target, naming where it looked on failure. */
  private static BoardLibrary loadLibrary(String board) {
    String device = "board:" + board;
    String jnaName = libraryName(board);
    String fileName = System.mapLibraryName(jnaName);
    List<String> searched = new ArrayList<>();
    String found = null;
    for (String dir : searchPath()) {
      Path candidate = Path.of(dir, fileName);
      searched.add(candidate.toString());
      if (found == null && Files.isRegularFile(candidate)) {
        found = candidate.toAbsolutePath().toString();
      }
    }
    String loadName = found != null ? found : jnaName;
    Map<String, Object> options = Map.of(Library.OPTION_CLASSLOADER,
        BoardLibraries.class.getClassLoader());
    TargetProbe probe;
    try {
      probe = Native.load(loadName, TargetProbe.class, options);
    } catch (UnsatisfiedLinkError e) {
      throw new DeviceUnavailableException(device + ": no driver library " + fileName
          + (found != null ? " could be loaded from " + found
              : " in " + PATH_PROPERTY + "/" + PATH_ENV + " " + searched
                  + " or JNA's default locations (jna.library.path, system library path, class path "
                  + "under " + Platform.RESOURCE_PREFIX + "/)")
          + ": " + firstLine(e.getMessage()), e);
    }
    NativeLibrary library = ((Library.Handler) Proxy.getInvocationHandler(probe)).getNativeLibrary();
    String file = library.getFile() == null ? library.getName() : library.getFile().getPath();
    return new BoardLibrary(board, file, target(library), loadName, options);
  }

  /**
   * The library's {@code spikeloop_target()}; a library without it is an SL-1 driver from before
   * targets existed (its SL-1 ABI version is checked by the SL-1 binding).
   */
  private static String target(NativeLibrary library) {
    Function f;
    try {
      f = library.getFunction(TARGET_SYMBOL);
    } catch (UnsatisfiedLinkError absent) {
      return Sl1Target.ID;
    }
    String id = f.invokeString(new Object[0], false);
    if (id == null || !BOARD_NAME.matcher(id).matches()) {
      throw new DeviceUnavailableException(library.getName() + ": " + TARGET_SYMBOL
          + "() returned '" + id + "', not a target id");
    }
    return id;
  }

  /** The folders of {@value #PATH_PROPERTY}, then those of {@value #PATH_ENV}. */
  static List<String> searchPath() {
    List<String> dirs = new ArrayList<>();
    for (String list : new String[] {System.getProperty(PATH_PROPERTY), System.getenv(PATH_ENV)}) {
      if (list == null) {
        continue;
      }
      for (String dir : list.split(Pattern.quote(File.pathSeparator))) {
        if (!dir.isBlank()) {
          dirs.add(dir);
        }
      }
    }
    return dirs;
  }

  /**
   * The board names of the driver libraries in the folders of {@link #searchPath()} and of
   * {@code jna.library.path} ({@code libspikeloop_NAME.so} -> NAME), sorted.
   */
  static List<String> onSearchPath() {
    List<String> dirs = new ArrayList<>(searchPath());
    String jna = System.getProperty("jna.library.path");
    if (jna != null) {
      dirs.addAll(List.of(jna.split(Pattern.quote(File.pathSeparator))));
    }
    String prefix = System.mapLibraryName("spikeloop_X");
    String before = prefix.substring(0, prefix.indexOf("spikeloop_X") + "spikeloop_".length());
    String after = prefix.substring(prefix.indexOf("spikeloop_X") + "spikeloop_X".length());
    java.util.TreeSet<String> boards = new java.util.TreeSet<>();
    for (String dir : dirs) {
      File[] files = new File(dir).listFiles();
      for (File f : files == null ? new File[0] : files) {
        String n = f.getName();
        boolean driver = n.startsWith(before) && n.endsWith(after)
            && n.length() > before.length() + after.length();
        if (driver) {
          String board = n.substring(before.length(), n.length() - after.length());
          if (BOARD_NAME.matcher(board).matches()) {
            boards.add(board);
          }
        }
      }
    }
    return List.copyOf(boards);
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
