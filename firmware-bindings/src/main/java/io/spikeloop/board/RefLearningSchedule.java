package io.spikeloop.board;

import com.sun.jna.Library;
import com.sun.jna.Pointer;
import io.spikeloop.device.Device;

/**
 * The reference firmware's learning-schedule extension ({@code spikeloop_ref_learning.h}, not part
 * of the vendor driver ABI): makes {@code board:ref}'s on-chip learning engine run the
 * event-driven lazy or catch-up schedule of {@code docs/core-spec.md} 9.7, bit for bit the
 * simulator's {@code sim:learning=lazy|catchup}, or the normative dense one (the default).
 */
public final class RefLearningSchedule {
  /** The extension symbol of libspikeloop_ref. */
  interface RefLearning extends Library {
    int spikeloop_ref_set_learning_schedule(Pointer board, int schedule);
  }

  private RefLearningSchedule() {}

  /**
   * Chooses the schedule the next {@code enableLearning} of {@code device} uses: {@code dense},
   * {@code lazy} or {@code catchup} (the names of {@code io.spikeloop.sim.learning.AdamSchedule}).
   *
   * @throws IllegalArgumentException when the device is not an open {@code board:ref}
   * @throws io.spikeloop.device.DeviceException (from the firmware) while learning is enabled
   */
  public static void select(Device device, String schedule) {
    if (!(device instanceof NativeBoardDevice board) || !(board.deviceName().equals("board:ref")
        || board.deviceName().startsWith("board:ref,"))) {
      throw new IllegalArgumentException("the learning schedule is an extension of the reference "
          + "firmware (board:ref); " + (device == null ? "no device" : device.info().name())
          + " does not have it");
    }
    int code = switch (schedule == null ? "" : schedule) { // SLQ_DENSE, _LAZY, _CATCH_UP
      case "dense" -> 0;
      case "lazy" -> 1;
      case "catchup" -> 2;
      default -> throw new IllegalArgumentException("unknown learning schedule '" + schedule
          + "': expected dense, lazy or catchup");
    };
    RefLearning ext = BoardLibraries.load("ref").bind(RefLearning.class);
    BoardDriver driver = board.driver();
    driver.check(ext.spikeloop_ref_set_learning_schedule(driver.handle(), code),
        "spikeloop_ref_set_learning_schedule");
  }
}
