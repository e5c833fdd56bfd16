package io.spikeloop.cli;

import io.spikeloop.device.Device;
import io.spikeloop.device.Devices;
import io.spikeloop.sim.reckon.CueAccumulation;
import io.spikeloop.target.reckon.ReckonChip;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code demo cue-accumulation}: ReckOn's own task as its upstream testbench runs it (on-chip
 * e-prop from the given initial weights; {@code docs/reckon.md}), on any reckon device.
 */
@Command(name = "cue-accumulation", mixinStandardHelpOptions = true,
    description = "ReckOn's cue-accumulation testbench on a reckon device: on-chip e-prop from "
        + "the upstream initial weights, per-epoch train/test accuracy, cycles and energy per "
        + "sample.")
final class CueAccumulationCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--device", defaultValue = "sim:reckon", paramLabel = "NAME",
      description = "A reckon device: sim:reckon or board:reckon (default: ${DEFAULT-VALUE}).")
  String device;

  @Option(names = "--epochs", defaultValue = "3", description = "Epochs (default: "
      + "${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--data", paramLabel = "DIR", description = "The testbench data folder "
      + "(default: ../shared/boards/reckon/upstream/src/data).")
  Path data = CueAccumulation.DEFAULT_DATA;

  @Option(names = "--train-samples", paramLabel = "N", description = "Use only the first N "
      + "training samples (default: all).")
  int trainSamples = Integer.MAX_VALUE;

  @Option(names = "--test-samples", paramLabel = "N", description = "Use only the first N test "
      + "samples (default: all).")
  int testSamples = Integer.MAX_VALUE;

  @Option(names = "--json", description = "Print the result as one JSON object on the last line.")
  boolean json;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    long t0 = System.nanoTime();
    List<CueAccumulation.Epoch> run;
    try (Device d = Devices.open(device)) {
      ReckonChip chip = d.extension(ReckonChip.class).orElseThrow(() ->
          new IllegalArgumentException("demo cue-accumulation needs a reckon device (sim:reckon "
              + "or board:reckon); " + device + " is of target " + d.info().target()));
      run = CueAccumulation.run(chip, data, epochs, false, trainSamples, testSamples);
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    if (json) {
      StringBuilder sb = new StringBuilder("{\"command\": \"demo cue-accumulation\", \"device\": \"")
          .append(device).append("\", \"testAccuracy\": ")
          .append(String.format(Locale.ROOT, "%.4f", run.get(run.size() - 1).testAccuracy()))
          .append(String.format(Locale.ROOT, ", \"seconds\": %.1f, \"epochs\": [", seconds));
      for (int i = 0; i < run.size(); i++) {
        sb.append(i == 0 ? "" : ", ").append(run.get(i).json());
      }
      out.println(sb.append("]}"));
    } else {
      for (CueAccumulation.Epoch e : run) {
        out.printf(Locale.ROOT, "epoch %d: train %.1f%%, test %.1f%%, %.0f cycles and %.3g J per "
                + "sample%n", e.epoch(), 100 * e.trainAccuracy(), 100 * e.testAccuracy(),
            e.cyclesPerSample(), e.joulesPerSample());
      }
      out.printf(Locale.ROOT, "%s, %.1f s%n", device, seconds);
    }
    out.flush();
    return 0;
  }
}
