package io.spikeloop.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spikeloop.checkpoint.Checkpoint;
import io.spikeloop.checkpoint.CheckpointFile;
import io.spikeloop.checkpoint.StateMap;
import io.spikeloop.data.DatasetOptions;
import io.spikeloop.data.DatasetSplit;
import io.spikeloop.data.Datasets;
import io.spikeloop.metrics.LiveMetrics;
import io.spikeloop.metrics.MeteredTrainer;
import io.spikeloop.data.InMemoryDataset;
import io.spikeloop.data.SpikeDataset;
import io.spikeloop.data.SpikeSample;
import io.spikeloop.device.Device;
import io.spikeloop.device.Devices;
import io.spikeloop.model.ModelFile;
import io.spikeloop.model.SnnConfig;
import io.spikeloop.model.SnnParameters;
import io.spikeloop.nir.NirImport;
import io.spikeloop.optim.OptimizerSpec;
import io.spikeloop.report.RunReport;
import io.spikeloop.placement.HostFloatPlacement;
import io.spikeloop.placement.LearningCost;
import io.spikeloop.placement.Placement;
import io.spikeloop.placement.PlacementSettings;
import io.spikeloop.placement.Placements;
import io.spikeloop.train.Augmentation;
import io.spikeloop.train.EpochMetrics;
import io.spikeloop.train.FastTrainer;
import io.spikeloop.train.LearningRateSchedule;
import io.spikeloop.train.Readout;
import io.spikeloop.train.ReferenceTrainer;
import io.spikeloop.train.SnnTrainer;
import io.spikeloop.train.TrainingLoop;
import io.spikeloop.train.TrainingMode;
import io.spikeloop.train.TrainingObjective;
import io.spikeloop.train.TrainingPreset;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code spikeloop train}: trains the float network on a dataset and reports test accuracy. */
@Command(name = "train", mixinStandardHelpOptions = true,
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
        "  ./spikeloop train --model ff --optimizer qadam --adam-bits 4 --block 64",
        "",
        "Speech defaults (every shd: dataset; explicit options override them):",
        "tau-mem = tau-out = 200 ms, --readout sum, --channel-jitter 20, --lr-schedule",
        "cosine; tbptt1 --lr 3e-5 --betas 0.995,0.9999 --eps 1e-6; bptt --lr 2e-3",
        "(docs/results.md, R1). The objective options (--loss-skip, --loss-mask, --rate-penalty,",
        "--weight-decay) apply to every mode alike and default to the plain per-step",
        "cross-entropy.",
        "",
        "Run folder (--out): config.json (options, seed, versions, machine),",
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

  @Option(names = "--dataset", defaultValue = "synthetic", paramLabel = "NAME",
      description = "synthetic, nmnist:PATH or shd:PATH[#test-speakers=IDS|#test-trials=IDS] "
          + "(default: ${DEFAULT-VALUE}; shd: the speech defaults).")
  String dataset;

  @Option(names = "--model", defaultValue = "rsnn", paramLabel = "ff|rsnn",
      description = "Feed-forward or recurrent hidden layers (default: ${DEFAULT-VALUE}).")
  String model;

  @Option(names = "--hidden", split = ",", paramLabel = "N",
      description = "Hidden layer sizes, repeatable or comma-separated (default: 450).")
  List<Integer> hidden = new ArrayList<>();

  @Option(names = "--mode", defaultValue = "tbptt1", paramLabel = "tbptt1|bptt|tbptt-k",
      description = "Training mode (default: ${DEFAULT-VALUE}).")
  String mode;

  @Option(names = "--k", defaultValue = "10", description = "Chunk length of tbptt-k (default: "
      + "${DEFAULT-VALUE}).")
  int k;

  @Option(names = "--optimizer", defaultValue = "adam", paramLabel = "adam|sgd|qadam",
      description = "Optimizer: adam and sgd with PyTorch's update rules; qadam = the learning "
          + "engine's integer Adam with quantized state and int16 master weights, on the "
          + "reference trainer (default: ${DEFAULT-VALUE}).")
  String optimizer;

  @Option(names = "--adam-bits", defaultValue = "8", paramLabel = "8|4",
      description = "qadam, near-chip and on-chip: bits per m and sqrt(v) code (default: "
          + "${DEFAULT-VALUE}).")
  int adamBits;

  @Option(names = "--block", defaultValue = "64", paramLabel = "N",
      description = "qadam, near-chip and on-chip: elements sharing one block scale (default: "
          + "${DEFAULT-VALUE}).")
  int block;

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

  @Option(names = "--momentum", defaultValue = "0", description = "SGD momentum (default: "
      + "${DEFAULT-VALUE}).")
  double momentum;

  @Option(names = "--epochs", defaultValue = "6", description = "Epochs (default: "
      + "${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--batch", defaultValue = "32", description = "Batch size (default: "
      + "${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--seed", defaultValue = "1", description = "Seed of initialisation, data and "
      + "shuffling (default: ${DEFAULT-VALUE}).")
  long seed;

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

  @Option(names = "--time-shift", defaultValue = "0", paramLabel = "N",
      description = "Augmentation: move each training sample by a random number of steps in "
          + "[-N, N] (spikes moved out are dropped) (default: ${DEFAULT-VALUE}).")
  int timeShift;

  @Option(names = "--channel-jitter", paramLabel = "N",
      description = "Augmentation: move all input channels of a training sample by one random "
          + "offset in [-N, N] (channels moved out are dropped) (default: 0; shd: 20).")
  Integer channelJitter;

  @Option(names = "--input-dropout", defaultValue = "0", paramLabel = "P",
      description = "Augmentation: drop each input spike of a training sample with probability "
          + "P, no rescaling (default: ${DEFAULT-VALUE}).")
  double inputDropout;

  @Option(names = "--blend", defaultValue = "0", paramLabel = "P",
      description = "Augmentation: with probability P mix a training sample with another of its "
          + "class (time-aligned, each spike kept with probability 1/2; label unchanged) "
          + "(default: ${DEFAULT-VALUE}).")
  double blend;

  @Option(names = "--lr-schedule", paramLabel = "constant|cosine",
      description = "Learning rate over the epochs: constant, or cosine from --lr at the first "
          + "epoch to near 0 at the last (per epoch; host-float float32 only) (default: "
          + "constant; shd: cosine where it is implemented, else constant).")
  String lrSchedule;

  @Option(names = "--loss-skip", defaultValue = "0", paramLabel = "K",
      description = "No loss at the first K steps of every sample (default: ${DEFAULT-VALUE}).")
  int lossSkip;

  @Option(names = "--loss-mask", defaultValue = "none", paramLabel = "none|silence",
      description = "silence: no loss at the steps after a sample's last input spike "
          + "(default: ${DEFAULT-VALUE}).")
  String lossMask;

  @Option(names = "--rate-penalty", defaultValue = "0", paramLabel = "C",
      description = "Adds C x (fraction of a hidden layer's neurons spiking) per step and layer "
          + "to the loss (default: ${DEFAULT-VALUE}).")
  double ratePenalty;

  @Option(names = "--weight-decay", defaultValue = "0", paramLabel = "L",
      description = "Decoupled (AdamW-style) weight decay: every update multiplies the weight "
          + "matrices (not biases) by 1 - lr L (default: ${DEFAULT-VALUE}).")
  double weightDecay;

  @Option(names = "--precision", defaultValue = "float32", paramLabel = "float32|float64",
      description = "float32: the fast trainer; float64: the reference trainer (slow, exact).")
  String precision;

  @Option(names = "--init-nir", paramLabel = "FILE", description = "Start from the network of "
      + "a NIR graph (docs/nir.md): its shape, decays, threshold and weights replace --model, "
      + "--hidden, --tau-mem, --tau-out and the random initialisation.")
  Path initNir;

  @picocli.CommandLine.Mixin
  NirReadOptions nirRead = new NirReadOptions();

  @Option(names = "--out", paramLabel = "DIR", description = "Run folder to write.")
  Path out;

  @Option(names = "--placement", defaultValue = "host-float",
      paramLabel = "host-float|hil|near-chip|on-chip",
      description = "Where learning runs (default: ${DEFAULT-VALUE}). Device placements train "
          + "one sample at a time with tbptt1 and Adam, one hidden layer, and evaluate on the "
          + "device in fixed point.")
  String placement;

  @Option(names = "--device", defaultValue = "sim", paramLabel = "NAME",
      description = "Device of a device placement: sim[:...], remote://HOST:PORT, board:... "
          + "(default: ${DEFAULT-VALUE}).")
  String deviceName;

  @Option(names = "--weight-bits", defaultValue = "8", description = "Core weight width of a "
      + "device placement (default: ${DEFAULT-VALUE}).")
  int weightBits;

  @Option(names = "--master-bits", defaultValue = "8", paramLabel = "F", description = "Integer "
      + "master fraction bits below the core weight LSB (default: ${DEFAULT-VALUE}).")
  int masterBits;

  @Option(names = "--weight-headroom", defaultValue = "16", description = "Core weight range as "
      + "a multiple of the initial largest |w| (default: ${DEFAULT-VALUE}).")
  double weightHeadroom;

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
  public static final String CHECKPOINT_FILE = "checkpoint.slc";
  private static final String CHECKPOINT_FORMAT = "spikeloop-train-checkpoint/1";

  /** Set when this command continues a checkpointed run. */
  private Checkpoint resumeFrom;

  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT);

  @Override
  public Integer call() throws IOException {
    if (resume != null && resumeFrom == null) {
      return resumeRun();
    }
    if (checkpointEvery != null && (checkpointEvery < 1 || out == null)) {
      throw new IllegalArgumentException("--checkpoint-every needs N >= 1 and a run folder (--out),"
          + " got " + checkpointEvery + (out == null ? " without --out" : ""));
    }
    PrintWriter stdout = spec.commandLine().getOut();
    TrainingMode trainingMode = TrainingMode.parse(mode, k);
    TrainingPreset preset = applyPreset(trainingMode);
    OptimizerSpec optimizerSpec = optimizerSpec();
    Readout readoutKind = switch (readout) {
      case "last" -> Readout.LAST;
      case "sum" -> Readout.SUM;
      default -> throw new IllegalArgumentException("--readout must be last or sum, got "
          + readout);
    };
    if (!model.equals("ff") && !model.equals("rsnn")) {
      throw new IllegalArgumentException("--model must be ff or rsnn, got " + model);
    }
    if (!precision.equals("float32") && !precision.equals("float64")) {
      throw new IllegalArgumentException("--precision must be float32 or float64, got "
          + precision);
    }
    List<Integer> sizes = hidden.isEmpty() ? List.of(450) : List.copyOf(hidden);
    DatasetSplit full = Datasets.open(dataset, new DatasetOptions(dt, steps, seed));
    DatasetSplit data = new DatasetSplit(subset(full.train(), trainSamples, "--train-samples"),
        subset(full.test(), testSamples, "--test-samples"));
    double stepMs = dt != null ? dt : Datasets.defaultStepMs(dataset);
    SnnParameters init = initNir != null ? fromNir(data, stdout)
        : SnnParameters.initialise(SnnConfig.of(data.train().channels(), sizes,
            model.equals("rsnn"), data.train().classes(), stepMs, tauMem, tauOut), seed);
    SnnConfig config = init.config();
    // quantized Adam needs whole gradient tensors, which only the reference trainer forms
    boolean quantized = optimizerSpec instanceof OptimizerSpec.QuantizedAdam;
    if (!Placements.NAMES.contains(placement)) {
      throw new IllegalArgumentException("--placement must be one of " + Placements.NAMES
          + ", got " + placement);
    }
    boolean onDevice = !placement.equals("host-float");
    TrainingObjective objective = objective();
    Augmentation augmentation = new Augmentation(timeShift, channelJitter, inputDropout, blend);
    LearningRateSchedule schedule = LearningRateSchedule.parse(lrSchedule);
    if (schedule != LearningRateSchedule.CONSTANT
        && (onDevice || quantized || !precision.equals("float32"))) {
      throw new IllegalArgumentException("--lr-schedule " + lrSchedule + " is implemented in the "
          + "float32 host trainer only (placement host-float, --precision float32, adam or sgd)");
    }
    if (onDevice && !objective.equals(TrainingObjective.PLAIN)) {
      throw new IllegalArgumentException("placement " + placement + " trains the plain per-step "
          + "cross-entropy; --loss-skip, --loss-mask, --rate-penalty and --weight-decay are "
          + "host-float only");
    }
    Device device = null;
    Placement trainer;
    if (onDevice) {
      if (trainingMode.kind() != TrainingMode.Kind.TBPTT1
          || !(optimizerSpec instanceof OptimizerSpec.Adam adam)) {
        throw new IllegalArgumentException("placement " + placement + " trains with tbptt1 and "
            + "adam; got --mode " + mode + " --optimizer " + optimizer);
      }
      PlacementSettings settings = new PlacementSettings(weightBits, adamBits, block, masterBits,
          adam.lr(), adam.beta1(), adam.beta2(), adam.eps(), weightHeadroom, seed);
      device = Devices.open(deviceName);
      try {
        trainer = Placements.onDevice(placement, device, init, settings);
      } catch (RuntimeException e) {
        device.close();
        throw e;
      }
    } else {
      trainer = new HostFloatPlacement(precision.equals("float32") && !quantized
          ? new FastTrainer(init, trainingMode, optimizerSpec, batch, objective)
          : new ReferenceTrainer(init.copy(), config.surrogate(), trainingMode, optimizerSpec,
              objective));
    }
    int[] tensorSizes = init.tensors().stream().mapToInt(t -> t.values().length).toArray();
    if (!json) {
      stdout.printf("spikeloop train: %s, %d train / %d test samples, %d channels, %d classes, "
              + "%d steps%n", dataset, data.train().size(), data.test().size(),
          data.train().channels(), data.train().classes(), data.train().steps());
      stdout.printf("network %s %d-%s-%d (%d parameters), %s, %s, batch %d, %d epochs, seed %d, "
              + "tau_mem %.4g ms, tau_out %.4g ms, readout %s (%s defaults)%n",
          config.recurrent() ? "rsnn" : "ff", config.inputs(),
          String.join("-", config.hidden().stream().map(String::valueOf).toList()),
          config.outputs(), config.parameterCount(), trainingMode, optimizerSpec, batch, epochs,
          seed, tauMem, tauOut, readout, preset.name());
      stdout.printf("placement %s%s%n", placement, onDevice ? " on device " + device.info().name()
          + " (" + weightBits + "-bit weights)" : "");
      if (onDevice) {
        stdout.println(trainer.memoryReport());
      } else {
        stdout.println(quantized
            ? ((OptimizerSpec.QuantizedAdam) optimizerSpec).memory(tensorSizes).describe()
                + " (reference trainer)"
            : String.format(java.util.Locale.ROOT, "optimizer state: %.0f B/param as float32 %s",
                floatStateBytesPerParameter(optimizerSpec),
                optimizerSpec instanceof OptimizerSpec.Adam ? "Adam" : "SGD momentum"));
      }
      stdout.flush();
    }
    TrainingLoop.Position from = null;
    if (resumeFrom != null) {
      // Restore before touching the folder: a checkpoint that does not fit changes nothing.
      try {
        from = TrainingLoop.Position.load(resumeFrom.state());
        trainer.restoreState(resumeFrom.state());
      } catch (RuntimeException e) {
        if (device != null) {
          device.close();
        }
        throw e;
      }
      StringBuilder rows = new StringBuilder(EpochMetrics.CSV_HEADER + "\n");
      from.completed().forEach(m -> rows.append(m.csvRow()).append('\n'));
      Files.writeString(out.resolve("metrics.csv"), rows);
      if (!json) {
        stdout.printf("resuming %s at epoch %d, sample %d (%d batches done)%n", out, from.epoch(),
            from.nextSample(), from.batchesDone());
      }
    } else if (out != null) {
      Files.createDirectories(out);
      JSON.writeValue(out.resolve("config.json").toFile(), runConfig(config, data));
      Files.writeString(out.resolve("metrics.csv"), EpochMetrics.CSV_HEADER + "\n");
    }
    String checkpointMetadata = checkpointEvery == null ? null : checkpointMetadata();
    TrainProgress progress = new TrainProgress(stdout, spec.commandLine().getErr(), epochs,
        System.console() != null, noProgress, json);
    LiveMetrics live;
    try {
      live = metricsPort == null ? null
          : new LiveMetrics(InetAddress.getLoopbackAddress(), metricsPort);
    } catch (RuntimeException e) {
      if (device != null) {
        device.close();
      }
      throw e;
    }
    if (live != null) {
      stdout.printf("metrics at http://127.0.0.1:%d/metrics%n", live.port());
      stdout.flush();
    }
    SnnTrainer looped = live == null ? trainer : new MeteredTrainer(trainer, live.meters());
    TrainingLoop.Result result;
    try {
      result = TrainingLoop.run(looped, data,
          new TrainingLoop.Settings(epochs, batch, seed, readoutKind, augmentation, schedule),
          new TrainingLoop.Listener() {
            @Override
            public void batchDone(int epoch, int done, int total) {
              progress.batch(epoch, done, total);
              if (live != null && onDevice) {
                LearningCost c = trainer.learningCost();
                live.meters().deviceCost(c.cyclesPerSample(), c.joulesPerSample(),
                    c.learningCyclesPerSample());
              }
            }

            @Override
            public void epochDone(EpochMetrics m) {
              progress.epoch(m);
              if (live != null) {
                live.meters().epoch(m);
              }
              if (out != null) {
                try {
                  Files.writeString(out.resolve("metrics.csv"), m.csvRow() + "\n",
                      StandardOpenOption.APPEND);
                  ModelFile.write(out.resolve("model.slm"), trainer.parameters());
                } catch (IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              }
            }

            @Override
            public void positionReached(TrainingLoop.Position p) {
              if (checkpointMetadata != null
                  && (p.nextSample() == 0 || p.batchesDone() % checkpointEvery == 0)) {
                StateMap state = trainer.saveState().putAll(p.save());
                try {
                  CheckpointFile.write(out.resolve(CHECKPOINT_FILE),
                      new Checkpoint(checkpointMetadata, state));
                } catch (IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              }
            }
          }, from);
    } finally {
      progress.close();
      if (live != null) {
        live.close();
      }
      if (device != null) {
        device.close();
      }
    }
    ObjectNode summary = summary(result, trainingMode);
    // device placements hold their own optimizer state (quantized near and on the chip)
    summary.put("optimizerStateBytesPerParameter", onDevice
        ? trainer.optimizerStateBytesPerParameter()
        : quantized ? ((OptimizerSpec.QuantizedAdam) optimizerSpec).memory(tensorSizes)
            .stateBytesPerParameterMeasured()
        : floatStateBytesPerParameter(optimizerSpec));
    summary.put("placement", placement);
    if (onDevice) {
      summary.put("memory", trainer.memoryReport());
    }
    LearningCost cost = trainer.learningCost();
    if (onDevice) {
      summary.put("device", deviceName).put("weightBits", weightBits)
          .put("adamBits", adamBits).put("block", block)
          .put("trainCyclesPerSample", cost.cyclesPerSample())
          .put("trainJoulesPerSample", cost.joulesPerSample())
          .put("learningCyclesPerSample", cost.learningCyclesPerSample())
          .put("learningJoulesPerSample", cost.learningJoulesPerSample())
          .put("learningUpdatesPerSample", cost.learningUpdatesPerSample());
    }
    if (out != null) {
      JSON.writeValue(out.resolve("result.json").toFile(), summary);
      if (!noReport) {
        writeReport(stdout);
      }
    }
    if (json) {
      stdout.println(new ObjectMapper().writeValueAsString(summary));
    } else {
      stdout.printf("best test accuracy %.2f%%, last %.2f%%, online train accuracy %.2f%% "
              + "(chance %.1f%%), %.1f training samples/s%s%n",
          100 * result.bestTestAccuracy(), 100 * result.lastTestAccuracy(),
          100 * result.onlineTrainAccuracy(), 100.0 / data.train().classes(),
          result.trainSamplesPerSecond(), out == null ? "" : "; run folder " + out);
      if (onDevice) {
        stdout.printf("device cost per training sample: %.0f cycles, %.3g J (learning engine: "
                + "%.0f cycles, %.3g J, %.0f parameter updates)%n", cost.cyclesPerSample(),
            cost.joulesPerSample(), cost.learningCyclesPerSample(), cost.learningJoulesPerSample(),
            cost.learningUpdatesPerSample());
      }
    }
    stdout.flush();
    return 0;
  }

  /** The report is a view of the run folder: failing to draw it loses nothing already saved. */
  private void writeReport(PrintWriter stdout) {
    try {
      Path report = RunReport.write(out);
      if (!json) {
        stdout.println("report: " + report);
      }
    } catch (IOException | RuntimeException e) {
      spec.commandLine().getErr().println("spikeloop: warning: report.html not written: "
          + e.getMessage() + " (the run folder is complete; retry with ./spikeloop report --run "
          + out + ")");
    }
  }

  /**
   * {@code limit} samples of {@code data} drawn without replacement by a seeded shuffle (all when
   * limit is null): recordings are often stored sorted by class, so the first N would not do.
   */
  private SpikeDataset subset(SpikeDataset data, Integer limit, String option) {
    if (limit == null) {
      return data;
    }
    if (limit < 1) {
      throw new IllegalArgumentException(option + " must be >= 1, got " + limit);
    }
    int[] order = java.util.stream.IntStream.range(0, data.size()).toArray();
    java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
    for (int i = order.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    List<SpikeSample> samples = new ArrayList<>();
    for (int i = 0; i < Math.min(limit, data.size()); i++) {
      samples.add(data.sample(order[i]));
    }
    return new InMemoryDataset(data.name() + "[" + samples.size() + " drawn with seed " + seed
        + "]", data.channels(), data.classes(), data.steps(), samples);
  }

  /** What a resume needs to rebuild this command: the format and the original arguments. */
  private String checkpointMetadata() throws IOException {
    ObjectNode meta = JSON.createObjectNode().put("format", CHECKPOINT_FORMAT);
    var args = meta.putArray("args");
    // The arguments of this subcommand: what follows its name on the whole command line.
    List<String> all = spec.commandLine().getParseResult().originalArgs();
    int first = spec.commandLine().getParent() == null ? 0 : all.indexOf(spec.name()) + 1;
    all.subList(first, all.size()).forEach(args::add);
    return new ObjectMapper().writeValueAsString(meta);
  }

  /** Re-parses the run's original arguments, then continues it from its checkpoint. */
  private Integer resumeRun() throws IOException {
    Path file = resume.resolve(CHECKPOINT_FILE);
    Checkpoint checkpoint = CheckpointFile.read(file);
    var meta = new ObjectMapper().readTree(checkpoint.metadata());
    if (!CHECKPOINT_FORMAT.equals(meta.path("format").asText())) {
      throw new IllegalArgumentException(file + " is not a train checkpoint (format '"
          + meta.path("format").asText() + "', expected " + CHECKPOINT_FORMAT + ")");
    }
    List<String> args = new ArrayList<>();
    meta.path("args").forEach(a -> args.add(a.asText()));
    TrainCommand resumed = new TrainCommand();
    CommandLine cl = new CommandLine(resumed);
    cl.setOut(spec.commandLine().getOut());
    cl.setErr(spec.commandLine().getErr());
    cl.parseArgs(args.toArray(String[]::new));
    if (spec.commandLine().getParseResult().hasMatchedOption("--epochs")) {
      resumed.epochs = epochs;
    }
    resumed.json = json;
    resumed.out = resume;
    resumed.resumeFrom = checkpoint;
    return resumed.call();
  }

  /** The starting network read from --init-nir, checked against the dataset's shape. */
  private SnnParameters fromNir(DatasetSplit data, PrintWriter stdout) throws IOException {
    NirImport.Result r = NirImport.read(initNir, nirRead.options());
    SnnConfig c = r.params().config();
    if (c.inputs() != data.train().channels()) {
      throw new IllegalArgumentException(initNir + ": the graph has " + c.inputs()
          + " inputs but dataset " + dataset + " has " + data.train().channels() + " channels");
    }
    if (c.outputs() < data.train().classes()) {
      throw new IllegalArgumentException(initNir + ": the graph has " + c.outputs()
          + " outputs but dataset " + dataset + " has " + data.train().classes() + " classes");
    }
    if (!json) {
      r.notes().forEach(n -> stdout.println("nir: " + n));
      stdout.printf("starting from %s (alpha %.6g, kappa %.6g, theta %.6g at dt %.3g s, %s)%n",
          initNir, c.alpha(), c.kappa(), c.theta(), r.dt(), r.discretisation().label());
    }
    return r.params();
  }

  /**
   * Fills the options left unset from the dataset's preset ({@link TrainingPreset#forDataset}):
   * time constants, readout, Adam betas and eps here, the learning rate in {@link #optimizerSpec()}.
   */
  private TrainingPreset applyPreset(TrainingMode trainingMode) {
    TrainingPreset preset = TrainingPreset.forDataset(dataset);
    if (tauMem == null) {
      tauMem = preset.tauMemMs();
    }
    if (tauOut == null) {
      tauOut = preset.tauOutMs();
    }
    if (readout == null) {
      readout = preset.readout().name().toLowerCase(java.util.Locale.ROOT);
    }
    if (betas == null) {
      betas = List.of(preset.adamBeta1(trainingMode), preset.adamBeta2(trainingMode));
    }
    if (eps == null) {
      eps = preset.adamEps(trainingMode);
    }
    if (channelJitter == null) {
      channelJitter = preset.channelJitter();
    }
    if (lrSchedule == null) {
      // the preset's schedule where the trainer has one; an explicit --lr-schedule is checked
      boolean scheduled = placement.equals("host-float") && precision.equals("float32")
          && !optimizer.equals("qadam");
      lrSchedule = (scheduled ? preset.schedule() : LearningRateSchedule.CONSTANT).name()
          .toLowerCase(java.util.Locale.ROOT);
    }
    return preset;
  }

  private TrainingObjective objective() {
    boolean maskSilence = switch (lossMask) {
      case "none" -> false;
      case "silence" -> true;
      default -> throw new IllegalArgumentException("--loss-mask must be none or silence, got "
          + lossMask);
    };
    return new TrainingObjective(lossSkip, maskSilence, ratePenalty, weightDecay);
  }

  private OptimizerSpec optimizerSpec() {
    TrainingMode trainingMode = TrainingMode.parse(mode, k);
    double adamLr = TrainingPreset.forDataset(dataset).adamLr(trainingMode);
    return switch (optimizer) {
      case "adam" -> {
        if (betas.size() != 2) {
          throw new IllegalArgumentException("--betas needs two values B1,B2, got " + betas);
        }
        yield new OptimizerSpec.Adam(lr == null ? adamLr : lr, betas.get(0), betas.get(1), eps);
      }
      case "sgd" -> new OptimizerSpec.Sgd(lr == null ? 0.05 : lr, momentum);
      case "qadam" -> {
        if (betas.size() != 2) {
          throw new IllegalArgumentException("--betas needs two values B1,B2, got " + betas);
        }
        yield new OptimizerSpec.QuantizedAdam(lr == null ? adamLr : lr, betas.get(0),
            betas.get(1), eps, adamBits, block, 8, 8,
            OptimizerSpec.QuantizedAdam.DEFAULT_HEADROOM, seed);
      }
      default -> throw new IllegalArgumentException("--optimizer must be adam, sgd or qadam, got "
          + optimizer);
    };
  }

  /** Float optimizer state: Adam keeps m and v, SGD its momentum buffer (float32 each). */
  private static double floatStateBytesPerParameter(OptimizerSpec spec) {
    return spec instanceof OptimizerSpec.Adam ? 8 : 4;
  }

  private ObjectNode summary(TrainingLoop.Result r, TrainingMode trainingMode) {
    EpochMetrics last = r.epochs().get(r.epochs().size() - 1);
    ObjectNode node = JSON.createObjectNode()
        .put("mode", trainingMode.label())
        .put("dataset", dataset)
        .put("model", model)
        .put("epochs", epochs)
        .put("batch", batch)
        .put("seed", seed)
        .put("bestTestAccuracy", r.bestTestAccuracy())
        .put("lastTestAccuracy", r.lastTestAccuracy())
        .put("lastFiveTestAccuracy", r.lastFiveTestAccuracy())
        .put("onlineTrainAccuracy", r.onlineTrainAccuracy())
        .put("trainSamplesPerSecond", r.trainSamplesPerSecond())
        .put("spikesPerSample", last.spikesPerSample())
        .put("sopsPerSample", last.sopsPerSample());
    if (trainingMode.kind() == TrainingMode.Kind.TBPTT_K) {
      node.put("k", k);
    }
    hiddenArray(node);
    if (out != null) {
      node.put("runDir", out.toString());
    }
    return node;
  }

  private void hiddenArray(ObjectNode node) {
    var array = node.putArray("hidden");
    (hidden.isEmpty() ? List.of(450) : hidden).forEach(array::add);
  }

  private ObjectNode runConfig(SnnConfig config, DatasetSplit data) {
    ObjectNode root = JSON.createObjectNode();
    root.put("created", Instant.now().toString());
    root.put("command", "train");
    ObjectNode options = root.putObject("options");
    options.put("dataset", dataset).put("model", model).put("mode", mode).put("k", k)
        .put("optimizer", optimizer).put("lr", optimizerSpec().lr()).put("eps", eps)
        .put("momentum", momentum).put("epochs", epochs).put("batch", batch).put("seed", seed)
        .put("tauMem", tauMem).put("tauOut", tauOut).put("readout", readout)
        .put("timeShift", timeShift).put("channelJitter", channelJitter)
        .put("inputDropout", inputDropout).put("blend", blend).put("lossSkip", lossSkip)
        .put("lossMask", lossMask).put("ratePenalty", ratePenalty)
        .put("weightDecay", weightDecay).put("lrSchedule", lrSchedule)
        .put("precision", precision);
    if (optimizer.equals("qadam")) {
      options.put("adamBits", adamBits).put("block", block);
    }
    options.putArray("betas").add(betas.get(0)).add(betas.get(betas.size() - 1));
    if (dt != null) {
      options.put("dt", dt);
    }
    if (steps != null) {
      options.put("steps", steps);
    }
    hiddenArray(options);
    ObjectNode net = root.putObject("network");
    net.put("inputs", config.inputs()).put("recurrent", config.recurrent())
        .put("outputs", config.outputs()).put("alpha", config.alpha())
        .put("kappa", config.kappa()).put("theta", config.theta())
        .put("parameters", config.parameterCount())
        .put("initialisation", initNir != null ? "NIR graph " + initNir
            : "torch.nn.Linear-like U(-1/sqrt(fan_in), 1/sqrt(fan_in))");
    ObjectNode ds = root.putObject("data");
    ds.put("train", data.train().name()).put("trainSize", data.train().size())
        .put("test", data.test().name()).put("testSize", data.test().size())
        .put("channels", data.train().channels()).put("classes", data.train().classes())
        .put("steps", data.train().steps());
    ObjectNode versions = root.putObject("versions");
    String v = TrainCommand.class.getPackage().getImplementationVersion();
    versions.put("spikeloop", v == null ? "dev" : v)
        .put("java", System.getProperty("java.version"))
        .put("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version"))
        .put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
            + System.getProperty("os.arch"));
    ObjectNode machine = root.putObject("machine");
    machine.put("cores", Runtime.getRuntime().availableProcessors())
        .put("maxHeapBytes", Runtime.getRuntime().maxMemory())
        .put("cpu", cpuModel());
    return root;
  }

  private static String cpuModel() {
    try {
      Path info = Path.of("/proc/cpuinfo");
      if (Files.exists(info)) {
        for (String line : Files.readAllLines(info)) {
          if (line.startsWith("model name")) {
            return line.substring(line.indexOf(':') + 1).trim();
          }
        }
      }
    } catch (IOException e) {
      // unknown is an honest answer
    }
    return "unknown";
  }
}
