package io.spikeloop.board;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;
import io.spikeloop.device.DesignRuleViolation;
import io.spikeloop.device.DeviceException;
import io.spikeloop.device.DeviceUnavailableException;

/**
 * One open board handle of a driver library. Every call goes through {@link #check}, which turns
 * a negative return code into the exception the device contract names, carrying the board, the C
 * function and the firmware's last-error text. Not thread-safe: {@link NativeBoardDevice}
 * serialises its calls, as the ABI requires.
 */
final class BoardDriver {
  private final SpikeloopDriver lib;
  private final String device;
  private final Pointer handle;
  private final LongByReference firstStep = new LongByReference(); // reused by every run

  private BoardDriver(SpikeloopDriver lib, String device, Pointer handle) {
    this.lib = lib;
    this.device = device;
    this.handle = handle;
  }

  /** Opens {@code boardName} (the part after {@code board:}) on a loaded, ABI-checked library. */
  static BoardDriver open(SpikeloopDriver lib, String device, String boardName) {
    PointerByReference out = new PointerByReference();
    int rc = lib.spikeloop_open(boardName, out);
    if (rc != SpikeloopDriver.SPIKELOOP_OK) {
      throw error(device, "spikeloop_open", rc, lib.spikeloop_last_error(null));
    }
    return new BoardDriver(lib, device, out.getValue());
  }

  SpikeloopDriver lib() {
    return lib;
  }

  Pointer handle() {
    return handle;
  }

  /** Throws for a failed call of {@code function}; returns quietly on SPIKELOOP_OK. */
  void check(int rc, String function) {
    if (rc != SpikeloopDriver.SPIKELOOP_OK) {
      throw error(device, function, rc, lib.spikeloop_last_error(handle));
    }
  }

  void close() {
    check(lib.spikeloop_close(handle), "spikeloop_close");
  }

  SpikeloopDriver.spikeloop_device_info deviceInfo() {
    var info = new SpikeloopDriver.spikeloop_device_info();
    check(lib.spikeloop_device_info_get(handle, info), "spikeloop_device_info_get");
    return info;
  }

  SpikeloopDriver.spikeloop_telemetry telemetry() {
    var t = new SpikeloopDriver.spikeloop_telemetry();
    check(lib.spikeloop_read_telemetry(handle, t), "spikeloop_read_telemetry");
    return t;
  }

  void configure(int inputs, SpikeloopDriver.spikeloop_layer_config[] layers,
                 SpikeloopDriver.spikeloop_output_config output) {
    check(lib.spikeloop_configure(handle, inputs, layers, layers.length, output),
        "spikeloop_configure");
  }

  void writeWeights(String tensor, int[] values) {
    check(lib.spikeloop_write_weights(handle, tensor, values, values.length),
        "spikeloop_write_weights(" + tensor + ")");
  }

  void readWeights(String tensor, int[] values) {
    check(lib.spikeloop_read_weights(handle, tensor, values, values.length),
        "spikeloop_read_weights(" + tensor + ")");
  }

  void enableLearning(SpikeloopDriver.spikeloop_learning_config config, String[] tensors,
                      int[] learningRates, int[] surrogateTable) {
    check(lib.spikeloop_enable_learning(handle, config, tensors.length, tensors, learningRates,
        surrogateTable, surrogateTable.length), "spikeloop_enable_learning");
  }

  void disableLearning() {
    check(lib.spikeloop_disable_learning(handle), "spikeloop_disable_learning");
  }

  /** One batched spikeloop_run (labels may be null); returns the step counter of the first step. */
  long run(int steps, Pointer axons, Pointer stepOffsets, Pointer labels, int readout,
           Pointer outputs, Pointer sops, Pointer spikeIds, int spikeCapacity, Pointer spikeOffsets,
           Pointer membranes) {
    check(lib.spikeloop_run(handle, steps, axons, stepOffsets, labels, readout, firstStep, outputs,
        sops, spikeIds, spikeCapacity, spikeOffsets, membranes), "spikeloop_run");
    return firstStep.getValue();
  }

  void reset() {
    check(lib.spikeloop_reset(handle), "spikeloop_reset");
  }

  long readState(int[] membranes, byte[] lastSpikes, int[] outputs,
                 SpikeloopDriver.spikeloop_telemetry telemetry) {
    LongByReference step = new LongByReference();
    check(lib.spikeloop_read_state(handle, step, membranes, lastSpikes, outputs, telemetry),
        "spikeloop_read_state");
    return step.getValue();
  }

  void restoreState(long step, int[] membranes, byte[] lastSpikes, int[] outputs,
                    SpikeloopDriver.spikeloop_telemetry telemetry) {
    check(lib.spikeloop_restore_state(handle, step, membranes, lastSpikes, outputs, telemetry),
        "spikeloop_restore_state");
  }

  int learningStateSize() {
    IntByReference bytes = new IntByReference();
    check(lib.spikeloop_learning_state_size(handle, bytes), "spikeloop_learning_state_size");
    return bytes.getValue();
  }

  /** Reads the image into {@code image}; returns the bytes written. */
  int readLearningState(byte[] image) {
    IntByReference bytes = new IntByReference();
    check(lib.spikeloop_read_learning_state(handle, image, image.length, bytes),
        "spikeloop_read_learning_state");
    return bytes.getValue();
  }

  void restoreLearningState(byte[] image) {
    check(lib.spikeloop_restore_learning_state(handle, image, image.length),
        "spikeloop_restore_learning_state");
  }

  /** Makes the board model a chip instance (driver ABI version 4). */
  void setChipInstance(io.spikeloop.target.sl1.ChipInstance chip) {
    var c = new SpikeloopDriver.spikeloop_chip_instance();
    c.instance = chip.instance();
    c.spread_q24 = chip.spreadQ24();
    c.noise_q8 = chip.noiseQ8();
    c.drop_q32 = chip.dropQ32();
    check(lib.spikeloop_set_chip_instance(handle, c), "spikeloop_set_chip_instance");
  }

  // ---- sample store (driver ABI version 6) ----

  SpikeloopDriver.spikeloop_sample_store_info sampleStore() {
    var info = new SpikeloopDriver.spikeloop_sample_store_info();
    check(lib.spikeloop_sample_store_get(handle, info), "spikeloop_sample_store_get");
    return info;
  }

  int putSample(byte[] record) {
    IntByReference slot = new IntByReference();
    check(lib.spikeloop_put_sample(handle, record, record.length, slot), "spikeloop_put_sample");
    return slot.getValue();
  }

  void removeSample(int slot) {
    check(lib.spikeloop_remove_sample(handle, slot), "spikeloop_remove_sample");
  }

  void clearSamples() {
    check(lib.spikeloop_clear_samples(handle), "spikeloop_clear_samples");
  }

  /** Fills {@code entries} ({@code SPIKELOOP_SAMPLE_ENTRY_INTS} per sample); returns the count. */
  int listSamples(int[] entries) {
    IntByReference count = new IntByReference();
    check(lib.spikeloop_list_samples(handle, entries,
        entries.length / SpikeloopDriver.SPIKELOOP_SAMPLE_ENTRY_INTS, count),
        "spikeloop_list_samples");
    return count.getValue();
  }

  /** One spikeloop_replay_sample into the run buffers; returns the first step's counter. */
  long replaySample(int slot, int steps, int readout, Pointer outputs, Pointer sops,
                    Pointer spikeIds, int spikeCapacity, Pointer spikeOffsets, Pointer membranes) {
    check(lib.spikeloop_replay_sample(handle, slot, steps, readout, firstStep, outputs, sops,
        spikeIds, spikeCapacity, spikeOffsets, membranes), "spikeloop_replay_sample");
    return firstStep.getValue();
  }

  static RuntimeException error(String device, String function, int rc, String text) {
    String message = device + ": " + function + " failed with " + codeName(rc) + ": " + text;
    return switch (rc) {
      case SpikeloopDriver.SPIKELOOP_ERR_ARGUMENT -> new IllegalArgumentException(message);
      case SpikeloopDriver.SPIKELOOP_ERR_STATE -> new IllegalStateException(message);
      case SpikeloopDriver.SPIKELOOP_ERR_DESIGN_RULE -> designRule(device, function, text);
      case SpikeloopDriver.SPIKELOOP_ERR_NO_DEVICE, SpikeloopDriver.SPIKELOOP_ERR_BUSY ->
          new DeviceUnavailableException(message);
      default -> new DeviceException(message);
    };
  }

  /** The ABI starts a design-rule text with the rule's name: {@code "DR-FANIN: ..."}. */
  private static DesignRuleViolation designRule(String device, String function, String text) {
    int colon = text.indexOf(": ");
    boolean named = text.startsWith("DR-") && colon > 0;
    String rule = named ? text.substring(0, colon) : "DR-UNNAMED";
    String detail = named ? text.substring(colon + 2) : text;
    return new DesignRuleViolation(rule, detail + " (" + device + ", " + function + ")");
  }

  static String codeName(int rc) {
    return switch (rc) {
      case SpikeloopDriver.SPIKELOOP_ERR_ARGUMENT -> "SPIKELOOP_ERR_ARGUMENT";
      case SpikeloopDriver.SPIKELOOP_ERR_STATE -> "SPIKELOOP_ERR_STATE";
      case SpikeloopDriver.SPIKELOOP_ERR_DESIGN_RULE -> "SPIKELOOP_ERR_DESIGN_RULE";
      case SpikeloopDriver.SPIKELOOP_ERR_NO_DEVICE -> "SPIKELOOP_ERR_NO_DEVICE";
      case SpikeloopDriver.SPIKELOOP_ERR_BUSY -> "SPIKELOOP_ERR_BUSY";
      case SpikeloopDriver.SPIKELOOP_ERR_UNSUPPORTED -> "SPIKELOOP_ERR_UNSUPPORTED";
      case SpikeloopDriver.SPIKELOOP_ERR_HARDWARE -> "SPIKELOOP_ERR_HARDWARE";
      default -> "unknown code " + rc;
    };
  }
}
