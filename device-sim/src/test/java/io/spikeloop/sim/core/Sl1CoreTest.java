package io.spikeloop.sim.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spikeloop.device.WeightTensor;
import io.spikeloop.target.sl1.FixedPoint;
import io.spikeloop.target.sl1.LayerConfig;
import io.spikeloop.target.sl1.NetworkConfig;
import io.spikeloop.target.sl1.OutputConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Sl1CoreTest {

  /**
   * The spec written out literally: dense loops over {@code [post][pre]} weights with the
   * {@link FixedPoint} helpers, for differential tests on random networks.
   */
  private static final class LiteralSpec {
    final NetworkConfig c;
    final int[][] win;
    final int[][] wrec;
    final int[][] b;
    final int[] wout;
    final int[] bout;
    final long[][] u;
    final boolean[][] z;
    final long[] o;

    LiteralSpec(NetworkConfig c, int[][] win, int[][] wrec, int[][] b, int[] wout, int[] bout) {
      this.c = c;
      this.win = win;
      this.wrec = wrec;
      this.b = b;
      this.wout = wout;
      this.bout = bout;
      int n = c.layers().size();
      u = new long[n][];
      z = new boolean[n][];
      for (int l = 0; l < n; l++) {
        u[l] = new long[c.layers().get(l).size()];
        z[l] = new boolean[c.layers().get(l).size()];
      }
      o = new long[c.output().size()];
    }

    void step(boolean[] x) {
      boolean[] in = x;
      for (int l = 0; l < c.layers().size(); l++) {
        LayerConfig lc = c.layers().get(l);
        boolean[] znew = new boolean[lc.size()];
        for (int j = 0; j < lc.size(); j++) {
          long acc = 0;
          for (int i = 0; i < lc.inputs(); i++) {
            acc += in[i] ? win[l][j * lc.inputs() + i] : 0;
          }
          if (lc.recurrent()) {
            for (int i = 0; i < lc.size(); i++) {
              acc += z[l][i] ? wrec[l][j * lc.size() + i] : 0;
            }
          }
          long cur = FixedPoint.scale(acc, lc.wExp()) + b[l][j];
          long v = u[l][j] - (z[l][j] ? lc.theta() : 0);
          u[l][j] = FixedPoint.sat(FixedPoint.decay(v, lc.alpha()) + cur, lc.uBits());
          znew[j] = u[l][j] >= lc.theta();
        }
        z[l] = znew;
        in = znew;
      }
      OutputConfig oc = c.output();
      int m = c.lastHiddenSize();
      for (int k = 0; k < oc.size(); k++) {
        long acc = 0;
        for (int j = 0; j < m; j++) {
          acc += in[j] ? wout[k * m + j] : 0;
        }
        o[k] = FixedPoint.sat(FixedPoint.decay(o[k], oc.kappa()) + FixedPoint.scale(acc, oc.wExp())
            + bout[k], oc.oBits());
      }
    }
  }

  private static int[] random(Random r, int n, int bits) {
    int[] a = new int[n];
    long span = 1L << bits;
    for (int i = 0; i < n; i++) {
      a[i] = (int) (Math.floorMod(r.nextLong(), span) - span / 2);
    }
    return a;
  }

  @Test
  void matchesTheLiteralSpecOnRandomNetworks() {
    Random r = new Random(42);
    for (int trial = 0; trial < 30; trial++) {
      int inputs = 1 + r.nextInt(40);
      int layerCount = 1 + r.nextInt(3);
      List<LayerConfig> layers = new ArrayList<>();
      int fanIn = inputs;
      for (int l = 0; l < layerCount; l++) {
        int size = 1 + r.nextInt(30);
        int uBits = 8 + r.nextInt(25);
        int theta = 1 + r.nextInt((int) Math.min(FixedPoint.maxSigned(uBits), 5000));
        layers.add(new LayerConfig(size, r.nextBoolean(), 2 + r.nextInt(15), r.nextInt(25) - 12,
            uBits, theta, r.nextInt(4097), fanIn));
        fanIn = size;
      }
      NetworkConfig c = new NetworkConfig(inputs, layers, new OutputConfig(1 + r.nextInt(10),
          2 + r.nextInt(15), r.nextInt(13) - 6, 8 + r.nextInt(25), r.nextInt(4097)));
      Sl1Core core = new Sl1Core(c);
      int[][] win = new int[layerCount][];
      int[][] wrec = new int[layerCount][];
      int[][] b = new int[layerCount][];
      for (int l = 0; l < layerCount; l++) {
        LayerConfig lc = layers.get(l);
        win[l] = random(r, lc.size() * lc.inputs(), lc.wBits());
        core.writeWeights(WeightTensor.layerIn(l), win[l]);
        if (lc.recurrent()) {
          wrec[l] = random(r, lc.size() * lc.size(), lc.wBits());
          core.writeWeights(WeightTensor.layerRec(l), wrec[l]);
        }
        b[l] = random(r, lc.size(), Math.min(lc.uBits(), 12));
        core.writeWeights(WeightTensor.layerBias(l), b[l]);
      }
      int[] wout = random(r, c.output().size() * c.lastHiddenSize(), c.output().wBits());
      int[] bout = random(r, c.output().size(), Math.min(c.output().oBits(), 12));
      core.writeWeights(WeightTensor.OUT_W, wout);
      core.writeWeights(WeightTensor.OUT_BIAS, bout);
      LiteralSpec spec = new LiteralSpec(c, win, wrec, b, wout, bout);

      double density = r.nextDouble();
      for (int t = 0; t < 25; t++) {
        boolean[] x = new boolean[inputs];
        int[] ids = new int[inputs];
        int n = 0;
        for (int i = 0; i < inputs; i++) {
          if (r.nextDouble() < density) {
            x[i] = true;
            ids[n++] = i;
          }
        }
        core.step(ids, n);
        spec.step(x);
        for (int l = 0; l < layerCount; l++) {
          int[] u = core.membranes(l);
          for (int j = 0; j < u.length; j++) {
            assertEquals(spec.u[l][j], u[j], "trial " + trial + " step " + t + " layer " + l
                + " neuron " + j + " in " + c);
          }
        }
        for (int k = 0; k < c.output().size(); k++) {
          assertEquals(spec.o[k], core.output(k), "trial " + trial + " step " + t + " output " + k);
        }
      }
    }
  }

  @Test
  void weightsAreReadBackAsWritten() {
    NetworkConfig c = new NetworkConfig(5, List.of(new LayerConfig(3, true, 8, 0, 16, 10, 4096, 5)),
        new OutputConfig(2, 8, 0, 16, 4096));
    Sl1Core core = new Sl1Core(c);
    Random r = new Random(1);
    for (WeightTensor t : c.tensors()) {
      int[] w = random(r, t.length(), Math.min(t.bits(), 8));
      core.writeWeights(t.name(), w);
      assertArrayEquals(w, core.readWeights(t.name()), t.name());
    }
  }

  @Test
  void synapticWorkFollowsEventsNotMatrixSize() {
    NetworkConfig c = new NetworkConfig(100, List.of(new LayerConfig(50, true, 8, 0, 16, 1000, 4096,
        100)), new OutputConfig(4, 8, 0, 16, 4096));
    Sl1Core core = new Sl1Core(c);
    core.step(new int[0], 0);
    assertEquals(0, core.stepSops(), "a silent step adds no weights");
    core.step(new int[] {3, 70}, 2);
    assertEquals(2 * 50, core.stepSops());
  }

  @Test
  void refusesNetworksWhoseSumsCouldOverflowTheAccumulator() {
    // 2^17 inputs of 16-bit weights: 2^17 * 2^15 = 2^32 > 2^31
    NetworkConfig c = new NetworkConfig(1 << 17, List.of(new LayerConfig(1, false, 16, 0, 32, 1,
        4096, 1 << 17)), new OutputConfig(1, 8, 0, 16, 4096));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Sl1Core(c));
    assertTrue(e.getMessage().contains("131072"), e.getMessage());
  }

  @Test
  void badStateIsRefusedWithoutChangingAnything() {
    NetworkConfig c = new NetworkConfig(2, List.of(new LayerConfig(3, false, 8, 0, 8, 10, 4096, 2)),
        new OutputConfig(1, 8, 0, 8, 4096));
    Sl1Core core = new Sl1Core(c);
    core.setState(new int[][] {{1, 2, 3}}, new byte[][] {{0, 1, 0}}, new int[] {5});
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> core.setState(new int[][] {{9, 9, 128}}, new byte[][] {{0, 0, 0}}, new int[] {0}));
    assertTrue(e.getMessage().contains("128") && e.getMessage().contains("uBits 8"), e.getMessage());
    assertArrayEquals(new int[] {1, 2, 3}, core.membranes(0));
    assertArrayEquals(new byte[] {0, 1, 0}, core.lastSpikeFlags(0));
    assertArrayEquals(new int[] {5}, core.outputs());
  }
}
