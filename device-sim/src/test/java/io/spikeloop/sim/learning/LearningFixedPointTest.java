package io.spikeloop.sim.learning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LearningFixedPointTest {
  @Test
  void sqrtRoundMatchesRoundedSquareRoot() {
    SplittableRandom rnd = new SplittableRandom(1);
    for (int i = 0; i < 20000; i++) {
      long x = rnd.nextLong(1L << (1 + rnd.nextInt(50)));
      long expected = Math.round(Math.sqrt((double) x)); // exact below 2^52 (no tie exists)
      assertEquals(expected, LearningFixedPoint.sqrtRound(x), "sqrt of " + x);
    }
    assertEquals(0, LearningFixedPoint.sqrtRound(0));
    assertEquals(1L << 30, LearningFixedPoint.sqrtRound(1L << 60));
    long r = (1L << 31) - 1; // floor(sqrt(2^62 - 1))
    assertEquals(r, LearningFixedPoint.sqrtRound(r * r + r)); // below the midpoint
    assertEquals(r + 1, LearningFixedPoint.sqrtRound((1L << 62) - 1));
    assertThrows(IllegalArgumentException.class, () -> LearningFixedPoint.sqrtRound(-1));
  }

  @Test
  void shiftRoundIsHalfUpAndDefinedForLargeShifts() {
    assertEquals(-1, LearningFixedPoint.shiftRound(-3, 1)); // -1.5 -> -1
    assertEquals(2, LearningFixedPoint.shiftRound(3, 1)); // 1.5 -> 2
    assertEquals(-2, LearningFixedPoint.shiftRound(-5, 1)); // -2.5 -> -2
    assertEquals(12, LearningFixedPoint.shiftRound(3, -2));
    assertEquals(0, LearningFixedPoint.shiftRound(-(1L << 60), 70));
    assertEquals(0, LearningFixedPoint.shiftRound(1L << 60, 62));
    assertEquals(-1, LearningFixedPoint.shiftFloor(-1, 80));
  }

  @Test
  void shiftClampSaturatesInsteadOfOverflowing() {
    assertEquals(1L << 24, LearningFixedPoint.shiftClamp(1, 40, 1L << 24));
    assertEquals(-(1L << 24), LearningFixedPoint.shiftClamp(-5, 63, 1L << 24));
    assertEquals(40, LearningFixedPoint.shiftClamp(5, 3, 1L << 24));
    assertEquals(3, LearningFixedPoint.shiftClamp(5, -1, 1L << 24));
    assertEquals(0, LearningFixedPoint.shiftClamp(0, 100, 1L << 24));
  }
}
