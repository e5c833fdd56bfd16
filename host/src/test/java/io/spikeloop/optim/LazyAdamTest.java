package io.spikeloop.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spikeloop.checkpoint.StateMap;
import io.spikeloop.sim.learning.AdamSchedule;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The lazy and catch-up Adam schedules (docs/learning-engine.md section 10) on their own; the
 * golden train vectors pin them inside the trainers.
 */
class LazyAdamTest {
  private static final int N = 64;

  /** Gradients that are 0 for each element in about 80 % of the steps (a spiking pattern). */
  private static double[][][] sparseGradients(int steps, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    double[][][] g = new double[steps][1][N];
    for (int t = 0; t < steps; t++) {
      for (int j = 0; j < N; j++) {
        g[t][0][j] = rnd.nextDouble() < 0.2 ? rnd.nextGaussian() + 0.3 : 0;
      }
    }
    return g;
  }

  private static double[][] run(OptimizerSpec.Adam spec, double[][][] grads) {
    double[][] w = {new double[N]};
    Optimizer opt = spec.create(new int[] {N});
    for (double[][] g : grads) {
      opt.step(w, g);
    }
    opt.flush(w);
    return w;
  }

  @Test
  void lazyLeavesZeroGradientElementsAlone() {
    OptimizerSpec.Adam lazy = new OptimizerSpec.Adam(1e-3, 0.9, 0.999, 1e-8, AdamSchedule.LAZY);
    double[][] w = {{1, 2, 3}};
    Optimizer opt = lazy.create(new int[] {3});
    opt.step(w, new double[][] {{0.5, 0, -0.5}});
    assertEquals(2, w[0][1]);
    assertTrue(w[0][0] < 1 && w[0][2] > 3);
    double moved = w[0][0];
    opt.step(w, new double[][] {{0, 0, 0}});
    opt.flush(w);
    assertEquals(moved, w[0][0], "lazy: momentum does not move an idle element");
  }

  /**
   * With eps = 0 and saturated bias corrections the catch-up rule is exact: it must reproduce
   * dense Adam over any pattern of idle steps, where the naive lazy rule falls far short.
   */
  @Test
  void catchUpEqualsDenseAdamOnceBiasCorrectionsSaturate() {
    // beta2 = 0.5 saturates within ~60 updates; a 100-update warm-up with dense gradients first
    double[][][] grads = sparseGradients(400, 7);
    for (int t = 0; t < 100; t++) {
      for (int j = 0; j < N; j++) {
        grads[t][0][j] = 0.1 + 0.01 * j;
      }
    }
    OptimizerSpec.Adam dense = new OptimizerSpec.Adam(1e-3, 0.8, 0.5, 0);
    double[][] wDense = run(dense, grads);
    double[][] wCatchUp = run(dense.withSchedule(AdamSchedule.CATCH_UP), grads);
    double[][] wLazy = run(dense.withSchedule(AdamSchedule.LAZY), grads);
    double worstCatchUp = 0;
    double worstLazy = 0;
    for (int j = 0; j < N; j++) {
      worstCatchUp = Math.max(worstCatchUp, Math.abs(wCatchUp[0][j] - wDense[0][j]));
      worstLazy = Math.max(worstLazy, Math.abs(wLazy[0][j] - wDense[0][j]));
    }
    // equal up to the float64 rounding of ~300 summed moves
    assertTrue(worstCatchUp < 1e-9, "catch-up vs dense: " + worstCatchUp);
    assertTrue(worstLazy > 1e-3, "naive lazy should drop the momentum moves: " + worstLazy);
  }

  @Test
  void catchUpCheckpointResumesBitIdentically() {
    double[][][] grads = sparseGradients(60, 11);
    OptimizerSpec.Adam spec = new OptimizerSpec.Adam(1e-3, 0.9, 0.999, 1e-8,
        AdamSchedule.CATCH_UP);
    double[][] whole = {new double[N]};
    Optimizer a = spec.create(new int[] {N});
    for (double[][] g : grads) {
      a.step(whole, g);
    }
    double[][] resumed = {new double[N]};
    Optimizer b = spec.create(new int[] {N});
    for (int t = 0; t < 30; t++) {
      b.step(resumed, grads[t]);
    }
    StateMap saved = new StateMap();
    b.saveState(saved, "x.");
    Optimizer c = spec.create(new int[] {N});
    c.restoreState(saved, "x.");
    for (int t = 30; t < 60; t++) {
      c.step(resumed, grads[t]);
    }
    assertArrayEquals(whole[0], resumed[0]);
  }

  @Test
  void fusedCatchUpFollowsTheFloat64Rule() {
    double[][][] grads = sparseGradients(200, 3);
    OptimizerSpec.Adam spec = new OptimizerSpec.Adam(1e-3, 0.9, 0.999, 1e-8,
        AdamSchedule.CATCH_UP);
    double[][] reference = run(spec, grads);
    FusedUpdate fused = new FusedUpdate(spec);
    float[] w = new float[N];
    float[] m = new float[N];
    float[] v = new float[N];
    int[] last = new int[N];
    float[] g = new float[N];
    for (double[][] step : grads) {
      fused.begin();
      for (int j = 0; j < N; j++) {
        g[j] = (float) step[0][j];
      }
      fused.row(w, m, v, last, g, false);
    }
    fused.flushRow(w, m, v, last);
    for (int j = 0; j < N; j++) {
      assertEquals(reference[0][j], w[j], 1e-6 + 1e-4 * Math.abs(reference[0][j]), "element " + j);
    }
  }

  @Test
  void badSchedulesAreRefusedClearly() {
    var e = assertThrows(IllegalArgumentException.class, () -> AdamSchedule.parse("sparse"));
    assertTrue(e.getMessage().contains("dense, lazy or catchup"), e.getMessage());
    var d = assertThrows(IllegalArgumentException.class, () -> new FusedUpdate(
        new OptimizerSpec.Adam(1e-3, 0.9, 0.999, 1e-8, AdamSchedule.LAZY), 0.01));
    assertTrue(d.getMessage().contains("weight decay"), d.getMessage());
  }
}
