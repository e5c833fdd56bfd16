package io.spikeloop.mapper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spikeloop.data.SpikeSample;
import io.spikeloop.device.Device;
import io.spikeloop.device.Devices;
import io.spikeloop.model.SnnConfig;
import io.spikeloop.model.SnnParameters;
import io.spikeloop.placement.Placement;
import io.spikeloop.placement.PlacementSettings;
import io.spikeloop.placement.Placements;
import io.spikeloop.train.SnnTrainer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@code hil} on {@code sim:reckon}: ReckOn runs the forward pass, the host's backward goes
 * through ReckOn's float model. A tiny task (which of two input groups fires) is learnt in
 * seconds: the loss falls and the test accuracy ends well above chance.
 */
class ReckonHilTest {
  static final int INPUTS = 16;
  static final int STEPS = 20;

  /** Class c: inputs 8c..8c+7 fire at 30% per step, the other group at 3%. */
  static List<SpikeSample> task(int n, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    List<SpikeSample> samples = new ArrayList<>();
    for (int s = 0; s < n; s++) {
      int label = s % 2;
      int[] offsets = new int[STEPS + 1];
      List<Integer> ids = new ArrayList<>();
      for (int t = 0; t < STEPS; t++) {
        for (int i = 0; i < INPUTS; i++) {
          double rate = i / 8 == label ? 0.3 : 0.03;
          if (rnd.nextDouble() < rate) {
            ids.add(i);
          }
        }
        offsets[t + 1] = ids.size();
      }
      samples.add(new SpikeSample(label, offsets, ids.stream().mapToInt(Integer::intValue)
          .toArray(), -1));
    }
    return samples;
  }

  static double accuracy(Placement p, List<SpikeSample> test) {
    SnnTrainer.Inference inf = p.infer(test);
    int correct = 0;
    for (int i = 0; i < test.size(); i++) {
      double[] o = inf.lastOutput()[i];
      int best = o[1] > o[0] ? 1 : 0;
      correct += best == test.get(i).label() ? 1 : 0;
    }
    return correct / (double) test.size();
  }

  @Test
  void hilOnSimReckonLearnsATinyTask() {
    SnnParameters init = SnnParameters.initialise(SnnConfig.of(INPUTS, List.of(16), true, 2, 1,
        20, 20), 7);
    List<SpikeSample> train = task(60, 1);
    List<SpikeSample> test = task(40, 2);
    PlacementSettings settings = PlacementSettings.builder().lr(5e-3).weightHeadroom(4).seed(1)
        .build();
    try (Device device = Devices.open("sim:reckon");
         Placement hil = Placements.onDevice("hil", device, init, settings)) {
      assertEquals("hil", hil.name());
      double before = accuracy(hil, test);
      double firstLoss = 0;
      double lastLoss = 0;
      for (int epoch = 0; epoch < 4; epoch++) {
        double loss = 0;
        for (int b = 0; b < train.size(); b += 10) {
          loss += hil.train(train.subList(b, b + 10)).meanLoss();
        }
        if (epoch == 0) {
          firstLoss = loss;
        }
        lastLoss = loss;
      }
      double after = accuracy(hil, test);
      assertTrue(lastLoss < firstLoss, "loss " + firstLoss + " -> " + lastLoss);
      assertTrue(after >= 0.8, "test accuracy " + before + " -> " + after);
      // the device's weights are the placement's parameters (no biases on ReckOn)
      SnnParameters learnt = hil.parameters();
      for (double b : learnt.bias(0)) {
        assertEquals(0, b);
      }
    }
  }

  /**
   * The same hil run on the verilated RTL ({@code board:reckon}) and on its bit-accurate model:
   * the chip is bit-exact, so every loss and every learnt weight must be the same.
   */
  @Test
  void hilOnBoardReckonLearnsExactlyWhatItLearnsOnTheModel() {
    String reason = io.spikeloop.board.ReckonBoard.unavailableReason();
    org.junit.jupiter.api.Assumptions.assumeTrue(reason == null, () -> "board:reckon not built "
        + "(needs the '" + io.spikeloop.board.ReckonBoard.VERILATOR_PACKAGE + "' package): "
        + reason);
    SnnParameters init = SnnParameters.initialise(SnnConfig.of(INPUTS, List.of(16), true, 2, 1,
        20, 20), 7);
    List<SpikeSample> train = task(20, 1);
    List<SpikeSample> test = task(10, 2);
    PlacementSettings settings = PlacementSettings.builder().lr(5e-3).weightHeadroom(4).seed(1)
        .build();
    double[][] losses = new double[2][];
    SnnParameters[] learnt = new SnnParameters[2];
    double[] accuracy = new double[2];
    String[] devices = {"sim:reckon", "board:reckon"};
    for (int d = 0; d < 2; d++) {
      try (Device device = Devices.open(devices[d]);
           Placement hil = Placements.onDevice("hil", device, init, settings)) {
        losses[d] = new double[train.size() / 10];
        for (int b = 0; b < train.size(); b += 10) {
          losses[d][b / 10] = hil.train(train.subList(b, b + 10)).meanLoss();
        }
        learnt[d] = hil.parameters();
        accuracy[d] = accuracy(hil, test);
      }
    }
    org.junit.jupiter.api.Assertions.assertArrayEquals(losses[0], losses[1], "loss per batch");
    for (int t = 0; t < learnt[0].tensors().size(); t++) {
      org.junit.jupiter.api.Assertions.assertArrayEquals(learnt[0].tensors().get(t).values(),
          learnt[1].tensors().get(t).values(), "tensor " + t);
    }
    assertEquals(accuracy[0], accuracy[1]);
  }

  /**
   * ReckOn cannot load its dynamic state back, so hil and near-chip (whose samples do not start
   * from a reconfigured chip) refuse checkpoints naming the capability; on-chip checkpoints
   * ({@code ReckonOnChipTest}) do not need it.
   */
  @Test
  void hilAndNearChipCheckpointsOnReckonAreRefusedNamingTheSnapshot() {
    SnnParameters init = SnnParameters.initialise(SnnConfig.of(INPUTS, List.of(16), true, 2, 1,
        20, 20), 7);
    try (Device device = Devices.open("sim:reckon")) {
      for (String placement : List.of("hil", "near-chip")) {
        Placement p = Placements.onDevice(placement, device, init,
            PlacementSettings.defaults(1e-3, 1));
        io.spikeloop.device.UnsupportedCapabilityException e = assertThrows(
            io.spikeloop.device.UnsupportedCapabilityException.class, p::saveState);
        assertTrue(e.getMessage().contains("snapshot") && e.getMessage().contains(placement),
            e.getMessage());
      }
    }
  }
}
