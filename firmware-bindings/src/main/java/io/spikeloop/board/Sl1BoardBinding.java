package io.spikeloop.board;

import io.spikeloop.device.Device;
import io.spikeloop.device.DeviceUnavailableException;
import io.spikeloop.target.sl1.ChipInstance;
import io.spikeloop.target.sl1.Sl1Target;
import java.util.ArrayList;
import java.util.List;

/**
 * SL-1 boards: driver ABI {@value SpikeloopDriver#SPIKELOOP_DRIVER_ABI_VERSION}
 * ({@code spikeloop_driver.h}, {@code docs/driver-abi.md}) behind {@link NativeBoardDevice}.
 * A version {@value SpikeloopDriver#SPIKELOOP_DRIVER_ABI_OLDEST} library (before chip instances)
 * opens as a perfect chip. Options: a chip instance, {@code board:NAME,mismatch=S,instance=K,
 * noise=N,drop=P} ({@code docs/core-spec.md} section 10), which needs version 4; and, for the
 * reference firmware only, {@code board:ref,learning=dense|lazy|catchup}, the schedule of its
 * learning engine ({@link RefLearningSchedule}, the simulator's {@code sim:learning=...}).
 */
public final class Sl1BoardBinding implements BoardBinding {
  @Override
  public String targetId() {
    return Sl1Target.ID;
  }

  @Override
  public Device open(String deviceName, BoardLibrary library) {
    return open(deviceName, library, List.of());
  }

  @Override
  public Device open(String deviceName, BoardLibrary library, List<String> options) {
    String schedule = null;
    List<String> chipOptions = new ArrayList<>();
    for (String part : options) {
      if (part.trim().startsWith(LEARNING_OPTION + "=")) {
        schedule = part.substring(part.indexOf('=') + 1).trim();
        if (!library.board().equals("ref")) {
          throw new IllegalArgumentException("device '" + deviceName + "': option '" + part
              + "' is an extension of the reference firmware (board:ref); board:"
              + library.board() + " does not have it");
        }
      } else {
        chipOptions.add(part);
      }
    }
    Device device = open(deviceName, library, chipInstance(deviceName, chipOptions));
    if (schedule != null) {
      try {
        RefLearningSchedule.select(device, schedule);
      } catch (RuntimeException e) {
        device.close();
        throw new IllegalArgumentException("device '" + deviceName + "': " + e.getMessage(), e);
      }
    }
    return device;
  }

  /** The reference firmware's learning-schedule option ({@code learning=dense|lazy|catchup}). */
  static final String LEARNING_OPTION = "learning";

  private static Device open(String deviceName, BoardLibrary library, ChipInstance chip) {
    SpikeloopDriver driver = library.bind(SpikeloopDriver.class);
    int version;
    try {
      version = driver.spikeloop_driver_abi_version();
    } catch (UnsatisfiedLinkError e) {
      throw new DeviceUnavailableException(deviceName + ": " + library.file()
          + " is not a spikeloop driver (it has no spikeloop_driver_abi_version)", e);
    }
    if (version < SpikeloopDriver.SPIKELOOP_DRIVER_ABI_OLDEST
        || version > SpikeloopDriver.SPIKELOOP_DRIVER_ABI_VERSION) {
      throw new DeviceUnavailableException(deviceName + ": " + library.file()
          + " implements driver ABI version " + version + ", this build of spikeloop needs version "
          + SpikeloopDriver.SPIKELOOP_DRIVER_ABI_VERSION + " (or "
          + SpikeloopDriver.SPIKELOOP_DRIVER_ABI_OLDEST + " without chip instances, 4 without "
          + "learning rules, 5 without the sample store)");
    }
    if (!chip.perfect() && version < 4) {
      throw new DeviceUnavailableException(deviceName + ": " + library.file()
          + " implements driver ABI version " + version + "; chip instances (options "
          + ChipInstance.OPTIONS + ") need version 4 (spikeloop_set_chip_instance)");
    }
    return new NativeBoardDevice(deviceName, BoardDriver.open(driver, deviceName,
        library.board()), chip);
  }

  /** The chip instance the options name; anything else is refused naming it. */
  static ChipInstance chipInstance(String deviceName, List<String> options) {
    ChipInstance chip = ChipInstance.PERFECT;
    for (String part : options) {
      int eq = part.indexOf('=');
      String key = eq < 0 ? part.trim() : part.substring(0, eq).trim();
      if (eq < 0 || !ChipInstance.OPTIONS.contains(key)) {
        throw new IllegalArgumentException("device '" + deviceName + "': option '" + part
            + "' is not one of an SL-1 board's " + ChipInstance.OPTIONS
            + " (board:NAME[,mismatch=S][,instance=K][,noise=N][,drop=P]; board:ref also takes "
            + LEARNING_OPTION + "=dense|lazy|catchup)");
      }
      try {
        chip = chip.with(key, part.substring(eq + 1).trim());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("device '" + deviceName + "', option '" + part + "': "
            + e.getMessage(), e);
      }
    }
    return chip;
  }
}
