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
  void sqrtRoundEqualsTheDigitByDigitReference() {
    // every x below 2^20, then the edges where a double estimate can be off by one: around each
    // square r^2 and each rounding boundary r^2 + r, for r near powers of two and up to 2^31 - 1
    for (long x = 0; x < (1 << 20); x++) {
      assertEquals(DigitByDigitSqrt.sqrtRound(x), LearningFixedPoint.sqrtRound(x), "sqrt of " + x);
    }
    SplittableRandom rnd = new SplittableRandom(7);
    for (int i = 0; i < 200000; i++) {
      long r;
      if (i < 62 * 2 * 64) {
        int p = i / 128;
        r = Math.max(1, Math.min((1L << 31) - 1, (1L << (p / 2)) + (i % 128) - 64));
      } else {
        r = 1 + rnd.nextLong((1L << 31) - 1);
      }
      for (long x : new long[] {r * r - 1, r * r, r * r + 1, r * r + r - 1, r * r + r,
          r * r + r + 1}) {
        if (x >= 0 && x < (1L << 62)) {
          assertEquals(DigitByDigitSqrt.sqrtRound(x), LearningFixedPoint.sqrtRound(x), "sqrt of " + x);
        }
      }
      long x = rnd.nextLong(1L << 62);
      assertEquals(DigitByDigitSqrt.sqrtRound(x), LearningFixedPoint.sqrtRound(x), "sqrt of " + x);
    }
    for (long r = (1L << 31) - 100; r < (1L << 31); r++) {
      for (long x = r * r - 1; x <= r * r + r + 1 && x < (1L << 62); x += r) {
        assertEquals(DigitByDigitSqrt.sqrtRound(x), LearningFixedPoint.sqrtRound(x), "sqrt of " + x);
      }
    }
    assertEquals(DigitByDigitSqrt.sqrtRound((1L << 62) - 1), LearningFixedPoint.sqrtRound((1L << 62) - 1));
    assertThrows(IllegalArgumentException.class, () -> LearningFixedPoint.sqrtRound(1L << 62));
  }

  @Test
  void divideFloorEqualsIntegerDivision() {
    SplittableRandom rnd = new SplittableRandom(3);
    for (int i = 0; i < 500000; i++) {
      long b = 1 + rnd.nextLong(1L << (1 + rnd.nextInt(51)));
      long a;
      switch (i % 4) {
        case 0 -> a = rnd.nextLong(1L << 52);
        case 1 -> a = rnd.nextLong(1L << 18) << 32; // the optimizer's numerators: |m code| << 32
        default -> {
          // multiples of b and their neighbours, where a rounded quotient can be one off
          long q = rnd.nextLong(Math.max(1, ((1L << 52) - 1) / b));
          a = Math.min((1L << 52) - 1, Math.max(0, q * b + (i % 4 == 2 ? -1 : 0)));
        }
      }
      assertEquals(a / b, LearningFixedPoint.divideFloor(a, b), a + " / " + b);
    }
    assertEquals(((1L << 52) - 1) / 3, LearningFixedPoint.divideFloor((1L << 52) - 1, 3));
    assertEquals(0, LearningFixedPoint.divideFloor(0, (1L << 52) - 1));
    assertEquals(1, LearningFixedPoint.divideFloor((1L << 52) - 1, (1L << 52) - 1));
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
