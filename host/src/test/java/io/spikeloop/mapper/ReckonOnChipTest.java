package io.spikeloop.mapper;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spikeloop.checkpoint.StateMap;
import io.spikeloop.data.SpikeSample;
import io.spikeloop.device.Device;
import io.spikeloop.device.Devices;
import io.spikeloop.model.ParameterTensor;
import io.spikeloop.model.SnnConfig;
import io.spikeloop.model.SnnParameters;
import io.spikeloop.placement.OnChipPlacement;
import io.spikeloop.placement.Placement;
import io.spikeloop.placement.PlacementSettings;
import io.spikeloop.placement.Placements;
import io.spikeloop.target.TargetState;
import io.spikeloop.target.reckon.ReckonCodecs;
import io.spikeloop.target.reckon.ReckonNetwork;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * {@code on-chip} (ReckOn's e-prop, configured by {@code ReckonMapper} from the float learning
 * rate) and {@code near-chip} (quantized Adam beside the chip on its 8-bit weights, gradient from
 * {@code ReckonBackward}) on {@code sim:reckon}, on {@code board:reckon} (the verilated RTL) and
 * across a checkpoint. The task is {@link ReckonHilTest#task}: which of two input groups fires.
 */
class ReckonOnChipTest {
  static final SnnParameters INIT = SnnParameters.initialise(
      SnnConfig.of(ReckonHilTest.INPUTS, List.of(16), true, 2, 1, 20, 20), 7);
  static final PlacementSettings ON_CHIP = PlacementSettings.builder().lr(2e-2)
      .weightHeadroom(4).seed(3).build();
  static final PlacementSettings NEAR_CHIP = PlacementSettings.builder().lr(5e-3)
      .weightHeadroom(4).seed(1).build();

  /** Trains {@code epochs} epochs in batches of 10; returns the summed loss of each epoch. */
  static double[] train(Placement p, List<SpikeSample> train, int epochs) {
    double[] loss = new double[epochs];
    for (int e = 0; e < epochs; e++) {
      for (int b = 0; b < train.size(); b += 10) {
        loss[e] += p.train(train.subList(b, Math.min(train.size(), b + 10))).meanLoss();
      }
    }
    return loss;
  }

  static void learnsTheTinyTask(String placement, PlacementSettings settings) {
    List<SpikeSample> train = ReckonHilTest.task(60, 1);
    List<SpikeSample> test = ReckonHilTest.task(40, 2);
    try (Device device = Devices.open("sim:reckon");
         Placement p = Placements.onDevice(placement, device, INIT, settings)) {
      double before = ReckonHilTest.accuracy(p, test);
      double[] loss = train(p, train, 4);
      double after = ReckonHilTest.accuracy(p, test);
      assertTrue(loss[3] < loss[0], "loss per epoch " + java.util.Arrays.toString(loss));
      assertTrue(after >= 0.8 && after >= before + 0.2, "held-out accuracy " + before + " -> "
          + after);
    }
  }

  @Test
  void onChipEpropOnSimReckonLearnsATinyTask() {
    learnsTheTinyTask("on-chip", ON_CHIP);
  }

  @Test
  void nearChipOnSimReckonLearnsATinyTask() {
    learnsTheTinyTask("near-chip", NEAR_CHIP);
  }

  /** The float learning rate becomes shifts; each sample's configuration programs new seeds. */
  @Test
  void onChipConfigurationIsEpropWithRatesAsShiftsAndSeedsPerSample() {
    try (Device device = Devices.open("sim:reckon");
         Placement p = Placements.onDevice("on-chip", device, INIT, ON_CHIP)) {
      OnChipPlacement onChip = (OnChipPlacement) p;
      TargetState first = onChip.plan().config(0);
      assertEquals(ReckonCodecs.LEARNING_CONFIG_WITH_SEEDS_VERSION, first.formatVersion());
      ReckonNetwork.Eprop e = ReckonCodecs.decodeLearningConfig(first);
      assertEquals(7, e.enables(), "W_in, W_rec and W_out learn");
      // a 4x smaller rate is two more right shifts (or two fewer left shifts) on every tensor
      PlacementSettings slower = PlacementSettings.builder().lr(ON_CHIP.lr() / 4)
          .weightHeadroom(4).seed(3).build();
      try (Device other = Devices.open("sim:reckon");
           Placement q = Placements.onDevice("on-chip", other, INIT, slower)) {
        ReckonNetwork.Eprop f = ReckonCodecs.decodeLearningConfig(
            ((OnChipPlacement) q).plan().config(0));
        assertEquals(e.inputRateLeft() - e.inputRateRight() - 2,
            f.inputRateLeft() - f.inputRateRight());
        assertEquals(e.outputRateLeft() - e.outputRateRight() - 2,
            f.outputRateLeft() - f.outputRateRight());
      }
      ReckonNetwork.Seeds s0 = ReckonCodecs.decodeLearningConfigSeeds(first);
      ReckonNetwork.Seeds s1 = ReckonCodecs.decodeLearningConfigSeeds(onChip.plan().config(1));
      assertNotEquals(s0.inputWeights(), s1.inputWeights());
      assertEquals(s0, ReckonCodecs.decodeLearningConfigSeeds(onChip.plan().config(0)));
    }
  }

  /**
   * A checkpoint after 20 samples, resumed on a fresh device, continues bit for bit as the run
   * that went on: ReckOn's generators cannot be read back, so every sample starts them from
   * seeds of its own, and the checkpoint needs the weights and the sample count.
   */
  @Test
  void onChipCheckpointOnSimReckonResumesBitIdentically() {
    List<SpikeSample> train = ReckonHilTest.task(40, 1);
    StateMap saved;
    StateMap end;
    double[] lossAfter;
    SnnParameters learnt;
    io.spikeloop.placement.LearningCost learningCost;
    try (Device device = Devices.open("sim:reckon");
         Placement p = Placements.onDevice("on-chip", device, INIT, ON_CHIP)) {
      train(p, train.subList(0, 20), 1);
      saved = p.saveState();
      lossAfter = train(p, train.subList(20, 40), 1);
      end = p.saveState();
      learnt = p.parameters();
      learningCost = p.learningCost();
    }
    assertEquals("reckon", saved.text(OnChipPlacement.LEARNING_TARGET_ENTRY));
    assertEquals(TargetState.KIND_LEARNING_STATE, saved.text(OnChipPlacement.LEARNING_KIND_ENTRY));
    assertNotEquals(saved, end, "training after the checkpoint must change the state");
    try (Device device = Devices.open("sim:reckon");
         Placement resumed = Placements.onDevice("on-chip", device, INIT, ON_CHIP)) {
      resumed.restoreState(saved);
      double[] loss = train(resumed, train.subList(20, 40), 1);
      assertArrayEquals(lossAfter, loss, "loss after the checkpoint");
      List<ParameterTensor> a = learnt.tensors();
      List<ParameterTensor> b = resumed.parameters().tensors();
      for (int i = 0; i < a.size(); i++) {
        assertArrayEquals(a.get(i).values(), b.get(i).values(), a.get(i).name());
      }
      StateMap got = resumed.saveState();
      for (String name : end.names()) {
        if (name.equals(COST_TELEMETRY)) {
          // counters exactly; the energy measure is the device's float of its running total,
          // which restarts on the resumed device (ReckOn cannot load its counters back), so its
          // differences may differ in the last bits; the cost model reads the counters
          assertEquals(telemetry(end).counters(), telemetry(got).counters(), name);
          assertEquals(telemetry(end).energyJoules(), telemetry(got).energyJoules(),
              1e-9 * telemetry(end).energyJoules(), name);
        } else {
          assertEquals(end.only(name), got.only(name), "checkpoint entry " + name);
        }
      }
      assertEquals(learningCost, resumed.learningCost(), "device cost per sample");
    }
  }

  static final String COST_TELEMETRY = "placement.cost.telemetry";

  private static io.spikeloop.device.Telemetry telemetry(StateMap s) {
    try {
      return io.spikeloop.wire.WireMapping.fromProto(
          io.spikeloop.wire.v1.Telemetry.parseFrom(s.bytes(COST_TELEMETRY, -1)));
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }

  /** The chip is bit-exact: the same run on the RTL gives the same losses and weights. */
  @Test
  void onChipAndNearChipOnBoardReckonEqualTheModelSampleBySample() {
    String reason = io.spikeloop.board.ReckonBoard.unavailableReason();
    Assumptions.assumeTrue(reason == null, () -> "board:reckon not built (needs the '"
        + io.spikeloop.board.ReckonBoard.VERILATOR_PACKAGE + "' package): " + reason);
    List<SpikeSample> train = ReckonHilTest.task(6, 1);
    for (String placement : List.of("on-chip", "near-chip")) {
      PlacementSettings settings = placement.equals("on-chip") ? ON_CHIP : NEAR_CHIP;
      double[][] losses = new double[2][train.size()];
      SnnParameters[] learnt = new SnnParameters[2];
      String[] devices = {"sim:reckon", "board:reckon"};
      for (int d = 0; d < 2; d++) {
        try (Device device = Devices.open(devices[d]);
             Placement p = Placements.onDevice(placement, device, INIT, settings)) {
          for (int s = 0; s < train.size(); s++) {
            losses[d][s] = p.train(train.subList(s, s + 1)).meanLoss();
          }
          learnt[d] = p.parameters();
        }
      }
      assertArrayEquals(losses[0], losses[1], placement + ": loss per sample");
      for (int t = 0; t < learnt[0].tensors().size(); t++) {
        assertArrayEquals(learnt[0].tensors().get(t).values(), learnt[1].tensors().get(t).values(),
            placement + ": tensor " + learnt[0].tensors().get(t).name());
      }
      assertNotEquals(0, java.util.Arrays.stream(learnt[0].wOut()).map(Math::abs).sum());
    }
  }

  /**
   * ReckOn has no learning-state image for a learner beside the chip: near-chip says so before
   * anything trains (so {@code train --checkpoint-every} is refused up front and no run is lost
   * at its first checkpoint), while on-chip on ReckOn checkpoints.
   */
  @Test
  void nearChipOnReckonRefusesCheckpointsBeforeTrainingAndOnChipDoesNot() {
    try (Device device = Devices.open("sim:reckon");
         Placement nearChip = Placements.onDevice("near-chip", device, INIT, NEAR_CHIP)) {
      String why = nearChip.notCheckpointable();
      assertNotNull(why);
      assertTrue(why.contains("target reckon") && why.contains("learning-state image"), why);
    }
    try (Device device = Devices.open("sim:reckon");
         Placement onChip = Placements.onDevice("on-chip", device, INIT, ON_CHIP)) {
      assertNull(onChip.notCheckpointable());
    }
  }
}
