package io.spikeloop.sim.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spikeloop.device.Device;
import io.spikeloop.device.Devices;
import io.spikeloop.device.ReadoutLevel;
import io.spikeloop.device.SpikeFrame;
import io.spikeloop.device.StepResult;
import io.spikeloop.sim.SimOptions;
import io.spikeloop.target.TargetState;
import io.spikeloop.target.sl1.ChipInstance;
import io.spikeloop.target.sl1.LayerConfig;
import io.spikeloop.target.sl1.NetworkConfig;
import io.spikeloop.target.sl1.OutputConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Imperfect chips: mismatch, noise and event loss, reproducible per instance. */
class ChipInstanceTest {
  private static final int INPUTS = 64;
  private static final int HIDDEN = 48;
  private static final int OUTPUTS = 5;
  private static final NetworkConfig NET = new NetworkConfig(INPUTS,
      List.of(new LayerConfig(HIDDEN, true, 8, 4, 24, 4000, 3900, INPUTS)),
      new OutputConfig(OUTPUTS, 8, 2, 24, 3900));

  private static List<SpikeFrame> frames(int steps, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<SpikeFrame> frames = new ArrayList<>();
    for (int t = 0; t < steps; t++) {
      List<Integer> ids = new ArrayList<>();
      for (int i = 0; i < INPUTS; i++) {
        if (r.nextInt(4) == 0) {
          ids.add(i);
        }
      }
      frames.add(new SpikeFrame(ids.stream().mapToInt(Integer::intValue).toArray()));
    }
    return frames;
  }

  private static Device loaded(String name) {
    Device d = Devices.open(name);
    d.configure(NET);
    SplittableRandom r = new SplittableRandom(7);
    for (String t : List.of("layer0.in", "layer0.rec", "out.w")) {
      int[] w = new int[NET.tensor(t).length()];
      for (int i = 0; i < w.length; i++) {
        w[i] = r.nextInt(-60, 128);
      }
      d.writeWeights(t, w);
    }
    return d;
  }

  /** Outputs and hidden spikes of every step, as one list of arrays. */
  private static List<int[]> run(Device d, List<SpikeFrame> frames) {
    List<int[]> trace = new ArrayList<>();
    for (SpikeFrame f : frames) {
      StepResult r = d.step(f, ReadoutLevel.SPIKES);
      trace.add(r.outputs());
      trace.add(r.spikes()[0]);
    }
    return trace;
  }

  private static void assertSameTrace(List<int[]> a, List<int[]> b) {
    assertEquals(a.size(), b.size());
    for (int i = 0; i < a.size(); i++) {
      assertArrayEquals(a.get(i), b.get(i), "entry " + i);
    }
  }

  private static boolean sameTrace(List<int[]> a, List<int[]> b) {
    for (int i = 0; i < a.size(); i++) {
      if (!java.util.Arrays.equals(a.get(i), b.get(i))) {
        return false;
      }
    }
    return true;
  }

  @Test
  void zeroSpreadNoiseAndDropIsTheBitExactCore() {
    assertTrue(SimOptions.parse("sim:mismatch=0,instance=9,noise=0,drop=0").chip().perfect());
    List<SpikeFrame> frames = frames(60, 1);
    try (Device exact = loaded("sim"); Device zero = loaded("sim:mismatch=0,instance=9,noise=0")) {
      assertSameTrace(run(exact, frames), run(zero, frames));
    }
  }

  @Test
  void anInstanceIsReproducibleAndDiffersFromAnother() {
    List<SpikeFrame> frames = frames(60, 2);
    String a = "sim:mismatch=0.1,instance=1,noise=200,drop=0.05";
    List<int[]> first;
    try (Device d = loaded(a)) {
      first = run(d, frames);
    }
    try (Device d = loaded(a)) {
      assertSameTrace(first, run(d, frames));
    }
    try (Device exact = loaded("sim"); Device other = loaded(
        "sim:mismatch=0.1,instance=2,noise=200,drop=0.05")) {
      assertFalse(sameTrace(first, run(other, frames)), "instance 2 behaves as instance 1");
      assertFalse(sameTrace(first, run(exact, frames)), "instance 1 behaves as the exact core");
    }
  }

  @Test
  void restoringAStateContinuesTheSameNoiseAndLosses() {
    String name = "sim:mismatch=0.05,instance=3,noise=500,drop=0.1";
    List<SpikeFrame> frames = frames(40, 3);
    try (Device d = loaded(name); Device e = loaded(name)) {
      run(d, frames.subList(0, 20));
      TargetState mid = d.state();
      List<int[]> rest = run(d, frames.subList(20, 40));
      e.restore(mid);
      assertSameTrace(rest, run(e, frames.subList(20, 40)));
    }
  }

  @Test
  void thresholdsAndLeaksSpreadAsStated() {
    int n = 1000;
    NetworkConfig wide = new NetworkConfig(4, List.of(new LayerConfig(n, false, 8, 0, 24, 40000,
        4000, 4)), new OutputConfig(2, 8, 0, 24, 4096));
    Sl1Core core = new Sl1Core(wide, Sl1Core.UNLIMITED, new ChipInstance(0.1, 5, 0, 0));
    double sum = 0;
    double sq = 0;
    int leakBelow = 0;
    for (int j = 0; j < n; j++) {
      double rel = core.threshold(0, j) / 40000.0 - 1;
      sum += rel;
      sq += rel * rel;
      assertTrue(Math.abs(rel) <= 0.1 * Math.sqrt(12) + 1e-4, "threshold beyond 3.46 sigma: " + rel);
      assertTrue(core.leak(0, j) >= 0 && core.leak(0, j) <= 4096);
      leakBelow += core.leak(0, j) < 4000 ? 1 : 0;
    }
    double mean = sum / n;
    double sd = Math.sqrt(sq / n - mean * mean);
    assertEquals(0, mean, 0.01);
    assertEquals(0.1, sd, 0.01);
    assertTrue(leakBelow > 400 && leakBelow < 600, "leaks below nominal: " + leakBelow);
    Sl1Core same = new Sl1Core(wide, Sl1Core.UNLIMITED, new ChipInstance(0.1, 5, 0, 0));
    for (int j = 0; j < n; j++) {
      assertEquals(core.threshold(0, j), same.threshold(0, j));
    }
  }

  @Test
  void dropLosesInputEventsAtTheStatedRate() {
    Sl1Core core = new Sl1Core(NET, Sl1Core.UNLIMITED, new ChipInstance(0, 0, 0, 0.25));
    int[] all = new int[INPUTS];
    for (int i = 0; i < INPUTS; i++) {
      all[i] = i;
    }
    long lost = 0;
    for (int t = 0; t < 500; t++) {
      core.step(all, INPUTS, t);
      lost += core.stepLostInputs();
      assertEquals(INPUTS - core.stepLostInputs(), core.arrivedEvents(0));
    }
    assertEquals(0.25, lost / (500.0 * INPUTS), 0.01);
  }

  @Test
  void membraneNoiseHasTheStatedSpread() {
    // No weights, no leak, no threshold crossing: the membrane is a random walk of the noise.
    NetworkConfig quiet = new NetworkConfig(4, List.of(new LayerConfig(400, false, 8, 0, 24,
        (1 << 23) - 1, 4096, 4)), new OutputConfig(2, 8, 0, 24, 4096));
    Sl1Core core = new Sl1Core(quiet, Sl1Core.UNLIMITED, new ChipInstance(0, 0, 100, 0));
    core.step(new int[0], 0, 0);
    double sq = 0;
    for (int j = 0; j < 400; j++) {
      sq += (double) core.membrane(0, j) * core.membrane(0, j);
    }
    assertEquals(100, Math.sqrt(sq / 400), 10);
  }

  @Test
  void badInstanceOptionsAreRefusedByName() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SimOptions.parse("sim:mismatch=1.5"));
    assertTrue(e.getMessage().contains("mismatch spread must be in [0, 1], got 1.5"),
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> SimOptions.parse("sim:drop=1"));
    assertTrue(e.getMessage().contains("drop probability"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> SimOptions.parse("sim:instance=x"));
    assertTrue(e.getMessage().contains("instance=x"), e.getMessage());
  }
}
