package io.spikeloop.sim.learning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class TinyFloatCodeTest {
  static Stream<TinyFloatCode> codes() {
    return Stream.of(TinyFloatCode.M8, TinyFloatCode.M4, TinyFloatCode.R8, TinyFloatCode.R4);
  }

  @ParameterizedTest
  @MethodSource("codes")
  void everyCodeRoundTrips(TinyFloatCode code) {
    for (int c = 0; c < 1 << code.bits(); c++) {
      long value = code.decode(c);
      if (value == 0 && c != 0) {
        continue; // negative zero is never produced: zero is code 0
      }
      assertEquals(c, code.encodeExact(value), "code " + c + " value " + value);
      assertTrue(Math.abs(value) <= code.maxMagnitude());
    }
    assertTrue(code.maxMagnitude() >= 1L << code.topBits());
  }

  @ParameterizedTest
  @MethodSource("codes")
  void rootCodesNeverDecodeToZero(TinyFloatCode code) {
    if (code.signed()) {
      return;
    }
    for (int c = 0; c < 1 << code.bits(); c++) {
      assertTrue(code.decode(c) >= code.minMagnitude() && code.minMagnitude() > 0);
    }
    assertEquals(code.minMagnitude(), code.decode(code.roundStochastic(0, 5, 12345)));
  }

  @ParameterizedTest
  @MethodSource("codes")
  void stochasticRoundingIsUnbiased(TinyFloatCode code) {
    SplittableRandom rnd = new SplittableRandom(3);
    for (int trial = 0; trial < 20; trial++) {
      int shift = 8 + rnd.nextInt(30);
      // magnitudes spread over the code's range (above the minimum for the root code)
      double target = Math.pow(2, (code.signed() ? 0 : code.mantBits() + 1)
          + rnd.nextDouble() * (code.topBits() - 1 - (code.signed() ? 0 : code.mantBits())));
      long x = (long) Math.scalb(target, shift) * (code.signed() && rnd.nextBoolean() ? -1 : 1);
      double exact = Math.scalb((double) x, -shift);
      double sum = 0;
      int draws = 20000;
      for (int i = 0; i < draws; i++) {
        sum += code.decode(code.roundStochastic(x, shift, rnd.nextInt()));
      }
      double mean = sum / draws;
      assertEquals(exact, mean, Math.abs(exact) * 0.01 + 0.01,
          code + ": mean of stochastic rounding of " + exact);
    }
  }

  @ParameterizedTest
  @MethodSource("codes")
  void largeValuesSaturate(TinyFloatCode code) {
    assertEquals(code.maxMagnitude(), code.decode(code.roundStochastic(1L << 40, 0, 0)));
    assertEquals(code.maxMagnitude(), code.decode(code.roundStochastic(1L << 40, -30, 0)));
    if (code.signed()) {
      assertEquals(-code.maxMagnitude(), code.decode(code.roundStochastic(-(1L << 40), 0, -1)));
      assertEquals(0, code.decode(code.roundStochastic(5, 100, -1)));
    }
  }
}
