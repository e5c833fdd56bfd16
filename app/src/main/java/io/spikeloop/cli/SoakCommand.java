package io.spikeloop.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spikeloop.data.DatasetOptions;
import io.spikeloop.data.Datasets;
import io.spikeloop.data.SpikeDataset;
import io.spikeloop.fault.Fault;
import io.spikeloop.fault.Soak;
import io.spikeloop.placement.PlacementSettings;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code spikeloop soak}: a long served-device run with faults injected at random (loopback). */
@Command(name = "soak", mixinStandardHelpOptions = true,
    description = {"Serve a device on loopback behind a fault-injecting proxy (frames dropped, "
        + "delayed, corrupted, garbage injected, stalls, cut connections) and kill and restart "
        + "the server now and then, while a client runs the steps, recovers from device "
        + "checkpoints and checks every step against an in-process reference. Reports steps, "
        + "faults, recoveries and mismatches (which must be 0).",
        "With --learning both devices learn on chip (labelled frames, the on-chip placement's "
        + "learning configuration); checkpoints include the learning state and are compared "
        + "with the reference's.", ""},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:no mismatch", "1:mismatches found", "2:bad input or the soak gave up"},
    footer = {"", "Examples (docs/hil.md):",
        "  ./spikeloop soak --device board:ref --steps 20000 --fault-rate 0.01 --kill-every 155",
        "  ./spikeloop soak --learning --device board:ref --steps 20000 --fault-rate 0.01"})
public final class SoakCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--device", defaultValue = "sim", paramLabel = "D",
      description = "Device to serve (default: ${DEFAULT-VALUE}).")
  String device;

  @Option(names = "--reference", defaultValue = "sim", paramLabel = "D",
      description = "In-process reference device (default: ${DEFAULT-VALUE}).")
  String reference;

  @Option(names = "--dataset", defaultValue = "synthetic", paramLabel = "NAME",
      description = "Inputs (test samples in order; default: ${DEFAULT-VALUE}).")
  String dataset;

  @Option(names = "--steps", defaultValue = "10000", description = "Time steps "
      + "(default: ${DEFAULT-VALUE}).")
  long steps;

  @Option(names = "--chunk", defaultValue = "16", description = "Steps per call "
      + "(default: ${DEFAULT-VALUE}).")
  int chunk;

  @Option(names = "--fault-rate", defaultValue = "0.01", paramLabel = "P",
      description = "Probability of a fault per frame (default: ${DEFAULT-VALUE}).")
  double faultRate;

  @Option(names = "--faults", split = ",", paramLabel = "KIND",
      description = "Kinds to inject (default: all of ${COMPLETION-CANDIDATES} but NONE).")
  List<Fault> faults = new ArrayList<>();

  @Option(names = "--kill-every", defaultValue = "155", paramLabel = "CHUNKS",
      description = "Kill and restart the server every so many chunks, 0 = never "
          + "(default: ${DEFAULT-VALUE}).")
  int killEvery;

  @Option(names = "--checkpoint-every", defaultValue = "10", paramLabel = "CHUNKS",
      description = "Write the device checkpoint file every so many chunks (default: "
          + "${DEFAULT-VALUE}).")
  int checkpointEvery;

  @Option(names = "--timeout-ms", defaultValue = "250", description = "Client request timeout "
      + "(default: ${DEFAULT-VALUE}; --learning on large networks: a learning chunk takes longer, "
      + "give it 1000).")
  long timeoutMs;

  @Option(names = "--hidden", split = ",", description = "Hidden sizes of the random recurrent "
      + "network (default: 64).")
  List<Integer> hidden = new ArrayList<>();

  @Option(names = "--seed", defaultValue = "1", description = "Seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--learning", description = "Both devices learn on chip: labelled frames, "
      + "the network and learning configuration of the on-chip placement, checkpoints with the "
      + "learning state.")
  boolean learning;

  @Option(names = "--lr", defaultValue = "1e-3", description = "--learning: Adam learning rate "
      + "(default: ${DEFAULT-VALUE}).")
  double lr;

  @Option(names = "--reference-learning-seed", paramLabel = "SEED", description = "--learning: "
      + "another stochastic-rounding seed for the reference, to see the check fail (default: "
      + "--seed).")
  Long referenceLearningSeed;

  @Option(names = "--json", description = "Print the figures as one JSON object on the last line.")
  boolean json;

  /** Held so the level sticks: the servers' per-connection INFO lines would bury the figures. */
  private static final java.util.logging.Logger REMOTE_LOG =
      java.util.logging.Logger.getLogger("io.spikeloop.remote");

  @Override
  public Integer call() throws Exception {
    REMOTE_LOG.setLevel(java.util.logging.Level.WARNING);
    PrintWriter out = spec.commandLine().getOut();
    SpikeDataset data = Datasets.open(dataset, DatasetOptions.defaults(seed)).test();
    Path dir = Files.createTempDirectory("spikeloop-soak");
    Path checkpoint = dir.resolve("device.slc");
    Fault[] kinds = faults.isEmpty() ? Fault.injectable() : faults.toArray(Fault[]::new);
    Soak.Settings settings = new Soak.Settings(device, reference, steps, chunk, faultRate, kinds,
        killEvery, seed, Duration.ofMillis(timeoutMs), hidden.isEmpty() ? List.of(64) : hidden,
        checkpoint, checkpointEvery);
    if (learning) {
      settings = settings.withLearning(PlacementSettings.defaults(lr, seed),
          PlacementSettings.defaults(lr, referenceLearningSeed == null ? seed
              : referenceLearningSeed));
    } else if (referenceLearningSeed != null) {
      throw new IllegalArgumentException("--reference-learning-seed needs --learning");
    }
    if (!json) {
      out.printf(Locale.ROOT, "soak%s: %s served on loopback behind a faulty link, reference %s, "
          + "%d steps in chunks of %d, fault rate %.3f per frame, server killed every %d chunks%n",
          learning ? " --learning" : "", device, reference, steps, chunk, faultRate, killEvery);
      out.flush();
    }
    Soak.Figures f;
    try {
      f = Soak.run(settings, data, line -> {
        if (!json) {
          out.println(line);
          out.flush();
        }
      });
    } finally {
      Files.deleteIfExists(checkpoint);
      Files.deleteIfExists(dir);
    }
    if (json) {
      ObjectNode o = new ObjectMapper().createObjectNode();
      o.put("command", "soak").put("device", device).put("reference", reference)
          .put("steps", f.steps()).put("replayedSteps", f.replayedSteps())
          .put("chunks", f.chunks())
          .put("framesToServer", f.framesToServer()).put("framesToClient", f.framesToClient())
          .put("faultsInjected", f.injectedTotal()).put("serverKills", f.serverKills())
          .put("failedCalls", f.failures()).put("recoveries", f.recoveries())
          .put("checkpointsWritten", f.checkpointsWritten()).put("mismatches", f.mismatches())
          .put("seconds", f.seconds()).put("learning", f.learning());
      if (f.learning()) {
        o.put("learningRefusals", f.learningRefusals()).put("stateChecks", f.stateChecks())
            .put("stateMismatches", f.stateMismatches())
            .put("learningUpdates", f.learningUpdates())
            .put("weightsChanged", f.weightsChanged());
      }
      ObjectNode kindsNode = o.putObject("faults");
      f.injected().forEach((k, v) -> kindsNode.put(k.name(), v));
      out.println(new ObjectMapper().writeValueAsString(o));
    } else {
      out.printf(Locale.ROOT, "%d steps (+%d replayed after resuming) in %d chunks, %.1f s; "
          + "frames %d to the server, %d back%n", f.steps(), f.replayedSteps(), f.chunks(),
          f.seconds(), f.framesToServer(), f.framesToClient());
      out.printf(Locale.ROOT, "faults injected %d %s, server kills %d%n", f.injectedTotal(),
          f.injected(), f.serverKills());
      out.printf(Locale.ROOT, "failed calls %d, recoveries %d, checkpoints written %d, "
          + "mismatches %d%n", f.failures(), f.recoveries(), f.checkpointsWritten(), f.mismatches());
      if (f.learning()) {
        out.printf(Locale.ROOT, "learning: %d parameter updates, %d weights moved; refused after "
            + "a restart (learning state lost) %d; state checks %d, state mismatches %d%n",
            f.learningUpdates(), f.weightsChanged(), f.learningRefusals(), f.stateChecks(),
            f.stateMismatches());
      }
      if (f.firstError() != null) {
        out.println("first error seen by the client: " + f.firstError());
      }
    }
    out.flush();
    return f.clean() ? 0 : 1;
  }
}
