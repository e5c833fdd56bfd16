package io.spikeloop.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spikeloop.data.DatasetOptions;
import io.spikeloop.data.Datasets;
import io.spikeloop.data.SpikeDataset;
import io.spikeloop.device.Device;
import io.spikeloop.device.Devices;
import io.spikeloop.diff.Divergence;
import io.spikeloop.diff.LearningLockstep;
import io.spikeloop.diff.LockstepDiff;
import io.spikeloop.mapper.MappingOptions;
import io.spikeloop.mapper.RandomNetworkSpec;
import io.spikeloop.mapper.RandomTargetNetwork;
import io.spikeloop.mapper.TargetMapper;
import io.spikeloop.mapper.TargetMapping;
import io.spikeloop.mapper.TargetMappers;
import io.spikeloop.model.ModelFile;
import io.spikeloop.model.SnnParameters;
import io.spikeloop.sim.reckon.CueAccumulation;
import io.spikeloop.target.TargetNetwork;
import io.spikeloop.target.TargetState;
import io.spikeloop.target.reckon.ReckonTarget;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code spikeloop diff}: two devices in lock-step, the first disagreement or N agreeing steps. */
@Command(name = "diff", mixinStandardHelpOptions = true,
    description = {"Run two devices side by side on the same network and inputs and report the "
        + "first step, layer, neuron and variable where they differ (with both values), or that "
        + "all steps agreed. Per-step 64-bit hashes of the readouts keep it cheap.", ""},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:all steps agreed", "1:the devices diverged", "2:bad input or a device error"},
    footer = {"", "Examples:",
        "  ./spikeloop diff --a sim --b board:ref --steps 10000",
        "  ./spikeloop diff --a sim --b remote://127.0.0.1:7000 \\",
        "      --dataset nmnist:../shared/data/nmnist-small --steps 5000 --json",
        "  ./spikeloop diff --a sim --b board:ref --run runs/rsnn --weight-bits 8",
        "  ./spikeloop diff --a sim:reckon --b board:reckon --run runs/reckon-shaped \\",
        "      --dataset nmnist:../shared/data/nmnist-small#pool=4",
        "  ./spikeloop diff --a sim --b board:ref --learning --steps 500",
        "      (both learning engines on, labels from the dataset; after every step the",
        "      readout, the core weights and the learning state are compared)",
        "  ./spikeloop diff --a sim:reckon --b board:reckon --learning --steps 2000",
        "      (e-prop on both; the device states with the eligibility traces too)",
        "  ./spikeloop diff --a sim:reckon --b board:reckon --learning \\",
        "      --task cue-accumulation --steps 4498 --check-every 2249"})
public final class DiffCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--a", defaultValue = "sim", paramLabel = "DEVICE",
      description = "First device (default: ${DEFAULT-VALUE}).")
  String a;

  @Option(names = "--b", required = true, paramLabel = "DEVICE",
      description = "Second device: sim, board:NAME, remote://HOST:PORT, sim:reckon, ...")
  String b;

  @Option(names = "--dataset", defaultValue = "synthetic", paramLabel = "NAME",
      description = "Inputs: synthetic, nmnist:PATH or shd:PATH; test samples in order, both "
          + "devices reset at each sample (default: ${DEFAULT-VALUE}).")
  String dataset;

  @Option(names = "--steps", defaultValue = "2000", paramLabel = "N",
      description = "Time steps to compare (default: ${DEFAULT-VALUE}).")
  long steps;

  @Option(names = "--run", paramLabel = "DIR", description = "Network from a train run folder "
      + "(model.slm, mapped onto the devices' target by its mapper; sl1: 32-bit membranes and "
      + "outputs); default: a seeded random network.")
  Path run;

  @Option(names = "--weight-bits", defaultValue = "" + MappingOptions.DEFAULT_WEIGHT_BITS,
      paramLabel = "N",
      description = "With --run: weight width (default: ${DEFAULT-VALUE}).")
  int weightBits;

  @Option(names = "--hidden", split = ",", paramLabel = "N",
      description = "Random network: hidden layer sizes (default: 64).")
  List<Integer> hidden = new ArrayList<>();

  @Option(names = "--feed-forward", description = "Random network without recurrent weights.")
  boolean feedForward;

  @Option(names = "--seed", defaultValue = "1", description = "Seed of the random network and "
      + "the dataset (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--json", description = "Print the result as one JSON object on the last line.")
  boolean json;

  @Option(names = "--learning", description = "Learning mode: both devices learn on chip "
      + "(labels from the dataset); per step the readout, the core weights and the learning "
      + "state (sl1: quantized Adam state and masters, one hidden layer only; reckon: e-prop, "
      + "with the device state holding its eligibility traces) are compared.")
  boolean learning;

  @Option(names = "--adam-bits", defaultValue = "8", paramLabel = "8|4",
      description = "Learning mode: Adam state bits (default: ${DEFAULT-VALUE}).")
  int adamBits;

  @Option(names = "--block", defaultValue = "64", paramLabel = "N",
      description = "Learning mode: Adam block size (default: ${DEFAULT-VALUE}).")
  int block;

  @Option(names = "--lr-q16", defaultValue = "4194304", paramLabel = "N",
      description = "Learning mode: learning rate of every tensor in master LSBs, Q16.16 "
          + "(default: ${DEFAULT-VALUE} = 64 master LSBs).")
  int lrQ16;

  @Option(names = "--output-frac-bits", defaultValue = "6", paramLabel = "N",
      description = "Learning mode: outputs are read as o * 2^-N (default: ${DEFAULT-VALUE}).")
  int outputFracBits;

  @Option(names = "--learning-seed", defaultValue = "1", paramLabel = "N",
      description = "Learning mode: seed of the stochastic-rounding generators "
          + "(default: ${DEFAULT-VALUE}).")
  long learningSeed;

  @Option(names = "--b-learning-seed", paramLabel = "N", description = "Learning mode: device "
      + "b's seed instead (a deliberate difference, to see the diff find it).")
  Long bLearningSeed;

  @Option(names = "--b-lr-q16", paramLabel = "N", description = "Learning mode: device b's "
      + "learning rate instead (a deliberate difference).")
  Integer bLrQ16;

  @Option(names = "--b-rate-shift", paramLabel = "TENSOR=N", description = "Learning mode, "
      + "target reckon: device b's right shift of one tensor's update probability (SPI_LR_R_*; "
      + "w_in, w_rec or w_out) instead (a deliberate difference).")
  Map<String, Integer> bRateShift = new LinkedHashMap<>();

  @Option(names = "--label-from", paramLabel = "N", description = "Learning mode: the first "
      + "step of each sample whose frame carries the label (default: 0 on sl1; on reckon 1, as "
      + "the chip loses a label sent before a sample's first tick, or 2100 with --task "
      + "cue-accumulation).")
  Integer labelFrom;

  @Option(names = "--check-every", defaultValue = "1", paramLabel = "N", description = "Learning "
      + "mode: read back and compare the weights and states after every N steps (and after the "
      + "last); the readout is compared on every step (default: ${DEFAULT-VALUE}).")
  int checkEvery;

  @Option(names = "--progress", defaultValue = "0", paramLabel = "N", description = "Learning "
      + "mode: print the agreeing steps so far to stderr every N steps (default: never).")
  long progressEvery;

  @Option(names = "--task", paramLabel = "NAME", description = "Target reckon: "
      + "cue-accumulation, ReckOn's own task (the upstream testbench's 40-100-2 network, its "
      + "initial weights and training samples, 2,249 steps each, labels from step 2,100) instead "
      + "of a random network and --dataset.")
  String task;

  @Option(names = "--task-data", paramLabel = "DIR", description = "With --task "
      + "cue-accumulation: the testbench data folder (default: "
      + "../shared/boards/reckon/upstream/src/data).")
  Path taskData = CueAccumulation.DEFAULT_DATA;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    if (steps < 1) {
      throw new IllegalArgumentException("--steps must be >= 1, got " + steps);
    }
    checkLearningOptions();
    SpikeDataset data = task != null ? null
        : Datasets.open(dataset, DatasetOptions.defaults(seed)).test();
    SnnParameters trained = null;
    if (run != null) {
      Path model = run.resolve("model.slm");
      if (!Files.isRegularFile(model)) {
        throw new IllegalArgumentException("no model.slm in run folder " + run);
      }
      trained = ModelFile.read(model);
    }
    TargetNetwork network = null; // chosen below, once the devices' target and limits are known
    Map<String, int[]> weights = null;
    String source = null;
    LockstepDiff.Report report = null;
    LearningLockstep.Report learned = null;
    String kindA;
    String kindB;
    boolean reckonLearning = false;
    try (Device da = Devices.open(a); Device db = Devices.open(b)) {
      kindA = da.info().kind();
      kindB = db.info().kind();
      boolean reckon = ReckonTarget.ID.equals(da.info().target());
      if (!reckon && task != null) {
        throw new IllegalArgumentException("--task is for target reckon; " + a + " is of target "
            + da.info().target());
      }
      TargetMapper mapper = TargetMappers.forDevice(da);
      if (run != null) {
        // The trained model, mapped by the mapper of the devices' target.
        MappingOptions options = MappingOptions.builder().weightBits(weightBits).build();
        TargetMapping mapping = mapper.map(trained, options, da.info().limits());
        network = mapping.network();
        weights = mapping.weights();
        source = run.resolve("model.slm") + " (" + weightBits + "-bit weights)";
        if (network.inputs() < data.channels()) {
          throw new IllegalArgumentException("the network of " + run + " has "
              + network.inputs() + " inputs, dataset " + dataset + " " + data.channels()
              + " channels");
        }
      } else if (task != null) {
        CueAccumulationTask cue = CueAccumulationTask.read(taskData);
        network = cue.network();
        weights = cue.weights();
        data = cue.samples();
        source = "cue-accumulation 40-100-2 (" + taskData + ", initial weights)";
      } else {
        // A random network of the devices' target, within both devices' limits; wider data is
        // folded onto its inputs.
        RandomTargetNetwork r = mapper.randomNetwork(new RandomNetworkSpec(data.channels(),
            hidden, !feedForward, data.classes(), learning, seed),
            List.of(da.info().limits(), db.info().limits()));
        network = r.network();
        weights = r.weights();
        source = "random " + r.shape() + ", seed " + seed + (network.inputs() < data.channels()
            ? " (" + data.channels() + " channels folded onto " + network.inputs() + " inputs)"
            : "");
      }
      if (learning) {
        TargetState la = mapper.lockstepLearning(network, learningSettings(false));
        TargetState lb = mapper.lockstepLearning(network, learningSettings(true));
        if (reckon) {
          learned = LearningLockstep.run(da, db, network, weights, la, lb, data, steps,
              reckonOptions(), this::progress);
          reckonLearning = true;
        } else {
          learned = LearningLockstep.run(da, db, network, weights, la, lb, data, steps,
              LearningLockstep.Options.EVERY_STEP, null);
        }
      } else {
        report = LockstepDiff.run(da, db, network, weights, data, steps);
      }
    }
    if (learned != null) {
      printLearning(out, learned, kindA, kindB, source, data.name(), reckonLearning);
      return learned.agreed() ? 0 : 1;
    }
    if (!json) {
      out.printf(Locale.ROOT, "diff %s (%s) vs %s (%s): network %s, inputs %s, readout %s%n", a,
          kindA, b, kindB, source, data.name(), report.level());
      if (!report.equivalence().bitExact()) {
        out.printf(Locale.ROOT, "compared within %s: %d steps, largest output difference %d, "
                + "spike disagreement %d of %d neuron-steps (%.4f)%n", report.equivalence(),
            report.steps(), report.maxOutputDifference(), report.spikeDisagreements(),
            report.neuronSteps(), report.spikeDisagreementRate());
      }
      if (report.agreed() && !report.equivalence().bitExact()) {
        out.printf(Locale.ROOT, "%d steps within the tolerance (hashes %016x and %016x, %d hidden "
                + "spikes of a, %.2f s)%n", report.steps(), report.hashA(), report.hashB(),
            report.hiddenSpikes(), report.seconds());
      } else if (report.agreed()) {
        out.printf(Locale.ROOT, "%d steps agreed (hash %016x, %d hidden spikes, %.2f s, %.0f "
                + "steps/s)%n", report.steps(), report.hashA(), report.hiddenSpikes(),
            report.seconds(), report.steps() / report.seconds());
      } else {
        out.printf(Locale.ROOT, "DIVERGED at %s%n", report.divergence().describe());
      }
    } else {
      ObjectNode o = new ObjectMapper().createObjectNode();
      o.put("command", "diff").put("a", a).put("b", b).put("kindA", kindA).put("kindB", kindB)
          .put("dataset", dataset).put("network", source)
          .put("readout", report.level().name()).put("requestedSteps", steps)
          .put("steps", report.steps()).put("agreed", report.agreed())
          .put("hashA", String.format("%016x", report.hashA()))
          .put("hashB", String.format("%016x", report.hashB()))
          .put("hiddenSpikes", report.hiddenSpikes()).put("seconds", report.seconds())
          .put("equivalence", report.equivalence().toString())
          .put("maxOutputDifference", report.maxOutputDifference())
          .put("spikeDisagreements", report.spikeDisagreements())
          .put("neuronSteps", report.neuronSteps());
      Divergence d = report.divergence();
      if (d != null) {
        o.putObject("divergence").put("step", d.step()).put("sample", d.sample())
            .put("sampleStep", d.sampleStep()).put("variable", d.variable())
            .put("layer", d.layer()).put("neuron", d.neuron()).put("a", d.a()).put("b", d.b());
      }
      out.println(new ObjectMapper().writeValueAsString(o));
    }
    out.flush();
    return report.agreed() ? 0 : 1;
  }

  /** The options of the other target's learning mode, given explicitly, are refused by name. */
  private void checkLearningOptions() {
    if (task != null && !task.equals("cue-accumulation")) {
      throw new IllegalArgumentException("unknown --task " + task + " (known: cue-accumulation)");
    }
    if (task != null && (run != null || matched("--dataset"))) {
      throw new IllegalArgumentException("--task " + task + " brings its own network and "
          + "inputs: leave out " + (run != null ? "--run" : "--dataset"));
    }
    if (!learning) {
      for (String o : List.of("--b-rate-shift", "--label-from", "--check-every", "--progress")) {
        if (matched(o)) {
          throw new IllegalArgumentException(o + " is for learning mode (--learning)");
        }
      }
    }
    if (checkEvery < 1) {
      throw new IllegalArgumentException("--check-every must be >= 1, got " + checkEvery);
    }
  }

  private boolean matched(String option) {
    return spec.commandLine().getParseResult().hasMatchedOption(option);
  }

  /**
   * The learning settings given on the command line, by the names the target's lock-step
   * learning takes (the options without {@code --}); device b's with its {@code --b-*}
   * deliberate differences in place of device a's. Settings not given are the target's
   * defaults (SL-1's are these options' defaults); a setting the target does not take is refused
   * by it, naming the setting.
   */
  private Map<String, String> learningSettings(boolean deviceB) {
    Map<String, String> settings = new LinkedHashMap<>();
    Map<String, Object> given = new LinkedHashMap<>();
    given.put("--adam-bits", adamBits);
    given.put("--block", block);
    given.put("--lr-q16", lrQ16);
    given.put("--output-frac-bits", outputFracBits);
    given.put("--learning-seed", learningSeed);
    given.forEach((option, value) -> {
      if (matched(option)) {
        settings.put(option.substring(2), String.valueOf(value));
      }
    });
    if (deviceB) {
      if (bLrQ16 != null) {
        settings.put("lr-q16", String.valueOf(bLrQ16));
      }
      if (bLearningSeed != null) {
        settings.put("learning-seed", String.valueOf(bLearningSeed));
      }
      bRateShift.forEach((tensor, shift) -> settings.put("rate-shift." + tensor,
          String.valueOf(shift)));
    }
    return settings;
  }

  /**
   * How a reckon learning diff runs: labels from --label-from (default 1: the chip loses a label
   * sent before a sample's first tick; 2100 with --task cue-accumulation), folded onto the
   * outputs where the dataset has more classes, states compared every --check-every steps.
   */
  private LearningLockstep.Options reckonOptions() {
    int from = labelFrom != null ? labelFrom : task != null ? CueAccumulation.TARGET_TICK : 1;
    return new LearningLockstep.Options(from, true, checkEvery, progressEvery);
  }

  private void progress(long agreed, long changes, double seconds) {
    PrintWriter err = spec.commandLine().getErr();
    err.printf(Locale.ROOT, "%d learning steps agree (%d weight changes, %.0f s, %.1f "
        + "steps/s)%n", agreed, changes, seconds, agreed / seconds);
    err.flush();
  }

  private void printLearning(PrintWriter out, LearningLockstep.Report r, String kindA,
                             String kindB, String source, String inputs, boolean reckonLearning)
      throws Exception {
    if (!json) {
      out.printf(Locale.ROOT, "diff --learning %s (%s) vs %s (%s): network %s, inputs %s, "
          + "readout %s, %s%n", a, kindA, b, kindB, source, inputs, r.level(),
          reckonLearning ? "e-prop, states compared every " + checkEvery + " steps"
              : adamBits + "-bit Adam state");
      if (r.agreed() && reckonLearning) {
        out.printf(Locale.ROOT, "%d learning steps agreed: readouts, device states, weights and "
                + "learning state (hash %016x, %d ticks with e-prop, %d weight changes, %.2f s, "
                + "%.1f steps/s)%n", r.steps(), r.hashA(), r.updates(), r.weightChanges(),
            r.seconds(), r.steps() / r.seconds());
      } else if (r.agreed()) {
        out.printf(Locale.ROOT, "%d learning steps agreed: readouts, weights and learning state "
                + "(hash %016x, %d parameter updates, %.2f s)%n", r.steps(), r.hashA(),
            r.updates(), r.seconds());
      } else if (r.readout() != null) {
        out.printf(Locale.ROOT, "DIVERGED at %s%n", r.readout().describe());
      } else {
        out.printf(Locale.ROOT, "DIVERGED %s%n", r.state().describe());
      }
    } else {
      ObjectNode o = new ObjectMapper().createObjectNode();
      o.put("command", "diff").put("mode", "learning").put("a", a).put("b", b)
          .put("kindA", kindA).put("kindB", kindB).put("dataset", dataset).put("network", source)
          .put("readout", r.level().name()).put("requestedSteps", steps).put("steps", r.steps())
          .put("agreed", r.agreed()).put("hashA", String.format("%016x", r.hashA()))
          .put("hashB", String.format("%016x", r.hashB())).put("updates", r.updates())
          .put("weightChanges", r.weightChanges()).put("checkEvery", checkEvery)
          .put("checks", r.checks()).put("seconds", r.seconds())
          .put("stepsPerSecond", r.steps() / r.seconds());
      if (task != null) {
        o.put("task", task);
      }
      Divergence d = r.readout();
      if (d != null) {
        o.putObject("divergence").put("step", d.step()).put("sample", d.sample())
            .put("sampleStep", d.sampleStep()).put("variable", d.variable())
            .put("layer", d.layer()).put("neuron", d.neuron()).put("a", d.a()).put("b", d.b());
      }
      LearningLockstep.StateDivergence s = r.state();
      if (s != null) {
        o.putObject("divergence").put("step", s.step()).put("sample", s.sample())
            .put("sampleStep", s.sampleStep()).put("part", s.part().name())
            .put("tensor", s.tensor())
            .put("variable", s.variable()).put("index", s.index()).put("a", s.a())
            .put("b", s.b());
      }
      out.println(new ObjectMapper().writeValueAsString(o));
    }
    out.flush();
  }
}
