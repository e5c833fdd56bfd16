package io.spikeloop.sim.learning;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The lazy schedule's event-driven entry point against the full lazy step (section 10). */
class LazyQuantizedAdamTest {
  @ParameterizedTest
  @EnumSource(value = AdamSchedule.class, names = {"LAZY", "CATCH_UP"})
  void listedBlocksStepEqualsTheFullLazyStep(AdamSchedule schedule) {
    QuantizedAdamConfig config = QuantizedAdamConfig.defaults(24.0).withBlockSize(16)
        .withSchedule(schedule);
    int n = 200; // rows of 20 elements: blocks straddle rows
    QuantizedAdam full = new QuantizedAdam(config);
    QuantizedAdam listed = new QuantizedAdam(config);
    QuantizedAdamState a = QuantizedAdamState.initial(config, n, 4);
    QuantizedAdamState b = QuantizedAdamState.initial(config, n, 4);
    int[] masterA = new int[n];
    int[] masterB = new int[n];
    int[] wA = new int[n];
    int[] wB = new int[n];
    SplittableRandom r = new SplittableRandom(8);
    int[] blocks = new int[(n + 15) / 16];
    for (int t = 0; t < 40; t++) {
      int[] grad = new int[n];
      for (int row = 0; row < 10; row++) {
        if (r.nextDouble() < 0.2) {
          for (int q = 0; q < 20; q++) {
            grad[row * 20 + q] = r.nextInt(-32767, 32768) >> r.nextInt(6);
          }
        }
      }
      // list every block holding a row that spiked, plus one silent block (skipped all the same)
      int count = 0;
      for (int blk = 0; blk < blocks.length; blk++) {
        boolean any = blk == 5;
        for (int i = blk * 16; i < Math.min(n, blk * 16 + 16); i++) {
          any |= grad[i] != 0;
        }
        if (any) {
          blocks[count++] = blk;
        }
      }
      a = full.step(a, grad, -18, masterA, wA);
      b = listed.stepListedBlocks(b, grad, -18, masterB, wB, blocks, count);
      assertTrue(a.sameBits(b), "state after step " + t);
      assertArrayEquals(masterA, masterB, "masters after step " + t);
      assertArrayEquals(wA, wB);
    }
  }

  @Test
  void refusesUnorderedBlocksAndDenseConfigurations() {
    QuantizedAdamConfig lazy = QuantizedAdamConfig.defaults(24.0).withBlockSize(4)
        .withSchedule(AdamSchedule.LAZY);
    QuantizedAdamState s = QuantizedAdamState.initial(lazy, 16, 1);
    int[] z = new int[16];
    var e = assertThrows(IllegalArgumentException.class, () -> new QuantizedAdam(lazy)
        .stepListedBlocks(s, z, 0, new int[16], new int[16], new int[] {2, 1}, 2));
    assertTrue(e.getMessage().contains("ascending"), e.getMessage());
    QuantizedAdamConfig dense = QuantizedAdamConfig.defaults(24.0).withBlockSize(4);
    assertThrows(IllegalStateException.class, () -> new QuantizedAdam(dense).stepListedBlocks(
        QuantizedAdamState.initial(dense, 16, 1), z, 0, new int[16], new int[16], new int[0], 0));
    var c = assertThrows(IllegalArgumentException.class, () -> QuantizedAdamConfig.fromFloat(8,
        4, 24.0, 0.9, 0.8, 1e-8, 8, 8).withSchedule(AdamSchedule.CATCH_UP));
    assertTrue(c.getMessage().contains("beta1 < sqrt(beta2)"), c.getMessage());
  }

  /**
   * A block that trains, falls silent for 30 steps and steps once more: dense Adam kept moving it
   * by its momentum while silent (about S = r / (1 - r) = 9 of its steps), lazy Adam has not (it
   * spends that momentum only at later active steps: the moves come late), catch-up applies them
   * when the gradient returns. Compared on the summed move at that step.
   */
  @Test
  void catchUpRestoresTheMomentumMovesLazyDrops() {
    long dense = totalMove(AdamSchedule.DENSE);
    long lazy = totalMove(AdamSchedule.LAZY);
    long catchUp = totalMove(AdamSchedule.CATCH_UP);
    // lazy misses ~9 steps of ~lr (24 master LSBs each) per element: ~ 64 x 216 LSBs
    assertTrue(dense - lazy > 64 * 150, "dense " + dense + " vs lazy " + lazy);
    assertTrue(Math.abs(catchUp - dense) < (dense - lazy) / 10,
        "catch-up " + catchUp + " should be near dense " + dense + " (lazy " + lazy + ")");
  }

  /** Sum over one 64-element block of (initial - final master) after train / silence / train. */
  private static long totalMove(AdamSchedule schedule) {
    QuantizedAdamConfig config = QuantizedAdamConfig.defaults(24.0).withSchedule(schedule)
        .withBlockSize(64);
    int n = 64;
    QuantizedAdam adam = new QuantizedAdam(config);
    QuantizedAdamState s = QuantizedAdamState.initial(config, n, 3);
    int[] master = new int[n];
    int[] w = new int[n];
    SplittableRandom r = new SplittableRandom(5);
    for (int t = 0; t <= 380; t++) {
      boolean silent = t >= 350 && t < 380;
      int[] grad = new int[n];
      for (int i = 0; i < n && !silent; i++) {
        grad[i] = 8000 + r.nextInt(-2000, 2001); // a steady positive gradient: weights fall
      }
      s = adam.step(s, grad, -20, master, w);
    }
    long sum = 0;
    for (int i = 0; i < n; i++) {
      sum -= master[i];
    }
    return sum;
  }
}
