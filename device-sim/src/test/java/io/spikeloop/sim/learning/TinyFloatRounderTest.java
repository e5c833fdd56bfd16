package io.spikeloop.sim.learning;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TinyFloatRounderTest {
  private static final TinyFloatCode[] CODES = {TinyFloatCode.M8, TinyFloatCode.R8,
      TinyFloatCode.M4, TinyFloatCode.R4};

  @Test
  void tableRoundingEqualsTheReferenceRounding() {
    SplittableRandom rnd = new SplittableRandom(11);
    for (TinyFloatCode code : CODES) {
      TinyFloatRounder rounder = new TinyFloatRounder(code);
      for (int i = 0; i < 300000; i++) {
        long x = rnd.nextLong(1L << rnd.nextInt(62)) * (code.signed() && rnd.nextBoolean() ? -1 : 1);
        int shift = rnd.nextInt(-70, 71);
        int u = rnd.nextInt();
        assertEquals(code.roundStochastic(x, shift, u), rounder.roundStochastic(x, shift, u),
            code + ": x " + x + " shift " + shift + " u " + u);
      }
    }
  }

  @Test
  void edgesOfTheGridMatch() {
    // grid points and their neighbours at every scale, with the smallest and largest draws
    for (TinyFloatCode code : CODES) {
      TinyFloatRounder rounder = new TinyFloatRounder(code);
      for (int shift = -64; shift <= 64; shift++) {
        for (int e = 0; e < 62; e++) {
          for (long x : new long[] {0, 1L << e, (1L << e) - 1, (1L << e) + 1, 3L << e >> 1}) {
            for (int u : new int[] {0, -1, 1 << 31, 1}) {
              for (long signed : code.signed() ? new long[] {x, -x} : new long[] {x}) {
                assertEquals(code.roundStochastic(signed, shift, u),
                    rounder.roundStochastic(signed, shift, u),
                    code + ": x " + signed + " shift " + shift + " u " + u);
              }
            }
          }
        }
      }
    }
  }
}
