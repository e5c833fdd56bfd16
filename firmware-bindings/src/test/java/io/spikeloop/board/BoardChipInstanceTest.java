package io.spikeloop.board;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spikeloop.device.Device;
import io.spikeloop.device.Devices;
import io.spikeloop.device.ReadoutLevel;
import io.spikeloop.device.SpikeFrame;
import io.spikeloop.device.StepResult;
import io.spikeloop.device.WeightTensor;
import io.spikeloop.target.sl1.LayerConfig;
import io.spikeloop.target.sl1.NetworkConfig;
import io.spikeloop.target.sl1.OutputConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The firmware's chip-instance path on its own (also under {@code -Psanitize}): an instance is
 * reproducible, differs from the perfect chip and from another instance, and bad instance fields
 * are refused by the C code naming them. Bit-identity with the simulator: hil-tests
 * {@code BoardChipInstanceLockstepTest}.
 */
class BoardChipInstanceTest {
  private static final NetworkConfig NET = new NetworkConfig(64, List.of(
      new LayerConfig(40, true, 8, 3, 20, 1500, 3850, 64)), new OutputConfig(6, 8, 1, 24, 3950));

  private static List<int[]> outputs(String device) {
    SplittableRandom r = new SplittableRandom(4);
    List<SpikeFrame> frames = new ArrayList<>();
    for (int t = 0; t < 120; t++) {
      frames.add(new SpikeFrame(r.ints(0, 64).limit(10).distinct().sorted().toArray()));
    }
    try (Device d = Devices.open(device)) {
      d.configure(NET);
      SplittableRandom w = new SplittableRandom(2);
      for (WeightTensor t : NET.tensors()) {
        int span = t.cols() == 1 ? 30 : 128;
        d.writeWeights(t.name(), w.ints(t.length(), -span + span / 4, span).toArray());
      }
      List<int[]> out = new ArrayList<>();
      for (StepResult s : d.run(frames, ReadoutLevel.FULL)) {
        out.add(s.outputs());
      }
      return out;
    }
  }

  @Test
  void anInstanceIsReproducibleAndDiffersFromThePerfectChipAndFromAnother() {
    String chip = "board:ref,mismatch=0.2,instance=7,noise=40,drop=0.1";
    List<int[]> a = outputs(chip);
    List<int[]> again = outputs(chip);
    for (int t = 0; t < a.size(); t++) {
      assertArrayEquals(a.get(t), again.get(t), "step " + t);
    }
    List<int[]> perfect = outputs("board:ref");
    List<int[]> other = outputs("board:ref,mismatch=0.2,instance=8,noise=40,drop=0.1");
    assertFalse(sameRun(a, perfect), "the instance must differ from the perfect chip");
    assertFalse(sameRun(a, other), "instance 7 must differ from instance 8");
  }

  private static boolean sameRun(List<int[]> a, List<int[]> b) {
    for (int t = 0; t < a.size(); t++) {
      if (!java.util.Arrays.equals(a.get(t), b.get(t))) {
        return false;
      }
    }
    return true;
  }

  @Test
  void theFirmwareRefusesInstanceFieldsOutOfRangeNamingThem() {
    BoardDriver driver = BoardDriver.open(BoardLibraries.load("ref").bind(SpikeloopDriver.class),
        "board:ref", "ref");
    try {
      var bad = new SpikeloopDriver.spikeloop_chip_instance();
      bad.spread_q24 = 29058992; // one above S = 1
      var e = assertThrows(IllegalArgumentException.class, () -> driver.check(
          driver.lib().spikeloop_set_chip_instance(driver.handle(), bad),
          "spikeloop_set_chip_instance"));
      assertTrue(e.getMessage().contains("chip spread_q24 29058992 out of range [0, 29058991]"),
          e.getMessage());
      bad.spread_q24 = 0;
      bad.drop_q32 = -1;
      e = assertThrows(IllegalArgumentException.class, () -> driver.check(
          driver.lib().spikeloop_set_chip_instance(driver.handle(), bad),
          "spikeloop_set_chip_instance"));
      assertTrue(e.getMessage().contains("chip drop_q32 -1 out of range"), e.getMessage());
    } finally {
      driver.close();
    }
  }
}
