package io.spikeloop.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spikeloop.checkpoint.Checkpoint;
import io.spikeloop.checkpoint.CheckpointFile;
import io.spikeloop.checkpoint.StateMap;
import io.spikeloop.data.DatasetOptions;
import io.spikeloop.data.DatasetSplit;
import io.spikeloop.data.Datasets;
import io.spikeloop.data.InMemoryDataset;
import io.spikeloop.data.SpikeDataset;
import io.spikeloop.data.SpikeSample;
import io.spikeloop.data.SyntheticDataset;
import io.spikeloop.device.Device;
import io.spikeloop.device.Devices;
import io.spikeloop.metrics.LiveMetrics;
import io.spikeloop.metrics.MeteredTrainer;
import io.spikeloop.model.ModelFile;
import io.spikeloop.model.SnnConfig;
import io.spikeloop.model.SnnParameters;
import io.spikeloop.nir.Discretisation;
import io.spikeloop.nir.NirImport;
import io.spikeloop.optim.Fptt;
import io.spikeloop.optim.OptimizerSpec;
import io.spikeloop.sim.learning.AdamSchedule;
import io.spikeloop.placement.HostFloatPlacement;
import io.spikeloop.placement.LearningCost;
import io.spikeloop.placement.Placement;
import io.spikeloop.placement.PlacementSettings;
import io.spikeloop.placement.Placements;
import io.spikeloop.train.Augmentation;
import io.spikeloop.train.EpochMetrics;
import io.spikeloop.train.EpropTrainer;
import io.spikeloop.train.FastTrainer;
import io.spikeloop.train.LearningRateSchedule;
import io.spikeloop.train.Readout;
import io.spikeloop.train.ReferenceTrainer;
import io.spikeloop.train.SnnTrainer;
import io.spikeloop.train.TrainingLoop;
import io.spikeloop.train.TrainingMode;
import io.spikeloop.train.TrainingObjective;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * One training run: {@link TrainOptions} in, {@link TrainResult} out, what {@code ./spikeloop
 * train}, {@code study} and {@code reproduce} all call. With a run folder ({@link
 * TrainOptions#out()}) it writes {@code config.json}, {@code metrics.csv} (a row per epoch),
 * {@code model.slm} (after every epoch), {@code result.json} and, with {@code checkpointEvery},
 * {@code checkpoint.slc}, which {@link #resume} continues bit for bit. The report ({@code
 * report.html}) belongs to the application and is drawn from the finished folder.
 *
 * <p>Everything that can be checked is checked before anything large is allocated: the options
 * ({@link TrainOptions.Builder#build()}), the memory the run needs ({@link MemoryEstimate}),
 * the design rules of the device, the run folder ({@link RunFolder#prepareNew}).
 */
public final class TrainRun {
  /** What a run tells while it goes; every method may be left out. Called on the run's thread. */
  public interface Listener {
    /** The run starts with these options (every dataset-dependent one resolved). */
    default void started(TrainOptions options) {}

    /** A line for a person: what is trained on what, where, resuming, metrics address. */
    default void message(String line) {}

    /** Live metrics are served at http://127.0.0.1:PORT/metrics until the run ends. */
    default void metricsServed(int port, String runLabel) {}

    default void batchDone(int epoch, int samplesDone, int samplesPerEpoch) {}

    default void epochDone(EpochMetrics metrics) {}
  }

  /** A listener that ignores everything. */
  public static final Listener SILENT = new Listener() {};

  static final String CHECKPOINT_FORMAT = "spikeloop-train-checkpoint/2";
  /** Checkpoints before the Java API stored train's command-line arguments. */
  static final String CHECKPOINT_FORMAT_ARGS = "spikeloop-train-checkpoint/1";
  /** The layout of {@code config.json}: see docs/java-api.md, "Run folders". */
  public static final String CONFIG_FORMAT = "spikeloop-run/2";

  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT);

  private TrainRun() {}

  /** Trains with {@code options}; see the class comment for what it writes. */
  public static TrainResult run(TrainOptions options, Listener listener) throws IOException {
    return execute(options, listener, null);
  }

  /**
   * Continues the run in {@code runDir} from its checkpoint with the options it started with;
   * {@code epochs} (null: as before) extends a finished run.
   */
  public static TrainResult resume(Path runDir, Integer epochs, Listener listener)
      throws IOException {
    Path file = runDir.resolve(RunFolder.CHECKPOINT);
    Checkpoint checkpoint = CheckpointFile.read(file);
    JsonNode meta = new ObjectMapper().readTree(checkpoint.metadata());
    String format = meta.path("format").asText();
    TrainOptions started;
    if (format.equals(CHECKPOINT_FORMAT)) {
      started = TrainOptions.fromJson(meta.path("options"));
    } else if (format.equals(CHECKPOINT_FORMAT_ARGS)) {
      List<String> args = new ArrayList<>();
      meta.path("args").forEach(a -> args.add(a.asText()));
      started = TrainOptions.fromArgs(withoutPresentation(args));
    } else {
      throw new IllegalArgumentException(file + " is not a train checkpoint (format '" + format
          + "', expected " + CHECKPOINT_FORMAT + ")");
    }
    TrainOptions.Builder b = started.toBuilder().out(runDir).force(false).metricsPort(null);
    if (epochs != null) {
      b.epochs(epochs);
    }
    return execute(b.build(), listener, checkpoint);
  }

  /** A format-1 checkpoint's train arguments without the ones that only said how to print. */
  private static List<String> withoutPresentation(List<String> args) {
    List<String> kept = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      switch (a) {
        case "--json", "--no-progress", "--no-report", "--verbose" -> { }
        case "--out", "--metrics-port", "--resume" -> i++;
        default -> {
          if (!a.startsWith("--out=") && !a.startsWith("--metrics-port=")) {
            kept.add(a);
          }
        }
      }
    }
    return kept;
  }

  private static TrainResult execute(TrainOptions given, Listener listener, Checkpoint resumeFrom)
      throws IOException {
    TrainOptions o = given.resolved();
    if (o.checkpointEvery() != null && o.out() == null) {
      throw new IllegalArgumentException("--checkpoint-every needs a run folder (--out), got "
          + o.checkpointEvery() + " without --out");
    }
    listener.started(o);
    TrainingMode trainingMode = o.trainingMode();
    OptimizerSpec optimizerSpec = optimizerSpec(o);
    Readout readoutKind = Readout.of(o.readout());
    boolean onDevice = !o.placement().equals("host-float");
    // quantized Adam needs whole gradient tensors, which only the reference trainer forms
    boolean quantized = optimizerSpec instanceof OptimizerSpec.QuantizedAdam;
    TrainingObjective objective = new TrainingObjective(o.lossSkip(),
        o.lossMask().equals("silence"), o.ratePenalty(), o.weightDecay(),
        fptt(o));
    Augmentation augmentation = new Augmentation(o.timeShift(), o.channelJitter(),
        o.inputDropout(), o.blend());
    LearningRateSchedule schedule = LearningRateSchedule.parse(o.lrSchedule());
    checkCombination(o, trainingMode, optimizerSpec, onDevice, quantized, objective, schedule);

    // Before the data is read: a lower bound from what the options alone say.
    boolean synthetic = o.dataset().equals("synthetic");
    MemoryEstimate.of(o, synthetic ? SyntheticDataset.CHANNELS : 1,
        synthetic ? SyntheticDataset.CLASSES : 2,
        o.steps() != null ? o.steps() : synthetic ? SyntheticDataset.DEFAULT_STEPS : 1,
        synthetic ? SyntheticDataset.TRAIN_SIZE + SyntheticDataset.TEST_SIZE : 2)
        .check(MemoryEstimate.availableHeap());
    DatasetSplit full = Datasets.open(o.dataset(), new DatasetOptions(o.dtMs(), o.steps(),
        o.seed()));
    DatasetSplit data = new DatasetSplit(subset(full.train(), o.trainSamples(), o.seed(),
        "--train-samples"), subset(full.test(), o.testSamples(), o.seed(), "--test-samples"));
    MemoryEstimate.of(o, data.train().channels(), data.train().classes(), data.train().steps(),
        data.train().size() + data.test().size()).check(MemoryEstimate.availableHeap());
    double stepMs = o.dtMs() != null ? o.dtMs() : Datasets.defaultStepMs(o.dataset());
    SnnParameters init = o.initNir() != null ? fromNir(o, data, listener)
        : SnnParameters.initialise(SnnConfig.of(data.train().channels(), o.hidden(),
            o.model().equals("rsnn"), data.train().classes(), stepMs, o.tauMemMs(),
            o.tauOutMs()), o.seed());
    SnnConfig config = init.config();

    Device device = null;
    Placement trainer;
    if (onDevice) {
      OptimizerSpec.Adam adam = (OptimizerSpec.Adam) optimizerSpec;
      PlacementSettings settings = PlacementSettings.builder().weightBits(o.weightBits())
          .stateBits(o.adamBits()).blockSize(o.block()).masterFracBits(o.masterBits())
          .lr(adam.lr()).betas(adam.beta1(), adam.beta2()).eps(adam.eps())
          .weightHeadroom(o.weightHeadroom()).seed(o.seed())
          .learningRule(trainingMode.kind() == TrainingMode.Kind.EPROP ? "eprop" : "tbptt1").build();
      device = Devices.open(o.device());
      try {
        trainer = Placements.onDevice(o.placement(), device, init, settings);
        String notCheckpointable = trainer.notCheckpointable();
        if (o.checkpointEvery() != null && notCheckpointable != null) {
          trainer.close();
          throw new IllegalArgumentException("--checkpoint-every: " + notCheckpointable);
        }
      } catch (RuntimeException e) {
        device.close();
        throw e;
      }
    } else {
      trainer = new HostFloatPlacement(trainingMode.kind() == TrainingMode.Kind.EPROP
          ? new EpropTrainer(init, optimizerSpec, o.batch(), objective,
              o.feedback().equals("random") ? EpropTrainer.randomFeedback(config.hiddenSize(0),
                  config.outputs(), o.seed()) : null)
          : o.precision().equals("float32") && !quantized
          ? new FastTrainer(init, trainingMode, optimizerSpec, o.batch(), objective)
          : new ReferenceTrainer(init.copy(), config.surrogate(), trainingMode, optimizerSpec,
              objective));
    }
    Device openDevice = device;
    try {
      return train(o, listener, resumeFrom, data, init, trainer, openDevice, optimizerSpec,
          readoutKind, augmentation, schedule, stepMs);
    } finally {
      if (openDevice != null) {
        openDevice.close();
      }
    }
  }

  private static TrainResult train(TrainOptions o, Listener listener, Checkpoint resumeFrom,
                                   DatasetSplit data, SnnParameters init, Placement trainer,
                                   Device device, OptimizerSpec optimizerSpec,
                                   Readout readoutKind, Augmentation augmentation,
                                   LearningRateSchedule schedule, double stepMs)
      throws IOException {
    SnnConfig config = init.config();
    boolean onDevice = device != null;
    boolean quantized = optimizerSpec instanceof OptimizerSpec.QuantizedAdam;
    TrainingMode trainingMode = o.trainingMode();
    int[] tensorSizes = init.tensors().stream().mapToInt(t -> t.values().length).toArray();
    listener.message(String.format(Locale.ROOT, "spikeloop train: %s, %d train / %d test "
            + "samples, %d channels, %d classes, %d steps", o.dataset(), data.train().size(),
        data.test().size(), data.train().channels(), data.train().classes(),
        data.train().steps()));
    listener.message(String.format(Locale.ROOT, "network %s %d-%s-%d (%d parameters), %s, %s, "
            + "batch %d, %d epochs, seed %d, tau_mem %.4g ms, tau_out %.4g ms, readout %s (%s "
            + "defaults)", config.recurrent() ? "rsnn" : "ff", config.inputs(),
        String.join("-", config.hidden().stream().map(String::valueOf).toList()),
        config.outputs(), config.parameterCount(), trainingMode, optimizerSpec, o.batch(),
        o.epochs(), o.seed(), o.tauMemMs(), o.tauOutMs(), o.readout(), o.preset().name()));
    listener.message("placement " + o.placement() + (onDevice ? " on device "
        + device.info().name() + " (" + o.weightBits() + "-bit weights)" : ""));
    if (onDevice) {
      listener.message(trainer.memoryReport());
    } else {
      listener.message(quantized
          ? ((OptimizerSpec.QuantizedAdam) optimizerSpec).memory(tensorSizes).describe()
              + " (reference trainer)"
          : String.format(Locale.ROOT, "optimizer state: %.0f B/param as float32 %s%s",
              floatStateBytesPerParameter(optimizerSpec, fptt(o)),
              optimizerSpec instanceof OptimizerSpec.Adam ? "Adam" : "SGD momentum",
              fptt(o).enabled() ? " + FPTT's Wbar and lambda" : ""));
      if (trainingMode.kind() == TrainingMode.Kind.EPROP) {
        long traces = EpropTrainer.traceBytes(config, o.batch());
        listener.message(String.format(Locale.ROOT, "e-prop traces (%s feedback): %d B for batch "
                + "%d, %.2f B per parameter (float32, independent of the %d steps)",
            o.feedback(), traces, o.batch(), (double) traces / config.parameterCount(),
            data.train().steps()));
      }
    }
    Path out = o.out();
    TrainingLoop.Position from = null;
    if (resumeFrom != null) {
      // Restore before touching the folder: a checkpoint that does not fit changes nothing.
      from = TrainingLoop.Position.load(resumeFrom.state());
      trainer.restoreState(resumeFrom.state());
      StringBuilder rows = new StringBuilder(EpochMetrics.CSV_HEADER + "\n");
      from.completed().forEach(m -> rows.append(m.csvRow()).append('\n'));
      Files.writeString(out.resolve(RunFolder.METRICS), rows);
      listener.message(String.format(Locale.ROOT, "resuming %s at epoch %d, sample %d (%d "
          + "batches done)", out, from.epoch(), from.nextSample(), from.batchesDone()));
    } else if (out != null) {
      RunFolder.prepareNew(out, o.force());
      JSON.writeValue(out.resolve(RunFolder.CONFIG).toFile(), runConfig(o, config, data, stepMs));
      Files.writeString(out.resolve(RunFolder.METRICS), EpochMetrics.CSV_HEADER + "\n");
    }
    String checkpointMetadata = o.checkpointEvery() == null ? null : checkpointMetadata(o);
    LiveMetrics live = o.metricsPort() == null ? null
        : new LiveMetrics(InetAddress.getLoopbackAddress(), o.metricsPort(),
            LiveMetrics.runLabel(out, java.time.Instant.now()));
    if (live != null) {
      listener.metricsServed(live.port(), live.run());
    }
    SnnTrainer looped = live == null ? trainer : new MeteredTrainer(trainer, live.meters());
    SnnParameters[] trained = {null};
    TrainingLoop.Result result;
    try {
      result = TrainingLoop.run(looped, data,
          new TrainingLoop.Settings(o.epochs(), o.batch(), o.seed(), readoutKind, augmentation,
              schedule),
          new TrainingLoop.Listener() {
            @Override
            public void batchDone(int epoch, int done, int total) {
              listener.batchDone(epoch, done, total);
              if (live != null && onDevice) {
                LearningCost c = trainer.learningCost();
                live.meters().deviceCost(c.cyclesPerSample(), c.joulesPerSample(),
                    c.learningCyclesPerSample());
              }
            }

            @Override
            public void epochDone(EpochMetrics m) {
              trained[0] = trainer.parameters();
              if (live != null) {
                live.meters().epoch(m);
              }
              if (out != null) {
                try {
                  Files.writeString(out.resolve(RunFolder.METRICS), m.csvRow() + "\n",
                      StandardOpenOption.APPEND);
                  ModelFile.write(out.resolve(RunFolder.MODEL), trained[0]);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              }
              listener.epochDone(m);
            }

            @Override
            public void positionReached(TrainingLoop.Position p) {
              if (checkpointMetadata != null
                  && (p.nextSample() == 0 || p.batchesDone() % o.checkpointEvery() == 0)) {
                StateMap state = trainer.saveState().putAll(p.save());
                try {
                  CheckpointFile.write(out.resolve(RunFolder.CHECKPOINT),
                      new Checkpoint(checkpointMetadata, state));
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              }
            }
          }, from);
    } finally {
      if (live != null) {
        live.close();
      }
    }
    if (trained[0] == null) {
      trained[0] = trainer.parameters();
    }
    LearningCost cost = onDevice ? trainer.learningCost() : LearningCost.NONE;
    ObjectNode summary = summary(o, result, trainingMode, config);
    // device placements hold their own optimizer state (quantized near and on the chip)
    summary.put("optimizerStateBytesPerParameter", onDevice
        ? trainer.optimizerStateBytesPerParameter()
        : quantized ? ((OptimizerSpec.QuantizedAdam) optimizerSpec).memory(tensorSizes)
            .stateBytesPerParameterMeasured()
        : floatStateBytesPerParameter(optimizerSpec, fptt(o)));
    summary.put("placement", o.placement());
    if (onDevice) {
      summary.put("memory", trainer.memoryReport());
      summary.put("device", o.device()).put("weightBits", o.weightBits())
          .put("adamBits", o.adamBits()).put("block", o.block())
          .put("trainCyclesPerSample", cost.cyclesPerSample())
          .put("trainJoulesPerSample", cost.joulesPerSample())
          .put("learningCyclesPerSample", cost.learningCyclesPerSample())
          .put("learningJoulesPerSample", cost.learningJoulesPerSample())
          .put("learningUpdatesPerSample", cost.learningUpdatesPerSample());
    }
    if (out != null) {
      JSON.writeValue(out.resolve(RunFolder.RESULT).toFile(), summary);
    }
    return new TrainResult(o, result.epochs(), result.bestTestAccuracy(),
        result.lastTestAccuracy(), result.lastFiveTestAccuracy(), result.onlineTrainAccuracy(),
        result.trainSamplesPerSecond(), data.train().classes(), cost, trained[0], out, summary);
  }

  /** Combinations the trainers do not implement, refused before anything is read. */
  private static void checkCombination(TrainOptions o, TrainingMode trainingMode,
                                       OptimizerSpec optimizerSpec, boolean onDevice,
                                       boolean quantized, TrainingObjective objective,
                                       LearningRateSchedule schedule) {
    if (schedule != LearningRateSchedule.CONSTANT
        && (onDevice || quantized || !o.precision().equals("float32"))) {
      throw new IllegalArgumentException("--lr-schedule " + o.lrSchedule() + " is implemented in "
          + "the float32 host trainer only (placement host-float, --precision float32, adam or "
          + "sgd)");
    }
    if (trainingMode.kind() == TrainingMode.Kind.EPROP
        && (quantized || !o.precision().equals("float32") || o.hidden().size() != 1
            || !o.adamSchedule().equals("dense"))) {
      throw new IllegalArgumentException("--mode eprop is implemented in the float32 host trainer, "
          + "beside the chip (hil, near-chip) and in SL-1's on-chip engine, for one hidden layer "
          + "(--precision float32, adam with --adam dense, or sgd on the host); got placement "
          + o.placement() + ", --precision " + o.precision() + ", --optimizer " + o.optimizer()
          + ", --adam " + o.adamSchedule() + ", --hidden " + o.hidden());
    }
    if (trainingMode.kind() == TrainingMode.Kind.EPROP && onDevice
        && !o.feedback().equals("symmetric")) {
      throw new IllegalArgumentException("e-prop on a device placement feeds the learning signal "
          + "back through W_out (--feedback symmetric); --feedback " + o.feedback()
          + " is host-float only");
    }
    if (onDevice && !o.adamSchedule().equals("dense")) {
      throw new IllegalArgumentException("--adam " + o.adamSchedule() + " sets the host-float "
          + "trainer's schedule; placement " + o.placement() + " learns with the device's engine "
          + "(the simulator's event-driven engine: --device sim:...,learning=lazy|catchup)");
    }
    if (onDevice && !objective.equals(TrainingObjective.PLAIN)) {
      throw new IllegalArgumentException("placement " + o.placement() + " trains the plain "
          + "per-step cross-entropy; --loss-skip, --loss-mask, --rate-penalty, --weight-decay and "
          + "--fptt-alpha are host-float only");
    }
    boolean deviceMode = trainingMode.kind() == TrainingMode.Kind.TBPTT1
        || trainingMode.kind() == TrainingMode.Kind.EPROP;
    if (onDevice && (!deviceMode || !(optimizerSpec instanceof OptimizerSpec.Adam))) {
      throw new IllegalArgumentException("placement " + o.placement() + " trains with tbptt1 "
          + "or eprop and adam; got --mode " + o.mode() + " --optimizer " + o.optimizer());
    }
  }

  /** The optimizer of resolved options. */
  private static OptimizerSpec optimizerSpec(TrainOptions o) {
    List<Double> betas = o.betas();
    return switch (o.optimizer()) {
      case "adam" -> new OptimizerSpec.Adam(o.lr(), betas.get(0), betas.get(1), o.eps(),
          AdamSchedule.parse(o.adamSchedule()));
      case "sgd" -> new OptimizerSpec.Sgd(o.lr(), o.momentum());
      case "qadam" -> OptimizerSpec.QuantizedAdam.builder(o.lr())
          .betas(betas.get(0), betas.get(1)).eps(o.eps()).stateBits(o.adamBits())
          .blockSize(o.block()).seed(o.seed()).build();
      default -> throw new IllegalArgumentException("--optimizer must be adam, sgd or qadam, got "
          + o.optimizer());
    };
  }

  /** Float optimizer state: Adam keeps m and v, SGD its momentum buffer (float32 each). */
  private static Fptt fptt(TrainOptions o) {
    return new Fptt(o.fpttAlpha(), o.fpttBeta());
  }

  /** float32 optimizer state per parameter, FPTT's Wbar and lambda included. */
  private static double floatStateBytesPerParameter(OptimizerSpec spec, Fptt fptt) {
    return (spec instanceof OptimizerSpec.Adam ? 8 : 4) + 4 * fptt.stateValuesPerParameter();
  }

  /**
   * {@code limit} samples of {@code data} drawn without replacement by a seeded shuffle (all when
   * limit is null): recordings are often stored sorted by class, so the first N would not do.
   * The held-out split a run with {@code --test-samples N} evaluates on is
   * {@code subset(test, N, seed, "--test-samples")}.
   */
  public static SpikeDataset subset(SpikeDataset data, Integer limit, long seed, String option) {
    if (limit == null) {
      return data;
    }
    if (limit < 1) {
      throw new IllegalArgumentException(option + " must be >= 1, got " + limit);
    }
    int[] order = IntStream.range(0, data.size()).toArray();
    SplittableRandom random = new SplittableRandom(seed);
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

  /** The starting network read from the NIR file, checked against the dataset's shape. */
  private static SnnParameters fromNir(TrainOptions o, DatasetSplit data, Listener listener)
      throws IOException {
    NirImport.Result r = NirImport.read(o.initNir(), new NirImport.Options(o.nirDtMs() / 1000,
        Discretisation.parse(o.nirDiscretisation())));
    SnnConfig c = r.params().config();
    if (c.inputs() != data.train().channels()) {
      throw new IllegalArgumentException(o.initNir() + ": the graph has " + c.inputs()
          + " inputs but dataset " + o.dataset() + " has " + data.train().channels()
          + " channels");
    }
    if (c.outputs() < data.train().classes()) {
      throw new IllegalArgumentException(o.initNir() + ": the graph has " + c.outputs()
          + " outputs but dataset " + o.dataset() + " has " + data.train().classes()
          + " classes");
    }
    r.notes().forEach(n -> listener.message("nir: " + n));
    listener.message(String.format(Locale.ROOT, "starting from %s (alpha %.6g, kappa %.6g, "
            + "theta %.6g at dt %.3g s, %s)", o.initNir(), c.alpha(), c.kappa(), c.theta(),
        r.dt(), r.discretisation().label()));
    return r.params();
  }

  /** What a resume needs: the format and the options the run started with. */
  private static String checkpointMetadata(TrainOptions o) throws IOException {
    ObjectNode meta = JSON.createObjectNode().put("format", CHECKPOINT_FORMAT);
    meta.set("options", withoutPlaceOfRun(o.toJson()));
    return new ObjectMapper().writeValueAsString(meta);
  }

  private static ObjectNode withoutPlaceOfRun(ObjectNode options) {
    for (String name : TrainOptions.PLACE_OF_RUN) {
      options.remove(TrainOptions.jsonKey(name));
    }
    return options;
  }

  private static ObjectNode summary(TrainOptions o, TrainingLoop.Result r,
                                    TrainingMode trainingMode, SnnConfig config) {
    EpochMetrics last = r.epochs().get(r.epochs().size() - 1);
    ObjectNode node = JSON.createObjectNode()
        .put("mode", trainingMode.label())
        .put("dataset", o.dataset())
        .put("model", o.model())
        .put("epochs", o.epochs())
        .put("batch", o.batch())
        .put("seed", o.seed())
        .put("bestTestAccuracy", r.bestTestAccuracy())
        .put("lastTestAccuracy", r.lastTestAccuracy())
        .put("lastFiveTestAccuracy", r.lastFiveTestAccuracy())
        .put("onlineTrainAccuracy", r.onlineTrainAccuracy())
        .put("trainSamplesPerSecond", r.trainSamplesPerSecond())
        .put("spikesPerSample", last.spikesPerSample())
        .put("sopsPerSample", last.sopsPerSample());
    if (trainingMode.kind() == TrainingMode.Kind.TBPTT_K) {
      node.put("k", o.k());
    }
    if (trainingMode.kind() == TrainingMode.Kind.EPROP) {
      node.put("feedback", o.feedback());
    }
    // the network's own sizes: with --init-nir they come from the graph, not from --hidden
    var hidden = node.putArray("hidden");
    config.hidden().forEach(hidden::add);
    if (o.out() != null) {
      node.put("runDir", o.out().toString());
    }
    return node;
  }

  /**
   * {@code config.json}: the format, every option (resolved: dt in ms and steps as the data was
   * binned), the network, the data, versions and machine. The option keys are stable (see
   * docs/java-api.md): {@code export} and {@code eval --run} rebuild the model from them.
   */
  private static ObjectNode runConfig(TrainOptions o, SnnConfig config, DatasetSplit data,
                                      double stepMs) {
    ObjectNode root = JSON.createObjectNode();
    root.put("format", CONFIG_FORMAT);
    root.put("created", Instant.now().toString());
    root.put("command", "train");
    ObjectNode options = withoutPlaceOfRun(o.toBuilder().dtMs(stepMs)
        .steps(data.train().steps()).build().toJson());
    root.set("options", options);
    ObjectNode net = root.putObject("network");
    net.put("inputs", config.inputs()).put("recurrent", config.recurrent())
        .put("outputs", config.outputs()).put("alpha", config.alpha())
        .put("kappa", config.kappa()).put("theta", config.theta())
        .put("parameters", config.parameterCount())
        .put("initialisation", o.initNir() != null ? "NIR graph " + o.initNir()
            : "torch.nn.Linear-like U(-1/sqrt(fan_in), 1/sqrt(fan_in))");
    ObjectNode ds = root.putObject("data");
    ds.put("train", data.train().name()).put("trainSize", data.train().size())
        .put("test", data.test().name()).put("testSize", data.test().size())
        .put("channels", data.train().channels()).put("classes", data.train().classes())
        .put("steps", data.train().steps());
    ObjectNode versions = root.putObject("versions");
    String v = TrainRun.class.getPackage().getImplementationVersion();
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
