package io.spikeloop.sim.reckon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class StochasticUpdateTest {
  private static final int W = StochasticUpdate.WRITTEN;

  @Test
  void stepsOneLsbWhenTheScaledProbabilityBeatsTheDraw() {
    // |prob| << 2 = 400 >= 399: +1; against 401: unchanged, not written
    assertEquals(W | 6, StochasticUpdate.apply(100, 5, true, 0, 2, 32, 399));
    assertEquals(5, StochasticUpdate.apply(100, 5, true, 0, 2, 32, 401));
    // negative prob steps down; right shift applies after the left shift: (100 << 2) >> 3 = 50
    assertEquals(W | (4 & 0xFF), StochasticUpdate.apply(-100, 5, true, 3, 2, 32, 50));
    assertEquals(5, StochasticUpdate.apply(-100, 5, true, 3, 2, 32, 51));
  }

  @Test
  void overflowOfTheShiftSaturatesToAllOnes() {
    // 1 << 31 fits 32 bits; 2 << 31 does not: all ones, beats any draw
    assertEquals(5, StochasticUpdate.apply(1, 5, true, 0, 31, 32, 0x80000001));
    assertEquals(W | 6, StochasticUpdate.apply(2, 5, true, 0, 31, 32, 0xFFFFFFFF));
    // 28-bit lanes: draws are compared on 28 bits
    assertEquals(W | 6, StochasticUpdate.apply(1, 5, true, 0, 27, 28, 0x8000000));
    assertEquals(5, StochasticUpdate.apply(1, 5, true, 0, 26, 28, 0x8000000));
  }

  @Test
  void mostNegativeAlwaysMovesAndWeightsDoNotWrap() {
    assertEquals(W | (4 & 0xFF), StochasticUpdate.apply(Integer.MIN_VALUE, 5, true, 31, 0, 32, -1));
    assertEquals(W | 127, StochasticUpdate.apply(1, 127, true, 0, 31, 32, 0)); // written, kept
    assertEquals(W | 0x80, StochasticUpdate.apply(-1, -128, true, 0, 31, 32, 0));
    assertEquals(5, StochasticUpdate.apply(1000, 5, false, 0, 31, 32, 0)); // en low
    assertEquals(5, StochasticUpdate.apply(0, 5, true, 0, 31, 32, 0)); // zero probability
  }

  @Test
  void learningSignalAndErrorSaturateLikeTheRtl() {
    assertEquals(15, ReckonModel.learningSignal(63488, 0)); // 63488 / 4096 = 15.5, floor
    assertEquals(-16, ReckonModel.learningSignal(-63488, 0)); // floor towards -inf
    assertEquals(32767, ReckonModel.learningSignal(1 << 26, 2)); // 2^28 does not fit 28 bits
    assertEquals(-32768, ReckonModel.learningSignal(-(1 << 26), 1)); // exactly -2^27: fits
    assertEquals(-32768, ReckonModel.learningSignal(-(1 << 26) - 1, 1));
    // hardsigmoid: (o + 2048) >> 1 inside [-2048, 2047], 2048 above, 0 below
    assertEquals(2048 - 1024, ReckonModel.outputError(0, true, false));
    assertEquals(-1024, ReckonModel.outputError(0, false, false));
    assertEquals(-2048, ReckonModel.outputError(5000, false, false));
    assertEquals(2048, ReckonModel.outputError(-3000, true, false));
    assertEquals(-1023, ReckonModel.outputError(-1, false, false)); // 2047 >> 1
    assertEquals(-1024, ReckonModel.outputError(1, false, false)); // 2049 >> 1
    assertEquals(-32767, ReckonModel.outputError(32767, false, true)); // no activation: o itself
    assertEquals(32767, ReckonModel.outputError(-32768, true, true)); // 2048 + 32768 saturates
  }
}
