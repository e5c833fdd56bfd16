package io.spikeloop.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ForgettingTest {
  static final double NAN = Double.NaN;
  /** Rows: after stage l; columns: accuracy on stage j. */
  static final double[][] A = {
      {0.90, NAN, NAN, NAN},
      {0.60, 0.80, NAN, NAN},
      {0.70, 0.50, 0.85, NAN},
      {0.20, 0.65, 0.40, 0.95},
  };

  @Test
  void bestEarlierAccuracyMinusNow() {
    // after stage 3: stage 0 best 0.90 -> 0.20; stage 1 best 0.80 -> 0.65; stage 2 0.85 -> 0.40
    assertArrayEquals(new double[] {0.70, 0.15, 0.45}, Forgetting.perStage(A, 3, A[3]), 1e-12);
    assertEquals((0.70 + 0.15 + 0.45) / 3, Forgetting.mean(A, 3, A[3]), 1e-12);
    // after stage 2: the best of stage 0 is still the 0.90 it had after stage 0, not 0.60
    assertArrayEquals(new double[] {0.20, 0.30}, Forgetting.perStage(A, 2, A[2]), 1e-12);
  }

  @Test
  void aRecoveredStageHasNegativeForgettingAndStageZeroNone() {
    // inside stage 2, stage 0 measured above its best earlier accuracy
    double[] now = {0.95, 0.80, 0.10, NAN};
    assertArrayEquals(new double[] {-0.05, 0.0}, Forgetting.perStage(A, 2, now), 1e-12);
    assertEquals(0.0, Forgetting.mean(A, 0, A[0]));
    assertThrows(IllegalArgumentException.class, () -> Forgetting.perStage(A, 5, A[3]));
  }
}
