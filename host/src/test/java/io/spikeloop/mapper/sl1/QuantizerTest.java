package io.spikeloop.mapper.sl1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spikeloop.device.ReadoutLevel;
import io.spikeloop.device.SpikeFrame;
import io.spikeloop.device.StepResult;
import io.spikeloop.mapper.FloatReference;
import io.spikeloop.model.SnnConfig;
import io.spikeloop.model.SnnParameters;
import io.spikeloop.model.Surrogate;
import io.spikeloop.sim.SimDevice;
import io.spikeloop.target.sl1.FixedPoint;
import io.spikeloop.target.sl1.LayerConfig;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class QuantizerTest {

  private static SnnParameters net(int inputs, int hidden, boolean recurrent, int outputs,
                                   double gain, long seed) {
    SnnConfig c = new SnnConfig(inputs, List.of(hidden), recurrent, outputs, 0.95, 0.9, 1.0,
        Surrogate.DEFAULT);
    SnnParameters p = SnnParameters.initialise(c, seed);
    for (var t : p.tensors()) {
      double[] v = t.values();
      for (int i = 0; i < v.length; i++) {
        v[i] *= gain;
      }
    }
    return p;
  }

  private static TensorReport report(MappedNetwork m, String name) {
    return m.tensors().stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void scalesThresholdAndDecaysAndUsesTheWeightRange() {
    SnnParameters p = net(10, 6, true, 3, 1, 1);
    p.wIn(0)[0] = 0.5; // the largest |w| of layer 0 (initialise draws within 1/sqrt(10))
    QuantizationOptions q = new QuantizationOptions(8, 16, 24, 4, 100);
    MappedNetwork m = Quantizer.map(p, q);
    LayerConfig l = m.config().layers().get(0);
    // theta 1 at 2^(16-1-4): s = 2048; 0.5 * 2048 = 1024 needs 2^4 to fit 127: wExp 4, int 64
    assertEquals(2048, l.theta());
    assertEquals(4, l.wExp());
    assertEquals(64, m.weights().get("layer0.in")[0]);
    assertEquals(Math.round(0.95 * 4096), l.alpha());
    assertEquals(Math.round(0.9 * 4096), m.config().output().kappa());
    assertEquals(0, m.clipped());
    for (String name : List.of("layer0.in", "layer0.rec", "out.w")) {
      int maxInt = Arrays.stream(m.weights().get(name)).map(Math::abs).max().orElseThrow();
      assertTrue(maxInt <= 127, name);
      TensorReport r = report(m, name);
      assertTrue(r.maxAbsError() <= r.step() / 2 + 1e-15, name + " rounds to nearest: " + r);
    }
    int outMax = Arrays.stream(m.weights().get("out.w")).map(Math::abs).max().orElseThrow();
    assertTrue(outMax > 63, "the output exponent uses the upper half of the range, got " + outMax);
  }

  @Test
  void aLowerPercentileClipsOutliersAndReportsThem() {
    SnnParameters p = net(50, 8, false, 2, 1, 2);
    p.wIn(0)[7] = 20; // one outlier
    MappedNetwork all = Quantizer.map(p, new QuantizationOptions(4, 16, 24, 4, 100));
    MappedNetwork clipped = Quantizer.map(p, new QuantizationOptions(4, 16, 24, 4, 99));
    assertEquals(0, all.clipped());
    TensorReport r = report(clipped, "layer0.in");
    assertEquals(1, r.clipped());
    assertEquals(7, clipped.weights().get("layer0.in")[7], "saturated to the 4-bit maximum");
    assertTrue(r.maxAbsError() > 10, r.toString());
    assertTrue(report(all, "layer0.in").step() > r.step(), "clipping buys resolution");
  }

  @Test
  void biasesThatDoNotFitTheMembraneAreClipped() {
    SnnParameters p = net(4, 3, false, 2, 1, 3);
    p.bias(0)[1] = 100; // 100 thresholds with 2^4 of headroom
    MappedNetwork m = Quantizer.map(p, new QuantizationOptions(8, 16, 24, 4, 100));
    assertEquals(1, report(m, "layer0.bias").clipped());
    assertEquals(FixedPoint.maxSigned(16), m.weights().get("layer0.bias")[1]);
  }

  @Test
  void badOptionsNameTheValue() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new QuantizationOptions(17, 32, 32, 4, 100));
    assertTrue(e.getMessage().contains("17"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new QuantizationOptions(8, 8, 32, 7, 100));
    assertTrue(e.getMessage().contains("headroom"), e.getMessage());
  }

  /** Steps with identical spike trains from the start, and overall spike agreement. */
  private record Tracking(int identicalSteps, double agreement, long floatSpikes) {}

  /**
   * Runs a random recurrent network (gain 2: ~10% activity) in float and on the simulator. While
   * the spike trains are identical, outputs may differ only by rounding (kappa's Q0.12 rounding
   * dominates); once a spike near the threshold flips, the chaotic trajectories part and only
   * the statistics count.
   */
  private static Tracking track(QuantizationOptions q) {
    SnnParameters p = net(40, 30, true, 5, 2, 4);
    MappedNetwork m = Quantizer.map(p, q);
    FloatReference ref = new FloatReference(p);
    SplittableRandom r = new SplittableRandom(5);
    long agree = 0;
    long total = 0;
    long spikes = 0;
    int identicalSteps = 0;
    boolean identicalSoFar = true;
    try (SimDevice d = new SimDevice()) {
      m.loadInto(d);
      for (int t = 0; t < 200; t++) {
        int[] ids = r.ints(40, 0, 40).filter(i -> r.nextDouble() < 0.1).sorted().distinct().toArray();
        StepResult s = d.step(new SpikeFrame(ids), ReadoutLevel.SPIKES);
        ref.step(ids, 0, ids.length);
        boolean[] fixed = new boolean[30];
        for (int id : s.spikes()[0]) {
          fixed[id] = true;
        }
        for (int j = 0; j < 30; j++) {
          agree += fixed[j] == ref.fired(0, j) ? 1 : 0;
          identicalSoFar &= fixed[j] == ref.fired(0, j);
          spikes += ref.fired(0, j) ? 1 : 0;
        }
        total += 30;
        if (identicalSoFar) {
          identicalSteps++;
          if (q.weightBits() == 16) {
            for (int k = 0; k < 5; k++) {
              assertEquals(ref.output(k), s.outputs()[k] / m.outputScale(),
                  2e-3 * (1 + Math.abs(ref.output(k))), "output " + k + " at step " + t);
            }
          }
        }
      }
    }
    return new Tracking(identicalSteps, agree / (double) total, spikes);
  }

  @Test
  void sixteenBitWideStateTracksTheFloatModelAndFourBitsDoNot() {
    Tracking wide = track(QuantizationOptions.WIDE);
    Tracking four = track(QuantizationOptions.WIDE.withWeightBits(4));
    assertTrue(wide.floatSpikes() > 400, "the test network should be active: " + wide);
    assertTrue(wide.identicalSteps() >= 50, "16-bit: " + wide);
    assertTrue(wide.agreement() >= 0.9, "16-bit: " + wide);
    assertTrue(four.identicalSteps() < wide.identicalSteps(), "4-bit " + four + " vs 16-bit " + wide);
  }
}
