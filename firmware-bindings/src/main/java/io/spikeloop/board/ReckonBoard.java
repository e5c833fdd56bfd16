package io.spikeloop.board;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import io.spikeloop.device.DeviceUnavailableException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One ReckOn chip of {@code board:reckon} (the verilated RTL in {@code libspikeloop_reckon.so},
 * driven through its pins): {@link ReckonDriver} with every return code checked. A failing call
 * throws {@link ReckonBoardException} with the code and the library's words; nothing on the chip
 * is lost by a refused call. Not thread-safe: one caller per board.
 */
public final class ReckonBoard implements AutoCloseable {
  /** The Debian package that builds the library (see docs/reckon-board.md). */
  public static final String VERILATOR_PACKAGE = "verilator";

  private static volatile ReckonDriver loaded;
  private static volatile String loadFailure;

  private final ReckonDriver lib;
  private Pointer board;
  private final IntByReference outCount = new IntByReference();
  /**
   * The last weights read back per tensor (SPI code 3..5), until any other call that could
   * change an SRAM: between two ticks nothing but an SPI write or a reset changes the weights
   * (the core waits in PROP), and every one of those goes through this class. So a repeated
   * readback (the weights, then the learning-state image that holds them) moves no pins.
   */
  private final WeightRead[] lastWeightRead = new WeightRead[6];

  private record WeightRead(int preFirst, int preCount, int postCount, byte[] weights) {}

  private ReckonBoard(ReckonDriver lib, Pointer board) {
    this.lib = lib;
    this.board = board;
  }

  /** A fresh, reset chip. Throws {@link DeviceUnavailableException} when the library is missing. */
  public static ReckonBoard open() {
    ReckonDriver lib = library();
    Pointer p = lib.reckon_open();
    if (p == null) {
      throw new OutOfMemoryError("board:reckon: reckon_open could not allocate a chip");
    }
    return new ReckonBoard(lib, p);
  }

  /**
   * A fresh, reset chip on a library {@code board:NAME} already loaded and found to be of target
   * {@code reckon} ({@link ReckonBoardBinding}); its ABI version is checked here.
   */
  static ReckonBoard open(String deviceName, BoardLibrary library) {
    ReckonDriver lib = library.bind(ReckonDriver.class);
    int version;
    try {
      version = lib.spikeloop_reckon_abi_version();
    } catch (UnsatisfiedLinkError e) {
      throw new DeviceUnavailableException(deviceName + ": " + library.file()
          + " declares target 'reckon' but has no spikeloop_reckon_abi_version", e);
    }
    if (version != ReckonDriver.SPIKELOOP_RECKON_ABI_VERSION) {
      throw new DeviceUnavailableException(deviceName + ": " + library.file() + " is reckon ABI "
          + version + ", this build needs ABI " + ReckonDriver.SPIKELOOP_RECKON_ABI_VERSION);
    }
    Pointer p = lib.reckon_open();
    if (p == null) {
      throw new OutOfMemoryError(deviceName + ": reckon_open could not allocate a chip");
    }
    return new ReckonBoard(lib, p);
  }

  /** Why the library cannot be loaded, or null when it can (for tests that skip without it). */
  public static String unavailableReason() {
    try {
      library();
      return null;
    } catch (DeviceUnavailableException e) {
      return e.getMessage();
    }
  }

  private static synchronized ReckonDriver library() {
    if (loaded != null) {
      return loaded;
    }
    if (loadFailure != null) {
      throw new DeviceUnavailableException(loadFailure);
    }
    String fileName = System.mapLibraryName("spikeloop_reckon");
    List<String> searched = new ArrayList<>();
    String found = null;
    for (String dir : BoardLibraries.searchPath()) {
      Path candidate = Path.of(dir, fileName);
      searched.add(candidate.toString());
      if (found == null && Files.isRegularFile(candidate)) {
        found = candidate.toAbsolutePath().toString();
      }
    }
    try {
      ReckonDriver lib = Native.load(found != null ? found : "spikeloop_reckon", ReckonDriver.class);
      NativeLibrary nl = ((Library.Handler) Proxy.getInvocationHandler(lib)).getNativeLibrary();
      String target = lib.spikeloop_target();
      int version = lib.spikeloop_reckon_abi_version();
      if (!"reckon".equals(target) || version != ReckonDriver.SPIKELOOP_RECKON_ABI_VERSION) {
        loadFailure = "board:reckon: " + nl.getName() + " is target '" + target + "' ABI " + version
            + ", this build needs target 'reckon' ABI " + ReckonDriver.SPIKELOOP_RECKON_ABI_VERSION;
        throw new DeviceUnavailableException(loadFailure);
      }
      loaded = lib;
      return lib;
    } catch (UnsatisfiedLinkError e) {
      loadFailure = "board:reckon: no " + fileName + (found != null ? " loadable at " + found
          : " in " + searched + " or on the class path; it is built from the ReckOn RTL with the '"
              + VERILATOR_PACKAGE + "' package (apt-get install -y " + VERILATOR_PACKAGE + ")")
          + ": " + e.getMessage();
      throw new DeviceUnavailableException(loadFailure, e);
    }
  }

  private int check(int rc, String what) {
    if (rc != ReckonDriver.RECKON_OK) {
      throw new ReckonBoardException(rc, "board:reckon: " + what + ": " + lib.reckon_error_name(rc)
          + ": " + lib.reckon_last_error_detail(live()));
    }
    return rc;
  }

  private Pointer live() {
    if (board == null) {
      throw new IllegalStateException("board:reckon: the board is closed");
    }
    return board;
  }

  /** RST: registers to their reset values; SRAMs keep their contents. */
  public void reset() {
    sramMayChange();
    check(lib.reckon_reset(live()), "reset");
  }

  /** Writes configuration register {@code address} (0..104) with {@code value}. */
  public void writeRegister(int address, int value) {
    sramMayChange();
    check(lib.reckon_write_register(live(), address, value), "register " + address);
  }

  /** The host shadow of a write-only register: the last value written, or its reset value. */
  public int registerShadow(int address) {
    IntByReference v = new IntByReference();
    check(lib.reckon_read_register_shadow(live(), address, v), "register shadow " + address);
    return v.getValue();
  }

  /** Writes rows {@code preFirst..} of a tensor (3 input, 4 recurrent, 5 output), [pre][post]. */
  public void writeWeights(int tensor, int preFirst, int preCount, int postCount, byte[] weights) {
    sramMayChange();
    requireLength(weights, (long) preCount * postCount, "weights");
    check(lib.reckon_write_weights(live(), tensor, preFirst, preCount, postCount, weights),
        "write weights of tensor " + tensor);
  }

  /** Reads rows {@code preFirst..} of a tensor back over SPI, [pre][post]. */
  public byte[] readWeights(int tensor, int preFirst, int preCount, int postCount) {
    WeightRead last = tensor >= 0 && tensor < lastWeightRead.length ? lastWeightRead[tensor]
        : null;
    if (last != null && last.preFirst() == preFirst && last.preCount() == preCount
        && last.postCount() == postCount) {
      return last.weights().clone();
    }
    byte[] w = new byte[Math.max(0, preCount * postCount)];
    check(lib.reckon_read_weights(live(), tensor, preFirst, preCount, postCount, w),
        "read weights of tensor " + tensor);
    lastWeightRead[tensor] = new WeightRead(preFirst, preCount, postCount, w.clone());
    return w;
  }

  /** Forgets the weights read back: a call that may change an SRAM is about to run. */
  private void sramMayChange() {
    java.util.Arrays.fill(lastWeightRead, null);
  }

  /** Writes raw 32-bit chunks of the neuron SRAM (chunk = word * 4 + lane). */
  public void writeNeuronChunks(int first, int[] chunks) {
    sramMayChange();
    check(lib.reckon_write_neuron_chunks(live(), first, chunks.length, chunks), "write neurons");
  }

  /** Reads raw 32-bit chunks of the neuron SRAM. */
  public int[] readNeuronChunks(int first, int count) {
    int[] c = new int[Math.max(0, count)];
    check(lib.reckon_read_neuron_chunks(live(), first, count, c), "read neurons");
    return c;
  }

  /** Writes output membranes 0..length-1. */
  public void writeOutputMembranes(short[] membranes) {
    sramMayChange();
    check(lib.reckon_write_output_membranes(live(), membranes.length, membranes), "write outputs");
  }

  /** Reads output membranes 0..count-1. */
  public short[] readOutputMembranes(int count) {
    short[] o = new short[Math.max(0, count)];
    check(lib.reckon_read_output_membranes(live(), count, o), "read outputs");
    return o;
  }

  /** SAMPLE high. */
  public void beginSample() {
    sramMayChange();
    check(lib.reckon_begin_sample(live()), "begin sample");
  }

  /**
   * One tick: label (-1 none), TARGET_VALID / INFER_ACC / PARK / NO_WAIT as {@code flags}, the
   * events, TIME_TICK, wait for ready. Returns the output-bus bytes of this step into {@code out}
   * and their count.
   */
  public int step(byte[] events, int eventCount, int label, int flags, byte[] out) {
    sramMayChange();
    check(lib.reckon_step(live(), events, eventCount, label, flags, out, out.length, outCount),
        "step");
    return outCount.getValue();
  }

  /** Leaves CONFIG after a parked step and finishes it; returns the bus byte count. */
  public int resume(byte[] out) {
    sramMayChange();
    check(lib.reckon_resume(live(), out, out.length, outCount), "resume");
    return outCount.getValue();
  }

  /** SAMPLE low, the last tick, the output bus; returns the bus byte count. */
  public int endSample(byte[] out) {
    sramMayChange();
    check(lib.reckon_end_sample(live(), out, out.length, outCount), "end sample");
    return outCount.getValue();
  }

  /** True when TIMING_ERROR is latched (read through the pin). */
  public boolean timingError() {
    sramMayChange();
    IntByReference latched = new IntByReference();
    check(lib.reckon_timing_error(live(), latched), "timing error");
    return latched.getValue() != 0;
  }

  /** Clock cycles simulated since open. */
  public long cycles() {
    return lib.reckon_cycles(live());
  }

  @Override
  public void close() {
    sramMayChange();
    if (board != null) {
      lib.reckon_close(board);
      board = null;
    }
  }

  private static void requireLength(byte[] a, long n, String what) {
    if (a == null || a.length != n) {
      throw new IllegalArgumentException("board:reckon: " + what + " must hold " + n
          + " values, got " + (a == null ? "null" : a.length + " " + Arrays.toString(
              Arrays.copyOf(a, Math.min(a.length, 4))) + "..."));
    }
  }
}
