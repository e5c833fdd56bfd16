package io.spikeloop.sim.reckon;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spikeloop.target.reckon.ReckonNetwork;
import io.spikeloop.target.reckon.ReckonProtocolException;
import io.spikeloop.target.reckon.ReckonStep;
import io.spikeloop.target.reckon.ReckonStepResult;
import io.spikeloop.target.reckon.ReckonTensor;
import org.junit.jupiter.api.Test;

/** Hand-computed cases of srnn.v's arithmetic on tiny networks. */
class ReckonModelTest {

  private static ReckonNetwork.Eprop eprop(int enables, int lrLeftIn, int lrLeftOut) {
    return new ReckonNetwork.Eprop(enables, false, 0, 0, 0, 0, new int[] {0, 0, 0, 100},
        new int[] {0, 0, 0, 0, 3}, 0, lrLeftIn, 0, lrLeftIn, 0, lrLeftOut,
        ReckonNetwork.Regularization.NONE);
  }

  private static ReckonModel chip(ReckonNetwork net, byte[] wIn, byte[] wOut) {
    ReckonModel chip = new ReckonModel();
    chip.configure(net);
    chip.writeWeights(ReckonTensor.INPUT, wIn);
    chip.writeWeights(ReckonTensor.OUTPUT, wOut);
    return chip;
  }

  @Test
  void saturatesAfterEachPresynapticIndexNotAfterTheSum() {
    ReckonNetwork net = ReckonNetwork.builder(2, 2, 1).weightShifts(7, 0, 0).alpha(0x8000).build();
    ReckonModel chip = chip(net, new byte[] {-128, 0, 127, 0}, new byte[2]);
    chip.step(ReckonStep.of(0)); // u0 = -128 << 7 = -16384
    chip.step(ReckonStep.of(0)); // alpha 1.0 keeps u; -32768
    chip.step(ReckonStep.of(0, 1)); // index 0: sat(-32768 - 16384) = -32768; index 1: + 16256
    assertEquals(-16512, chip.readState().membranes()[0]); // the sum first would give -32768
  }

  @Test
  void leakRoundsTowardsMinusInfinityWithoutStochasticRounding() {
    ReckonNetwork net = ReckonNetwork.builder(2, 2, 1).weightShifts(7, 0, 0).alpha(0x7FEF).build();
    ReckonModel chip = chip(net, new byte[] {-128, 127, 0, 0}, new byte[2]);
    chip.step(ReckonStep.of(0));
    chip.step(ReckonStep.of());
    // -16384 * 32751 / 32768 = -16375.5 -> -16376; 16256 * 32751 / 32768 = 16247.57 -> 16247
    assertArrayEquals(new short[] {-16376, 16247}, chip.readState().membranes());
  }

  @Test
  void spikeTestUsesTheMembraneBeforeTheLeakThenSubtractsTheThreshold() {
    ReckonNetwork.Builder b = ReckonNetwork.builder(2, 2, 1).weightShifts(7, 0, 0).alpha(0x7000)
        .threshold(16000).kappa(0x80);
    ReckonModel sub = chip(b.build(), new byte[] {127, 0, 0, 0}, new byte[] {10, 0});
    sub.step(ReckonStep.of(0)); // u0 = 16256
    sub.step(ReckonStep.of()); // 16256 >= 16000 spikes; floor(16256 * 0.875) - 16000
    assertEquals(14224 - 16000, sub.readState().membranes()[0]);
    assertTrue(sub.lastSpikes()[0]);
    assertEquals(10, sub.readState().outputMembranes()[0]); // W_out row of the spike
    ReckonModel zero = chip(b.resetToZero(true).build(), new byte[] {127, 0, 0, 0}, new byte[2]);
    zero.step(ReckonStep.of(0));
    zero.step(ReckonStep.of());
    assertEquals(0, zero.readState().membranes()[0]);
  }

  @Test
  void outputsReachTheBusTwoTicksAfterTheirInput() {
    ReckonNetwork net = ReckonNetwork.builder(2, 2, 1).weightShifts(7, 0, 0).alpha(0x8000)
        .threshold(1000).kappa(0x80).readout(ReckonNetwork.Readout.MEMBRANES_PER_STEP).build();
    ReckonModel chip = chip(net, new byte[] {127, 0, 0, 0}, new byte[] {5, 0});
    assertFalse(chip.step(ReckonStep.of(0)).sent()); // the first tick only integrates
    assertArrayEquals(new short[] {0}, chip.step(ReckonStep.of()).outputMembranes()); // spike
    assertArrayEquals(new short[] {5}, chip.step(ReckonStep.of()).outputMembranes());
    ReckonStepResult end = chip.step(new ReckonStep(null, -1, false, false, true));
    assertEquals(2, end.bus().length);
    assertFalse(chip.inSample());
    assertEquals(0, chip.readState().membranes()[0]); // the end of a sample clears the state
  }

  @Test
  void epropStepsOutputWeightsAgainstTheErrorOfEachOutput() {
    ReckonNetwork net = ReckonNetwork.builder(2, 2, 2).weightShifts(7, 0, 0).alpha(0x8000)
        .threshold(12000).kappa(0x80).eprop(eprop(4, 0, 31)).build();
    ReckonModel chip = chip(net, new byte[] {100, 0, 0, 0}, new byte[4]);
    chip.step(ReckonStep.of(0)); // u0 = 12800
    chip.step(new ReckonStep(null, 1, false, false, false)); // spike; output trace 2
    ReckonStepResult r = chip.step(new ReckonStep(null, -1, true, false, false));
    assertTrue(r.learned());
    // o = 0: y = 1024, e0 = -1024, e1 = +1024; prob = e * 2, << 31 overflows: always moves
    assertArrayEquals(new byte[] {-1, 1, 0, 0}, chip.readWeights(ReckonTensor.OUTPUT));
  }

  @Test
  void epropStepsInputWeightsByLearningSignalTracePseudoDerivative() {
    ReckonNetwork net = ReckonNetwork.builder(2, 2, 2).weightShifts(7, 0, 0).alpha(0x8000)
        .threshold(12000).kappa(0x80).eprop(eprop(1, 31, 0)).build();
    ReckonModel chip = chip(net, new byte[] {100, 0, 0, 0}, new byte[] {0, 64, 0, 0});
    chip.step(ReckonStep.of(0)); // u0 = 12800, input trace 8
    chip.step(new ReckonStep(null, 1, false, false, false)); // spike: o1 = 64
    chip.step(new ReckonStep(null, -1, true, false, false));
    // o1 = 64: y1 = 1056, e1 = 992; L0 = (992 * 64) >> 12 = 15; u0 = 800 >= 100: h = 3;
    // prob = 15 * 8 * 3 = 360 > 0, << 31 overflows: +1. Neuron 1 has L = 0: unchanged.
    assertArrayEquals(new byte[] {101, 0, 0, 0}, chip.readWeights(ReckonTensor.INPUT));
    assertArrayEquals(new byte[] {0, 64, 0, 0}, chip.readWeights(ReckonTensor.OUTPUT));
  }

  @Test
  void refusesMisuseWithMessagesNamingTheProblem() {
    ReckonNetwork net = ReckonNetwork.builder(2, 2, 2).eprop(eprop(7, 0, 0)).build();
    ReckonModel chip = chip(net, new byte[4], new byte[4]);
    assertTrue(assertThrows(ReckonProtocolException.class, () -> chip.step(ReckonStep.of(2)))
        .getMessage().contains("input event 2 outside 0..1"));
    assertTrue(assertThrows(ReckonProtocolException.class,
        () -> chip.step(new ReckonStep(null, 1, false, false, false))).getMessage()
        .contains("before the first tick"));
    chip.step(ReckonStep.of());
    assertTrue(assertThrows(ReckonProtocolException.class,
        () -> chip.step(new ReckonStep(null, -1, true, false, false))).getMessage()
        .contains("no label"));
    assertTrue(assertThrows(ReckonProtocolException.class, () -> chip.configure(net))
        .getMessage().contains("inside a sample"));
    ReckonModel idle = chip(net, new byte[4], new byte[4]);
    assertTrue(assertThrows(ReckonProtocolException.class,
        () -> idle.writeWeights(ReckonTensor.INPUT, new byte[3])).getMessage().contains("2 x 2"));
  }
}
