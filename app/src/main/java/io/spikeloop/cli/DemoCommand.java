package io.spikeloop.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spikeloop.data.DatasetOptions;
import io.spikeloop.data.DatasetSplit;
import io.spikeloop.data.Datasets;
import io.spikeloop.demo.ContinualDemo;
import io.spikeloop.demo.ContinualMethod;
import io.spikeloop.demo.ContinualReport;
import io.spikeloop.demo.ContinualResult;
import io.spikeloop.demo.ContinualSettings;
import io.spikeloop.demo.ContinualStream;
import io.spikeloop.device.Devices;
import io.spikeloop.mapper.MappingOptions;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code spikeloop demo continual}: demonstrations of what the hardware loop can do. */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Demonstrations on a device.",
    subcommands = {DemoCommand.ContinualCommand.class, CueAccumulationCommand.class})
public final class DemoCommand implements Runnable {
  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "continual", mixinStandardHelpOptions = true,
      description = {"On-device continual learning: the core learns on-chip from a stream whose "
          + "classes (or speakers) arrive in stages; accuracy on what has been seen, forgetting "
          + "and energy per sample over the stream, against a frozen model trained on the first "
          + "stage only. Defaults run in about a minute on 2 cores.", ""},
      footer = {"", "Examples:", "  ./spikeloop demo continual --out runs/continual",
          "  ./spikeloop demo continual --device remote://127.0.0.1:7010 --json",
          "  ./spikeloop demo continual --dataset shd:data/hd.h5 --stream speakers --stages 3",
          "", "See docs/demo.md."})
  static final class ContinualCommand implements Callable<Integer> {
    /** The best method measured on the default stream (docs/demo.md). */
    static final String DEFAULT_METHOD = "prototype";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Option(names = "--device", defaultValue = "sim", paramLabel = "NAME", description = "A "
        + "device with on-chip learning: sim[:...], remote://HOST:PORT, board:... "
        + "(default: ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--dataset", defaultValue = "synthetic", paramLabel = "NAME",
        description = "synthetic, nmnist:PATH or shd:PATH (default: ${DEFAULT-VALUE}).")
    String dataset;

    @Option(names = "--stream", defaultValue = "classes", paramLabel = "classes|speakers",
        description = "What changes between stages (default: ${DEFAULT-VALUE}; speakers needs "
            + "recordings with speaker ids, e.g. shd).")
    String stream;

    @Option(names = "--stages", defaultValue = "4", description = "Stages (default: "
        + "${DEFAULT-VALUE}).")
    int stages;

    @Option(names = "--samples-per-stage", defaultValue = "200", description = "Training samples "
        + "streamed per stage (default: ${DEFAULT-VALUE}).")
    int samplesPerStage;

    @Option(names = "--test-per-stage", defaultValue = "60", description = "Evaluation samples "
        + "per stage (default: ${DEFAULT-VALUE}).")
    int testPerStage;

    @Option(names = "--eval-every", defaultValue = "50", description = "Measure every N "
        + "streamed samples and at each stage's end (default: ${DEFAULT-VALUE}).")
    int evalEvery;

    @Option(names = "--hidden", defaultValue = "32", description = "Hidden neurons "
        + "(default: ${DEFAULT-VALUE}).")
    int hidden;

    @Option(names = "--steps", paramLabel = "T", description = "Time steps per sample (default: "
        + "50 on synthetic, else the dataset's).")
    Integer steps;

    @Option(names = "--lr", defaultValue = "2e-3", description = "Adam learning rate of the "
        + "engine (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--weight-bits", defaultValue = "" + MappingOptions.DEFAULT_WEIGHT_BITS,
        description = "Core weight width (default: ${DEFAULT-VALUE}).")
    int weightBits;

    @Option(names = "--adam-bits", defaultValue = "8", paramLabel = "8|4", description = "Adam "
        + "state width on the core (default: ${DEFAULT-VALUE}).")
    int adamBits;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of initialisation, stream "
        + "order and rounding (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--tau-out", paramLabel = "MS", defaultValue = "20", description = "Output "
        + "time constant, in ms of the demo's time step (default: ${DEFAULT-VALUE}); longer lets "
        + "the last-step readout see more of a sample.")
    double tauOut;

    @Option(names = "--method", defaultValue = ContinualCommand.DEFAULT_METHOD, paramLabel = "NAME",
        description = "How the learner meets later stages: ${COMPLETION-CANDIDATES} (default: "
            + "${DEFAULT-VALUE}; see docs/demo.md).", completionCandidates = MethodNames.class)
    String method;

    @Option(names = "--buffer-bytes", paramLabel = "N", description = "Rehearsal buffer budget "
        + "in bytes of device memory, held in its sample store (default: 10 %% of the network's"
        + " weight memory).")
    Long bufferBytes;

    @Option(names = "--no-joint", description = "Skip the upper bound (the network learning "
        + "on-chip from all stages shuffled), which costs one more pass over the stream.")
    boolean noJoint;

    @Option(names = "--out", paramLabel = "DIR", description = "Write continual.csv, PNG charts "
        + "and continual.html here.")
    Path out;

    @Option(names = "--json", description = "End with one JSON line of the summary.")
    boolean json;

    @Option(names = "--one-device", description = "Run the arms (learner, frozen copy, upper "
        + "bound) one after another, one device open at a time (automatic for remote://, whose "
        + "server admits one client; use it for a lab's single board). Same results, longer.")
    boolean oneDevice;

    @Override
    public Integer call() throws Exception {
      PrintWriter stdout = spec.commandLine().getOut();
      if (!ContinualStream.KINDS.contains(stream)) {
        throw new IllegalArgumentException("--stream must be one of " + ContinualStream.KINDS
            + ", got '" + stream + "'");
      }
      ContinualMethod m = ContinualMethod.named(method);
      Integer t = steps != null ? steps : dataset.equals("synthetic") ? Integer.valueOf(50) : null;
      DatasetSplit data = Datasets.open(dataset, new DatasetOptions(null, t, seed));
      ContinualStream s = switch (stream) {
        case "classes" -> ContinualStream.byClasses(data, stages, samplesPerStage, testPerStage,
            seed);
        case "speakers" -> ContinualStream.bySpeakers(data, stages, samplesPerStage,
            testPerStage, seed);
        default -> throw new IllegalStateException("checked above: " + stream);
      };
      double stepMs = dataset.startsWith("nmnist") ? 3.0 : 1.0;
      ContinualSettings settings = new ContinualSettings(hidden, lr, weightBits, adamBits,
          evalEvery, stepMs, seed, tauOut);
      Map<String, String> shown = new LinkedHashMap<>();
      shown.put("device", device);
      shown.put("dataset", dataset + " (" + data.train().channels() + " channels, "
          + data.train().classes() + " classes, " + data.train().steps() + " steps)");
      shown.put("stream", stream + ": " + String.join(" | ", s.stages().stream()
          .map(st -> st.name() + " (" + st.train().size() + " train, " + st.test().size()
              + " eval)").toList()));
      shown.put("network", "ff " + data.train().channels() + "-" + hidden + "-"
          + data.train().classes() + ", tau_out " + tauOut + " ms, on-chip tBPTT1, Adam lr " + lr
          + ", " + weightBits
          + "-bit weights, " + adamBits + "-bit Adam state");
      shown.put("method", method);
      shown.put("seed", String.valueOf(seed));
      if (!json) {
        shown.forEach((k, v) -> stdout.printf("%s: %s%n", k, v));
        stdout.flush();
      }
      ContinualResult r = ContinualDemo.run(s, data.train().channels(), data.train().classes(),
          () -> Devices.open(device), settings, m, bufferBytes == null ? -1 : bufferBytes,
          !noJoint, oneDevice ? ContinualDemo.Arms.ONE_AT_A_TIME
              : ContinualDemo.Arms.forDevice(device));
      stdout.print(ContinualReport.table(r));
      stdout.print(ContinualReport.summary(r));
      stdout.printf(Locale.ROOT, "learning on-chip: %.1f %% on all seen, %.1f %% on stages 1.., "
              + "forgetting %.1f points; frozen: %.1f %% on all seen, %.1f %% on stages 1..%n",
          100 * r.lastLearning().seenAccuracy(),
          100 * ContinualResult.laterStagesAccuracy(r.lastLearning()),
          100 * r.lastLearning().forgetting(), 100 * r.lastFrozen().seenAccuracy(),
          100 * ContinualResult.laterStagesAccuracy(r.lastFrozen()));
      if (r.meanLearningJoulesPerSample() == 0 && r.meanLearningCyclesPerSample() == 0) {
        // a board without cycle or energy model (board:ref) reports neither: say so, not "0 uJ"
        stdout.printf(Locale.ROOT, "device cost per learned sample: not modelled by %s "
            + "(%.1f s wall)%n", r.device(), r.seconds());
      } else {
        stdout.printf(Locale.ROOT, "device cost per learned sample: %.2f uJ, %.0f cycles "
                + "(%.1f s wall)%n", 1e6 * r.meanLearningJoulesPerSample(),
            r.meanLearningCyclesPerSample(), r.seconds());
      }
      if (out != null) {
        ContinualReport.write(r, shown, out);
        stdout.println("wrote " + out.resolve(ContinualReport.HTML) + ", "
            + ContinualReport.CSV + " and " + String.join(", ", ContinualReport.PNGS));
      }
      if (json) {
        stdout.println(JSON.writeValueAsString(summary(r)));
      }
      stdout.flush();
      return 0;
    }

    private ObjectNode summary(ContinualResult r) {
      ObjectNode node = JSON.createObjectNode().put("device", r.device())
          .put("dataset", dataset).put("stream", r.stream()).put("stages", r.stageNames().size())
          .put("samples", r.lastLearning().samples())
          .put("method", r.method())
          .put("seenAccuracy", r.lastLearning().seenAccuracy())
          .put("frozenSeenAccuracy", r.lastFrozen().seenAccuracy())
          .put("laterStagesAccuracy", ContinualResult.laterStagesAccuracy(r.lastLearning()))
          .put("frozenLaterStagesAccuracy", ContinualResult.laterStagesAccuracy(r.lastFrozen()))
          .put("forgetting", r.lastLearning().forgetting())
          .put("bufferBytes", r.memory().methodBytes())
          .put("rehearsalBytes", r.memory().bufferBytes())
          .put("rehearsalBudgetBytes", r.memory().bufferBudget())
          .put("prototypeBytes", r.memory().prototypeBytes())
          .put("anchorBytes", r.memory().anchorBytes())
          .put("weightBytes", r.memory().weightBytes())
          .put("joulesPerSample", r.meanLearningJoulesPerSample())
          .put("cyclesPerSample", r.meanLearningCyclesPerSample())
          .put("seconds", r.seconds());
      if (Double.isNaN(r.jointAccuracy())) {
        node.putNull("jointAccuracy");
      } else {
        node.put("jointAccuracy", r.jointAccuracy());
      }
      var matrix = node.putArray("accuracyMatrix");
      for (double[] row : r.learningMatrix()) {
        var a = matrix.addArray();
        for (double v : row) {
          if (Double.isNaN(v)) {
            a.addNull();
          } else {
            a.add(v);
          }
        }
      }
      return node;
    }
  }

  /** The method names, for --help. */
  static final class MethodNames extends java.util.ArrayList<String> {
    MethodNames() {
      super(ContinualMethod.names());
    }
  }
}
