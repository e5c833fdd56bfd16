package io.spikeloop.hil.board;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.spikeloop.device.Device;
import io.spikeloop.device.Devices;
import io.spikeloop.device.ReadoutLevel;
import io.spikeloop.device.SpikeFrame;
import io.spikeloop.device.StepResult;
import io.spikeloop.device.Telemetry;
import io.spikeloop.device.WeightTensor;
import io.spikeloop.sim.SimDevice;
import io.spikeloop.target.sl1.LayerConfig;
import io.spikeloop.target.sl1.NetworkConfig;
import io.spikeloop.target.sl1.OutputConfig;
import io.spikeloop.target.sl1.Sl1Device;
import io.spikeloop.target.sl1.Sl1Target;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The simulator and the board run side by side, in batches on the board and step by step on the
 * simulator, and must agree on every spike, membrane, output and SOP count of every step, and on
 * the telemetry counters they share.
 */
class BoardSimLockstepTest {

  /** SHD-size: 700 inputs at ~3% density, 450 recurrent LIF, 20 outputs, random int8 weights. */
  @Test
  void shdSizeNetworkOnRandomInputAgreesEveryStep() {
    NetworkConfig net = new NetworkConfig(700, List.of(
        new LayerConfig(450, true, 8, 0, 20, 1100, 3900, 700)),
        new OutputConfig(20, 8, -1, 20, 3900));
    Random rnd = new Random(2024);
    List<SpikeFrame> frames = new ArrayList<>();
    for (int t = 0; t < 300; t++) {
      TreeSet<Integer> ids = new TreeSet<>();
      for (int i = 0; i < 700; i++) {
        if (rnd.nextDouble() < 0.03) {
          ids.add(i);
        }
      }
      frames.add(new SpikeFrame(ids.stream().mapToInt(Integer::intValue).toArray()));
    }
    long spikes = runLockstep(net, frames, 99);
    assertTrue(spikes > 300 * 450 / 100, "the net must spike (>1%) to be a test: " + spikes);
  }

  /**
   * Real spike trains: the SHD conversion (lauscher, 70 channels) of four Heidelberg Digits
   * recordings, 2 ms bins, into a 70-200(rec)-100(rec)-20 network.
   */
  @Test
  void realHeidelbergDigitsSpikeTrainsAgreeEveryStep() throws IOException {
    Path dir = Path.of(System.getProperty("spikeloop.data", "../shared/data"),
        "heidelberg-digits", "lauscher-70ch");
    assumeTrue(Files.isDirectory(dir), "real data absent: " + dir.toAbsolutePath()
        + " (set -Dspikeloop.data); skipping the real-data lock-step run");
    List<SpikeFrame> frames = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path csv : files.filter(p -> p.toString().endsWith(".csv")).sorted().toList()) {
        frames.addAll(binned(csv, 0.002, SpikeFrame.NO_LABEL));
      }
    }
    assertTrue(frames.size() > 1000, "expected four recordings of ~1 s, got " + frames.size());
    NetworkConfig net = new NetworkConfig(70, List.of(
        new LayerConfig(200, true, 8, 2, 16, 1500, 3800, 70),
        new LayerConfig(100, true, 6, 3, 16, 1200, 4000, 200)),
        new OutputConfig(20, 8, 0, 24, 4000));
    long spikes = runLockstep(net, frames, 7);
    assertTrue(spikes > frames.size(), "the net must spike to be a test: " + spikes);
  }

  /**
   * Spike ids per {@code bin} seconds from a {@code time_s,channel} CSV, every frame carrying
   * {@code label} ({@link SpikeFrame#NO_LABEL} for forward runs).
   */
  static List<SpikeFrame> binned(Path csv, double bin, int label) throws IOException {
    List<TreeSet<Integer>> steps = new ArrayList<>();
    List<String> lines = Files.readAllLines(csv);
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",");
      int t = (int) (Double.parseDouble(f[0]) / bin);
      while (steps.size() <= t) {
        steps.add(new TreeSet<>());
      }
      steps.get(t).add(Integer.parseInt(f[1].trim()));
    }
    return steps.stream()
        .map(s -> new SpikeFrame(s.stream().mapToInt(Integer::intValue).toArray(), label)).toList();
  }

  /**
   * Writes the same random weights into every device: biases in [-16, 16), other tensors over
   * their whole signed width.
   */
  static void writeSameRandomWeights(NetworkConfig net, Random rnd, Device... devices) {
    for (WeightTensor t : net.tensors()) {
      int[] w = new int[t.length()];
      int span = t.cols() == 1 ? 16 : 1 << (t.bits() - 1);
      for (int i = 0; i < w.length; i++) {
        w[i] = rnd.nextInt(2 * span) - span;
      }
      for (Device d : devices) {
        d.writeWeights(t.name(), w);
      }
    }
  }

  /** Runs both devices and compares every step; returns the hidden spikes seen. */
  private static long runLockstep(NetworkConfig net, List<SpikeFrame> frames, long seed) {
    try (Device sim = new SimDevice(); Device board = Devices.open("board:ref")) {
      Random rnd = new Random(seed);
      for (Device d : List.of(sim, board)) {
        d.configure(net);
      }
      writeSameRandomWeights(net, rnd, sim, board);
      List<StepResult> onBoard = new ArrayList<>();
      for (int from = 0; from < frames.size(); from += 100) {
        onBoard.addAll(board.run(frames.subList(from, Math.min(frames.size(), from + 100)),
            ReadoutLevel.FULL));
      }
      long spikes = 0;
      for (int t = 0; t < frames.size(); t++) {
        StepResult s = sim.step(frames.get(t), ReadoutLevel.FULL);
        StepResult b = onBoard.get(t);
        assertEquals(s.step(), b.step(), "step counter at " + t);
        assertArrayEquals(s.spikes(), b.spikes(), "spikes at step " + t);
        assertArrayEquals(s.membranes(), b.membranes(), "membranes at step " + t);
        assertArrayEquals(s.outputs(), b.outputs(), "outputs at step " + t);
        assertEquals(s.sops(), b.sops(), "sops at step " + t);
        for (int[] layer : b.spikes()) {
          spikes += layer.length;
        }
      }
      Telemetry ts = sim.telemetry();
      Telemetry tb = board.telemetry();
      assertEquals(ts.steps(), tb.steps(), "telemetry steps");
      assertEquals(ts.sops(), tb.sops(), "telemetry sops");
      assertEquals(ts.count(Sl1Target.NEURON_UPDATES), tb.count(Sl1Target.NEURON_UPDATES), "telemetry neuron updates");
      assertEquals(ts.count(Sl1Target.HIDDEN_SPIKES), tb.count(Sl1Target.HIDDEN_SPIKES), "telemetry hidden spikes");
      assertEquals(ts.count(Sl1Target.SATURATIONS), tb.count(Sl1Target.SATURATIONS), "telemetry saturations");
      assertEquals(Sl1Device.state(sim).membranes().length, Sl1Device.state(board).membranes().length);
      assertArrayEquals(Sl1Device.state(sim).membranes(), Sl1Device.state(board).membranes(), "final membranes");
      return spikes;
    }
  }
}
