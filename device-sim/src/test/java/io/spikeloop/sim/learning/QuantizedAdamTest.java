package io.spikeloop.sim.learning;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class QuantizedAdamTest {
  private static int[] randomGradient(SplittableRandom rnd, int n) {
    int[] g = new int[n];
    for (int i = 0; i < n; i++) {
      g[i] = rnd.nextInt(-32767, 32768);
    }
    return g;
  }

  @Test
  void firstStepMovesEachWeightByAboutTheLearningRate() {
    // Float Adam's first step is lr * sign(g): the codes may cost one grid step of m and r.
    QuantizedAdamConfig c = QuantizedAdamConfig.defaults(64.0);
    int n = 300;
    SplittableRandom rnd = new SplittableRandom(5);
    int[] g = randomGradient(rnd, n);
    g[7] = 0;
    int[] master = new int[n];
    int[] w = new int[n];
    new QuantizedAdam(c).step(QuantizedAdamState.initial(c, n, 1), g, -12, master, w);
    for (int i = 0; i < n; i++) {
      int expected = -64 * Integer.signum(g[i]);
      assertTrue(Math.abs(master[i] - expected) <= 16, "element " + i + " moved " + master[i]);
      assertEquals(LearningFixedPoint.shiftRound(master[i], 8), w[i]);
    }
    assertEquals(0, master[7]);
  }

  @Test
  void stochasticRoundingKeepsUpdatesFarBelowOneMasterLsb() {
    // A constant gradient gives m_hat / sqrt(v_hat) = 1, so each step should move lr = 0.1 LSB:
    // round-to-nearest would never move; stochastic rounding moves 0.1 per step on average.
    QuantizedAdamConfig c = QuantizedAdamConfig.defaults(0.1);
    int n = 4096;
    int steps = 200;
    int[] g = new int[n];
    Arrays.fill(g, 20000);
    int[] master = new int[n];
    int[] w = new int[n];
    QuantizedAdam adam = new QuantizedAdam(c);
    QuantizedAdamState s = QuantizedAdamState.initial(c, n, 11);
    for (int t = 0; t < steps; t++) {
      s = adam.step(s, g, -30, master, w);
    }
    double mean = -Arrays.stream(master).average().orElseThrow();
    double expected = c.lrMasterLsb() * steps;
    assertEquals(expected, mean, 0.02 * expected, "mean movement over " + n + " weights");
  }

  @Test
  void sameSeedSameBitsAndCheckpointsResume() {
    QuantizedAdamConfig c = QuantizedAdamConfig.defaults(3.0).withBlockSize(16);
    int n = 100;
    int[][] grads = new int[30][];
    SplittableRandom rnd = new SplittableRandom(9);
    for (int t = 0; t < grads.length; t++) {
      grads[t] = randomGradient(rnd, n);
    }
    QuantizedAdam adam = new QuantizedAdam(c);
    QuantizedAdamState a = QuantizedAdamState.initial(c, n, 42);
    QuantizedAdamState b = QuantizedAdamState.initial(c, n, 42);
    QuantizedAdamState other = QuantizedAdamState.initial(c, n, 43);
    int[] ma = new int[n];
    int[] mb = new int[n];
    int[] mo = new int[n];
    int[] w = new int[n];
    QuantizedAdamState checkpoint = null;
    int[] masterAtCheckpoint = null;
    for (int t = 0; t < grads.length; t++) {
      a = adam.step(a, grads[t], -t, ma, w);
      b = adam.step(b, grads[t], -t, mb, w);
      other = adam.step(other, grads[t], -t, mo, w);
      if (t == 14) {
        checkpoint = a.copy();
        masterAtCheckpoint = ma.clone();
      }
    }
    assertTrue(a.sameBits(b));
    assertArrayEquals(ma, mb);
    assertFalse(a.sameBits(other), "a different seed must draw different rounding");
    for (int t = 15; t < grads.length; t++) {
      checkpoint = adam.step(checkpoint, grads[t], -t, masterAtCheckpoint, w);
    }
    assertTrue(checkpoint.sameBits(a), "resuming from a checkpoint reproduces the run");
    assertArrayEquals(ma, masterAtCheckpoint);
  }

  @Test
  void updatesStayBoundedWhenGradientsStop() {
    // One burst, then zeros for long: sqrt(v) decays but its code never reaches zero, so the
    // ratio m_hat / sqrt(v_hat) stays bounded (float Adam's stays below 1 here).
    QuantizedAdamConfig c = QuantizedAdamConfig.defaults(16.0).withStateBits(4);
    int n = 70;
    int[] g = new int[n];
    g[3] = 30000;
    g[69] = -5;
    int[] master = new int[n];
    int[] w = new int[n];
    QuantizedAdam adam = new QuantizedAdam(c);
    QuantizedAdamState s = adam.step(QuantizedAdamState.initial(c, n, 2), g, 0, master, w);
    Arrays.fill(g, 0);
    for (int t = 0; t < 3000; t++) {
      int[] before = master.clone();
      s = adam.step(s, g, 0, master, w);
      for (int i = 0; i < n; i++) {
        assertTrue(Math.abs(master[i] - before[i]) <= 2 * 16 + 1, "step " + t + " element " + i);
        assertTrue(s.rootV(i) > 0);
      }
    }
    assertEquals(0.0, s.m(3), "m decays to zero");
  }

  @Test
  void biasCorrectionSaturatesOnceBetaPowersUnderflow() {
    QuantizedAdamConfig c = QuantizedAdamConfig.fromFloat(8, 64, 8.0, 0.9, 0.999, 1e-8, 8, 8);
    int[] g = {1000, -1000, 1000};
    int[] master = new int[3];
    int[] w = new int[3];
    QuantizedAdam adam = new QuantizedAdam(c);
    QuantizedAdamState s = QuantizedAdamState.initial(c, 3, 4);
    for (int t = 0; t < 25000; t++) {
      Arrays.fill(master, 0);
      s = adam.step(s, g, -10, master, w);
      if (t == 300) {
        assertEquals(0, s.beta1Pow(), "0.9^t underflows Q0.30 within 300 steps");
      }
    }
    assertEquals(0, s.beta2Pow(), "0.999^t underflows Q0.30 within 25000 steps");
    assertEquals(25000, s.step());
    // constant gradient, bias correction 1: each step moves lr = 8 LSB against the gradient
    assertTrue(Math.abs(master[0] + 8) <= 1 && Math.abs(master[1] - 8) <= 1,
        Arrays.toString(master));
  }

  @Test
  void masterSaturatesAtTheCoreWeightRange() {
    QuantizedAdamConfig c = QuantizedAdamConfig.fromFloat(8, 4, 256.0, 0.9, 0.999, 1e-8, 4, 6);
    int[] g = {-100, 100, 0, 5};
    int[] master = {c.masterMax() - 3, c.masterMin() + 3, 0, 0};
    int[] w = new int[4];
    QuantizedAdam adam = new QuantizedAdam(c);
    new QuantizedAdam(c).step(QuantizedAdamState.initial(c, 4, 0), g, 0, master, w);
    assertEquals(c.masterMax(), master[0]);
    assertEquals(c.masterMin(), master[1]);
    assertEquals(7, w[0]);
    assertEquals(-8, w[1]);
    assertEquals(448, c.masterMax());
    assertTrue(adam.config().equals(c));
  }

  @Test
  void badInputIsRejectedWithItsLocation() {
    QuantizedAdamConfig c = QuantizedAdamConfig.defaults(1.0);
    QuantizedAdam adam = new QuantizedAdam(c);
    QuantizedAdamState s = QuantizedAdamState.initial(c, 3, 0);
    IllegalArgumentException big = assertThrows(IllegalArgumentException.class,
        () -> adam.step(s, new int[] {0, 32768, 0}, 0, new int[3], new int[3]));
    assertTrue(big.getMessage().contains("32768 at 1"), big.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> adam.step(s, new int[2], 0, new int[3], new int[3]));
    assertThrows(IllegalArgumentException.class,
        () -> adam.step(s, new int[3], 0, new int[] {0, 1 << 20, 0}, new int[3]));
    QuantizedAdamState other = QuantizedAdamState.initial(c.withStateBits(4), 3, 0);
    assertThrows(IllegalArgumentException.class,
        () -> adam.step(other, new int[3], 0, new int[3], new int[3]));
    assertThrows(IllegalArgumentException.class, () -> c.withStateBits(6));
    assertThrows(IllegalArgumentException.class,
        () -> QuantizedAdamConfig.fromFloat(8, 64, 1, 0.995, 0.999, 1e-8, 8, 8));
    assertThrows(IllegalArgumentException.class, () -> new QuantizedAdamState(c, 3, new byte[2],
        new byte[1], new byte[3], new byte[1], 0, 1 << 30, 1 << 30, 1));
  }

  @Test
  void memoryPerParameter() {
    QuantizedAdamConfig c8 = QuantizedAdamConfig.defaults(1.0);
    QuantizedAdamConfig c4 = c8.withStateBits(4);
    assertEquals(2.03125, LearningMemory.stateBytesPerParameter(c8));
    assertEquals(1.03125, LearningMemory.stateBytesPerParameter(c4));
    LearningMemory m = LearningMemory.of(c4, 101, 64);
    // 4-bit: 51 + 32 code bytes per moment, 2 + 1 blocks, two scales each, 20 bytes per tensor
    assertEquals(2 * (51 + 32) + 2 * 3 + 40, m.stateBytes());
    assertEquals(165, m.masterExtraBytes());
    assertEquals(QuantizedAdamState.initial(c4, 101, 0).stateBytes()
        + QuantizedAdamState.initial(c4, 64, 0).stateBytes(), m.stateBytes());
    assertTrue(m.describe().contains("4-bit"), m.describe());
  }
}
