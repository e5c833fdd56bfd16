package io.spikeloop.sim.learning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class GradientQuantizerTest {
  @Test
  void largestMagnitudeLandsInTheTopOctaveAndTinyGradientsSurvive() {
    double[] g = {3e-30, -1.5e-30, 0.0, 7.2e-31};
    int[] q = new int[4];
    int e = GradientQuantizer.quantize(g, q);
    assertTrue(Math.abs(q[0]) >= 16384 && Math.abs(q[0]) <= 32767, "top value " + q[0]);
    for (int i = 0; i < g.length; i++) {
      assertEquals(g[i], Math.scalb((double) q[i], e), 3e-30 / 32768);
    }
    assertEquals(0, q[2]);
  }

  @Test
  void floatInputGivesTheSameCodesAsDouble() {
    float[] f = {0.25f, -1.75f, 1e-6f, 1.9999999f};
    double[] d = {0.25, -1.75, 1e-6f, 1.9999999f};
    int[] qf = new int[4];
    int[] qd = new int[4];
    assertEquals(GradientQuantizer.quantize(d, qd), GradientQuantizer.quantize(f, qf));
    assertEquals(java.util.Arrays.toString(qd), java.util.Arrays.toString(qf));
    assertEquals(32767, qf[3]); // 1.9999999 * 2^14 rounds to 32768 and clamps
  }

  @Test
  void zeroGradientAndBadInput() {
    int[] q = {1, 2};
    assertEquals(0, GradientQuantizer.quantize(new double[2], q));
    assertEquals(0, q[0] | q[1]);
    IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
        () -> GradientQuantizer.quantize(new double[] {1, Double.NaN}, new int[2]));
    assertTrue(nan.getMessage().contains("at 1"), nan.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> GradientQuantizer.quantize(new double[3], new int[2]));
  }
}
