package io.spikeloop.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.spikeloop.placement.LearningCost;
import io.spikeloop.report.RunReport;
import io.spikeloop.run.RunFolder;
import io.spikeloop.run.TrainOptions;
import io.spikeloop.run.TrainResult;
import io.spikeloop.run.TrainRun;
import io.spikeloop.train.EpochMetrics;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code spikeloop train}: parses the options into {@link TrainOptions}, runs {@link TrainRun}
 * and prints its progress and result; the report is drawn from the finished run folder.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
    defaultValueProvider = TrainCommand.Defaults.class,
    description = {"Train a spiking network (LIF hidden layers, leaky-integrator output, per-step "
        + "cross-entropy, double-Gaussian surrogate) with tBPTT1, BPTT or tBPTT-k.", ""},
    footer = {"", "Examples:",
        "  ./spikeloop train                  # synthetic task, RSNN 700-450-20, tbptt1",
        "  ./spikeloop train --model ff --epochs 3 --json",
        "  ./spikeloop train --dataset nmnist:../shared/data/nmnist-small \\",
        "      --hidden 200 --out runs/nmnist",
        "  ./spikeloop train --mode tbptt-k --k 10 --optimizer sgd --momentum 0.9",
        "  ./spikeloop train --placement on-chip --device sim --hidden 64 --weight-bits 8 \\",
        "      --adam-bits 8",
        "  ./spikeloop train --placement on-chip --mode eprop --hidden 32 --batch 1",
        "  ./spikeloop train --model ff --optimizer qadam --adam-bits 4 --block 64",
        "",
        "Speech defaults (every shd: dataset; explicit options override them):",
        "tau-mem = tau-out = 200 ms, --readout sum, --channel-jitter 20, --lr-schedule",
        "cosine; tbptt1 --lr 3e-5 --betas 0.995,0.9999 --eps 1e-6; bptt --lr 2e-3",
        "(docs/results.md, R1). The objective options (--loss-skip, --loss-mask, --rate-penalty,",
        "--weight-decay) apply to every mode alike and default to the plain per-step",
        "cross-entropy.",
        "",
        "Run folder (--out, refused when it already holds a run unless --force):",
        "config.json (every option, dt in ms, versions, machine; docs/java-api.md),",
        "metrics.csv (one row per epoch), model.slm (weights, see",
        "io.spikeloop.model.ModelFile), result.json (the --json summary),",
        "checkpoint.slc (with --checkpoint-every; see docs/hil.md),",
        "report.html (charts, open in a browser; see docs/reports.md).",
        "",
        "Checkpoints: --checkpoint-every 20 --out DIR saves weights, optimizer state and",
        "data order every 20 batches and after each epoch (device placements: also the",
        "device's weights, state and, on-chip, its learning engine's state); ./spikeloop",
        "train --resume DIR continues bit-identically with the options the run started",
        "with, on a fresh device (add --epochs N to extend a finished run)."})
public final class TrainCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Option(names = "--dataset", paramLabel = "NAME",
      description = "synthetic, nmnist:PATH or shd:PATH[#test-speakers=IDS|#test-trials=IDS] "
          + "(default: ${DEFAULT-VALUE}; shd: the speech defaults).")
  String dataset;

  @Option(names = "--model", paramLabel = "ff|rsnn",
      description = "Feed-forward or recurrent hidden layers (default: ${DEFAULT-VALUE}).")
  String model;

  @Option(names = "--hidden", split = ",", paramLabel = "N",
      description = "Hidden layer sizes, repeatable or comma-separated (default: 450).")
  List<Integer> hidden;

  @Option(names = "--mode", paramLabel = "tbptt1|bptt|tbptt-k|eprop",
      description = "Training mode; eprop: e-prop with eligibility traces, one update per step "
          + "like tbptt1, on the host or (--placement on-chip) in SL-1's learning engine "
          + "(default: ${DEFAULT-VALUE}).")
  String mode;

  @Option(names = "--k", description = "Chunk length of tbptt-k (default: "
      + "${DEFAULT-VALUE}).")
  Integer k;

  @Option(names = "--feedback", paramLabel = "symmetric|random", description = "e-prop's "
      + "learning signal: through W_out (symmetric) or a fixed random matrix drawn from the seed "
      + "(default: ${DEFAULT-VALUE}).")
  String feedback;

  @Option(names = "--optimizer", paramLabel = "adam|sgd|qadam",
      description = "Optimizer: adam and sgd with PyTorch's update rules; qadam = the learning "
          + "engine's integer Adam with quantized state and int16 master weights, on the "
          + "reference trainer (default: ${DEFAULT-VALUE}).")
  String optimizer;

  @Option(names = "--adam", paramLabel = "dense|lazy|catchup",
      description = "Adam schedule (float adam): dense = every parameter steps at every update; "
          + "lazy = only parameters with a nonzero gradient (SparseAdam); catchup = lazy with the "
          + "skipped updates applied in closed form (docs/learning-engine.md section 10) "
          + "(default: ${DEFAULT-VALUE}).")
  String adamSchedule;

  @Option(names = "--adam-bits", paramLabel = "8|4",
      description = "qadam, near-chip and on-chip: bits per m and sqrt(v) code (default: "
          + "${DEFAULT-VALUE}).")
  Integer adamBits;

  @Option(names = "--block", paramLabel = "N",
      description = "qadam, near-chip and on-chip: elements sharing one block scale (default: "
          + "${DEFAULT-VALUE}).")
  Integer block;

  @Option(names = "--lr", description = "Learning rate (default: adam 1e-4 for tbptt1, which "
      + "updates at every step, 1e-3 for bptt and tbptt-k; shd: 3e-5 and 2e-3 at the peak of the cosine "
      + "schedule; sgd 0.05).")
  Double lr;

  @Option(names = "--betas", split = ",", paramLabel = "B1,B2",
      description = "Adam betas (default: 0.9,0.999; shd with tbptt1: 0.995,0.9999).")
  List<Double> betas;

  @Option(names = "--eps", description = "Adam eps, added after the square root (default: 1e-8; "
      + "shd with tbptt1: 1e-6).")
  Double eps;

  @Option(names = "--momentum", description = "SGD momentum (default: "
      + "${DEFAULT-VALUE}).")
  Double momentum;

  @Option(names = "--epochs", description = "Epochs (default: "
      + "${DEFAULT-VALUE}).")
  Integer epochs;

  @Option(names = "--batch", description = "Batch size (default: "
      + "${DEFAULT-VALUE}).")
  Integer batch;

  @Option(names = "--seed", description = "Seed of initialisation, data and "
      + "shuffling (default: ${DEFAULT-VALUE}).")
  Long seed;

  @Option(names = "--dt", paramLabel = "MS", description = "Time step in ms for event datasets "
      + "(default: the dataset's; nmnist 3 ms, shd 10 ms).")
  Double dt;

  @Option(names = "--steps", description = "Time steps per sample (default: the dataset's; "
      + "synthetic 100, nmnist 105).")
  Integer steps;

  @Option(names = "--tau-mem", paramLabel = "MS", description = "Membrane time constant: "
      + "alpha = exp(-dt/tau) (default: 20 ms; shd: 200 ms).")
  Double tauMem;

  @Option(names = "--tau-out", paramLabel = "MS", description = "Output time constant: "
      + "kappa = exp(-dt/tau) (default: 20 ms; shd: 200 ms).")
  Double tauOut;

  @Option(names = "--readout", paramLabel = "last|sum",
      description = "Prediction from the output at the last step or summed over steps "
          + "(default: last; shd: sum).")
  String readout;

  @Option(names = "--time-shift", paramLabel = "N",
      description = "Augmentation: move each training sample by a random number of steps in "
          + "[-N, N] (spikes moved out are dropped) (default: ${DEFAULT-VALUE}).")
  Integer timeShift;

  @Option(names = "--channel-jitter", paramLabel = "N",
      description = "Augmentation: move all input channels of a training sample by one random "
          + "offset in [-N, N] (channels moved out are dropped) (default: 0; shd: 20).")
  Integer channelJitter;

  @Option(names = "--input-dropout", paramLabel = "P",
      description = "Augmentation: drop each input spike of a training sample with probability "
          + "P, no rescaling (default: ${DEFAULT-VALUE}).")
  Double inputDropout;

  @Option(names = "--blend", paramLabel = "P",
      description = "Augmentation: with probability P mix a training sample with another of its "
          + "class (time-aligned, each spike kept with probability 1/2; label unchanged) "
          + "(default: ${DEFAULT-VALUE}).")
  Double blend;

  @Option(names = "--lr-schedule", paramLabel = "constant|cosine",
      description = "Learning rate over the epochs: constant, or cosine from --lr at the first "
          + "epoch to near 0 at the last (per epoch; host-float float32 only) (default: "
          + "constant; shd: cosine where it is implemented, else constant).")
  String lrSchedule;

  @Option(names = "--loss-skip", paramLabel = "K",
      description = "No loss at the first K steps of every sample (default: ${DEFAULT-VALUE}).")
  Integer lossSkip;

  @Option(names = "--loss-mask", paramLabel = "none|silence",
      description = "silence: no loss at the steps after a sample's last input spike "
          + "(default: ${DEFAULT-VALUE}).")
  String lossMask;

  @Option(names = "--rate-penalty", paramLabel = "C",
      description = "Adds C x (fraction of a hidden layer's neurons spiking) per step and layer "
          + "to the loss (default: ${DEFAULT-VALUE}).")
  Double ratePenalty;

  @Option(names = "--weight-decay", paramLabel = "L",
      description = "Decoupled (AdamW-style) weight decay: every update multiplies the weight "
          + "matrices (not biases) by 1 - lr L (default: ${DEFAULT-VALUE}).")
  Double weightDecay;

  @Option(names = "--fptt-alpha", paramLabel = "A",
      description = "FPTT's dynamic regulariser (Kag & Saligrama 2021) on every update of the "
          + "truncated modes: adds alpha/2 |W - Wbar|^2 - <W, lambda> to each step's loss, with "
          + "a running weight average Wbar and accumulated gradients lambda (docs/architecture.md, "
          + "\"FPTT\"); 0 = off (default: ${DEFAULT-VALUE}). Dense optimizers, host-float.")
  Double fpttAlpha;

  @Option(names = "--fptt-beta", paramLabel = "B",
      description = "FPTT's running-average rate of Wbar, in (0, 1] (default: ${DEFAULT-VALUE}).")
  Double fpttBeta;

  @Option(names = "--precision", paramLabel = "float32|float64",
      description = "float32: the fast trainer; float64: the reference trainer (slow, exact).")
  String precision;

  @Option(names = "--init-nir", paramLabel = "FILE", description = "Start from the network of "
      + "a NIR graph (docs/nir.md): its shape, decays, threshold and weights replace --model, "
      + "--hidden, --tau-mem, --tau-out and the random initialisation.")
  Path initNir;

  @Option(names = "--nir-dt", paramLabel = "MS",
      description = "Step in ms the NIR time constants of --init-nir are read at, for files from "
          + "other tools (default: ${DEFAULT-VALUE}, snnTorch's export step; Norse uses 1).")
  Double nirDt;

  @Option(names = "--nir-discretisation", paramLabel = "RULE",
      description = "tau -> per-step decay for --init-nir files from other tools: euler (1 - "
          + "dt/tau, snnTorch/Norse) or exact (exp(-dt/tau)) (default: ${DEFAULT-VALUE}).")
  String nirDiscretisation;

  @Option(names = "--out", paramLabel = "DIR", description = "Run folder to write; an existing "
      + "run folder is refused unless --force.")
  Path out;

  @Option(names = "--force", description = "Clear the run folder of --out first when it already "
      + "holds a run (one folder, one run).")
  boolean force;

  @Option(names = "--placement", 
      paramLabel = "host-float|hil|near-chip|on-chip",
      description = "Where learning runs (default: ${DEFAULT-VALUE}). Device placements train "
          + "one sample at a time with tbptt1 (on-chip also eprop) and Adam, one hidden layer, "
          + "and evaluate on the device in fixed point.")
  String placement;

  @Option(names = "--device", paramLabel = "NAME",
      description = "Device of a device placement: sim[:...], remote://HOST:PORT, board:... "
          + "(default: ${DEFAULT-VALUE}).")
  String deviceName;

  @Option(names = "--weight-bits", description = "Core weight width of a "
      + "device placement (default: ${DEFAULT-VALUE}).")
  Integer weightBits;

  @Option(names = "--master-bits", paramLabel = "F", description = "Integer "
      + "master fraction bits below the core weight LSB (default: ${DEFAULT-VALUE}).")
  Integer masterBits;

  @Option(names = "--weight-headroom", description = "Core weight range as "
      + "a multiple of the initial largest |w| (default: ${DEFAULT-VALUE}).")
  Double weightHeadroom;

  @Option(names = "--train-samples", paramLabel = "N", description = "Train on N training "
      + "samples drawn with --seed (default: all).")
  Integer trainSamples;

  @Option(names = "--test-samples", paramLabel = "N", description = "Evaluate on N test "
      + "samples drawn with --seed (default: all).")
  Integer testSamples;

  @Option(names = "--json", description = "Print the result as one JSON object on the last line.")
  boolean json;

  @Option(names = "--metrics-port", paramLabel = "PORT", description = "While training, serve "
      + "Prometheus metrics (loss, accuracy, samples/s, SOPs; device cycles and energy for "
      + "device placements) at http://127.0.0.1:PORT/metrics (0 = any free port, printed).")
  Integer metricsPort;

  @Option(names = "--no-progress", description = "No progress bar, even on a terminal (studies "
      + "run several trainings at once).")
  boolean noProgress;

  @Option(names = "--no-report", description = "Do not write report.html into the run folder.")
  boolean noReport;

  @Option(names = "--checkpoint-every", paramLabel = "N", description = "Write the run folder's "
      + "checkpoint.slc every N batches and after every epoch (needs --out).")
  Integer checkpointEvery;

  @Option(names = "--resume", paramLabel = "DIR", description = "Continue the run in DIR from its "
      + "checkpoint with the options it started with; --epochs and --json may be given anew.")
  Path resume;

  /** The checkpoint file in a run folder. */
  public static final String CHECKPOINT_FILE = RunFolder.CHECKPOINT;

  /** Options of this command that say how to print, not what to train. */
  static final Set<String> PRESENTATION = Set.of("json", "no-progress", "no-report", "resume",
      "help", "version", "verbose");

  @Override
  public Integer call() throws IOException {
    PrintWriter stdout = spec.commandLine().getOut();
    Progress progress = new Progress(stdout);
    TrainResult result;
    try {
      if (resume != null) {
        boolean newEpochs = spec.commandLine().getParseResult().hasMatchedOption("--epochs");
        result = TrainRun.resume(resume, newEpochs ? epochs : null, progress);
      } else {
        result = TrainRun.run(options(), progress);
      }
    } finally {
      progress.close();
    }
    Path runDir = result.runDir();
    if (runDir != null && !noReport) {
      writeReport(stdout, runDir);
    }
    if (json) {
      stdout.println(new ObjectMapper().writeValueAsString(result.summary()));
    } else {
      stdout.printf("best test accuracy %.2f%%, last %.2f%%, online train accuracy %.2f%% "
              + "(chance %.1f%%), %.1f training samples/s%s%n",
          100 * result.bestTestAccuracy(), 100 * result.lastTestAccuracy(),
          100 * result.onlineTrainAccuracy(), 100.0 / result.classes(),
          result.trainSamplesPerSecond(), runDir == null ? "" : "; run folder " + runDir);
      if (result.onDevice()) {
        LearningCost cost = result.cost();
        stdout.printf("device cost per training sample: %.0f cycles, %.3g J (learning engine: "
                + "%.0f cycles, %.3g J, %.0f parameter updates)%n", cost.cyclesPerSample(),
            cost.joulesPerSample(), cost.learningCyclesPerSample(), cost.learningJoulesPerSample(),
            cost.learningUpdatesPerSample());
      }
    }
    stdout.flush();
    return 0;
  }

  /**
   * The options given on the command line, by name: each train option of this command is the
   * {@link TrainOptions} option of the same name (TrainCommandTest checks the two lists agree).
   */
  TrainOptions options() {
    var parsed = spec.commandLine().getParseResult();
    TrainOptions.Builder b = TrainOptions.builder();
    for (OptionSpec option : spec.options()) {
      String name = option.longestName().substring(2);
      boolean trainOption = !PRESENTATION.contains(name) && !option.inherited();
      if (!trainOption || !parsed.hasMatchedOption(option)) {
        continue;
      }
      List<String> values = parsed.matchedOption(option.longestName()).stringValues();
      b.set(name, values.isEmpty() ? "true" : String.join(",", values));
    }
    return b.build();
  }

  /** Help shows the defaults of {@link TrainOptions}, so they are written in one place. */
  static final class Defaults implements CommandLine.IDefaultValueProvider {
    @Override
    public String defaultValue(CommandLine.Model.ArgSpec arg) {
      if (arg instanceof OptionSpec option) {
        String name = option.longestName().substring(2);
        if (TrainOptions.names().contains(name)) {
          return TrainOptions.defaultText(name);
        }
      }
      return null;
    }
  }

  /** The report is a view of the run folder: failing to draw it loses nothing already saved. */
  private void writeReport(PrintWriter stdout, Path runDir) {
    try {
      Path report = RunReport.write(runDir);
      if (!json) {
        stdout.println("report: " + report);
      }
    } catch (IOException | RuntimeException e) {
      spec.commandLine().getErr().println("spikeloop: warning: report.html not written: "
          + e.getMessage() + " (the run folder is complete; retry with ./spikeloop report --run "
          + runDir + ")");
    }
  }

  /** Prints the run's lines; a progress bar with ETA on a terminal, one line per epoch. */
  private final class Progress implements TrainRun.Listener {
    private final PrintWriter stdout;
    private TrainProgress bars;

    Progress(PrintWriter stdout) {
      this.stdout = stdout;
    }

    @Override
    public void message(String line) {
      if (!json) {
        stdout.println(line);
        stdout.flush();
      }
    }

    /** Printed with --json too: whoever scrapes needs the port. */
    @Override
    public void metricsServed(int port, String runLabel) {
      stdout.printf("metrics at http://127.0.0.1:%d/metrics (label run=\"%s\")%n", port, runLabel);
      stdout.flush();
    }

    @Override
    public void started(TrainOptions options) {
      bars = new TrainProgress(stdout, spec.commandLine().getErr(), options.epochs(),
          System.console() != null, noProgress, json);
    }

    @Override
    public void batchDone(int epoch, int done, int total) {
      bars.batch(epoch, done, total);
    }

    @Override
    public void epochDone(EpochMetrics m) {
      bars.epoch(m);
    }

    void close() {
      if (bars != null) {
        bars.close();
      }
    }
  }
}
