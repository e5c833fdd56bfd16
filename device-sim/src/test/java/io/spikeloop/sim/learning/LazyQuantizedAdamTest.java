package io.spikeloop.sim.learning;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The lazy schedule's event-driven entry point against the full lazy step (section 10). */
class LazyQuantizedAdamTest {
  @Test
  void listedBlocksStepEqualsTheFullLazyStep() {
    QuantizedAdamConfig config = QuantizedAdamConfig.defaults(24.0).withBlockSize(16)
        .withSchedule(AdamSchedule.LAZY);
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
    var c = assertThrows(IllegalArgumentException.class,
        () -> dense.withSchedule(AdamSchedule.CATCH_UP));
    assertTrue(c.getMessage().contains("catch-up"), c.getMessage());
  }
}
