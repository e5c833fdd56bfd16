package io.spikeloop.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spikeloop.nir.Discretisation;
import io.spikeloop.placement.Placements;
import io.spikeloop.train.LearningRateSchedule;
import io.spikeloop.train.Readout;
import io.spikeloop.train.TrainingMode;
import io.spikeloop.train.TrainingPreset;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * Every option of a training run, by name, as {@code ./spikeloop train} takes them (the option
 * {@code --tau-mem} is {@link #tauMemMs()}, {@link Builder#tauMemMs} and, by text, {@code
 * "tau-mem"}). Build with {@link #builder()}; unset options keep the defaults documented on
 * {@link Builder}. A {@code null} dataset-dependent option (lr, betas, eps, dt, steps, time
 * constants, readout, channel jitter, lr schedule) takes the dataset's preset ({@link
 * TrainingPreset}) or the dataset's binning when the run starts; {@link #resolved()} fills them.
 *
 * <p>{@link Builder#build()} checks every value and fails with one line naming the option and the
 * value ({@code --lr must be finite and > 0, got Infinity}), so Java users and the CLI get the
 * same errors. Times are in milliseconds ({@code dtMs}, {@code tauMemMs}, {@code tauOutMs}),
 * including {@code nirDtMs}, the step a foreign NIR file's time constants are read at.
 */
public record TrainOptions(
    String dataset, String model, List<Integer> hidden, String mode, int k, String feedback,
    String optimizer,
    String adamSchedule, int adamBits, int block, Double lr, List<Double> betas, Double eps, double momentum,
    int epochs, int batch, long seed, Double dtMs, Integer steps, Double tauMemMs,
    Double tauOutMs, String readout, int timeShift, Integer channelJitter, double inputDropout,
    double blend, String lrSchedule, int lossSkip, String lossMask, double ratePenalty,
    double weightDecay, double fpttAlpha, double fpttBeta, String precision, Path initNir, double nirDtMs, String nirDiscretisation,
    String placement, String device, int weightBits, int masterBits, double weightHeadroom,
    Integer trainSamples, Integer testSamples, Path out, boolean force, Integer checkpointEvery,
    Integer metricsPort) {

  /** Hidden layer sizes when none are given. */
  public static final List<Integer> DEFAULT_HIDDEN = List.of(450);

  public TrainOptions {
    hidden = hidden == null || hidden.isEmpty() ? DEFAULT_HIDDEN : List.copyOf(hidden);
    betas = betas == null ? null : List.copyOf(betas);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from these options (to change a few of them). */
  public Builder toBuilder() {
    Builder b = new Builder();
    for (OptionDef d : OPTIONS.values()) {
      d.copy(this, b);
    }
    return b;
  }

  /** The training mode these options name. */
  public TrainingMode trainingMode() {
    return TrainingMode.parse(mode, k);
  }

  /** The preset of this dataset (speech for shd:, the paper's settings otherwise). */
  public TrainingPreset preset() {
    return TrainingPreset.forDataset(dataset);
  }

  /**
   * These options with every preset-dependent option set (lr, betas, eps, time constants,
   * readout, channel jitter, lr schedule); dt and steps stay as given (the dataset decides them).
   */
  public TrainOptions resolved() {
    TrainingPreset p = preset();
    TrainingMode m = trainingMode();
    Builder b = toBuilder();
    if (tauMemMs == null) {
      b.tauMemMs(p.tauMemMs());
    }
    if (tauOutMs == null) {
      b.tauOutMs(p.tauOutMs());
    }
    if (readout == null) {
      b.readout(p.readout().name().toLowerCase(Locale.ROOT));
    }
    if (betas == null) {
      b.betas(p.adamBeta1(m), p.adamBeta2(m));
    }
    if (eps == null) {
      b.eps(p.adamEps(m));
    }
    if (channelJitter == null) {
      b.channelJitter(p.channelJitter());
    }
    if (lr == null) {
      b.lr(optimizer.equals("sgd") ? DEFAULT_SGD_LR : p.adamLr(m));
    }
    if (lrSchedule == null) {
      // the preset's schedule where the trainer has one; an explicit schedule is checked
      boolean scheduled = placement.equals("host-float") && precision.equals("float32")
          && !optimizer.equals("qadam");
      b.lrSchedule((scheduled ? p.schedule() : LearningRateSchedule.CONSTANT).name()
          .toLowerCase(Locale.ROOT));
    }
    return b.build();
  }

  /** SGD's learning rate when none is given. */
  public static final double DEFAULT_SGD_LR = 0.05;

  /**
   * The options as one JSON object with the keys of {@link #names()} in camelCase (as in a run
   * folder's {@code config.json}, docs/java-api.md); unset options are left out.
   */
  public ObjectNode toJson() {
    ObjectNode node = JSON.createObjectNode();
    for (OptionDef d : OPTIONS.values()) {
      Object value = d.get.apply(this);
      if (value != null) {
        node.set(d.jsonKey, JSON.valueToTree(value instanceof Path p ? p.toString() : value));
      }
    }
    return node;
  }

  /**
   * Options from a JSON object written by {@link #toJson()}; keys it does not know (from a newer
   * version) fail naming them.
   */
  public static TrainOptions fromJson(JsonNode node) {
    Builder b = builder();
    Map<String, OptionDef> byKey = new LinkedHashMap<>();
    OPTIONS.values().forEach(d -> byKey.put(d.jsonKey, d));
    node.fields().forEachRemaining(e -> {
      OptionDef d = byKey.get(e.getKey());
      if (d == null) {
        throw new IllegalArgumentException("unknown train option '" + e.getKey() + "' in JSON");
      }
      JsonNode v = e.getValue();
      List<String> parts = new ArrayList<>();
      if (v.isArray()) {
        v.forEach(x -> parts.add(x.asText()));
      }
      d.set.accept(b, v.isArray() ? String.join(",", parts) : v.asText());
    });
    return b.build();
  }

  /**
   * Options from command-line style arguments ({@code --lr 1e-3}, {@code --lr=1e-3}, {@code
   * --force}), for studies and scripts; an unknown option fails naming it.
   */
  public static TrainOptions fromArgs(List<String> args) {
    Builder b = builder();
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (!arg.startsWith("--") || arg.length() == 2) {
        throw new IllegalArgumentException("expected --OPTION, got '" + arg + "'");
      }
      String[] nameValue = arg.substring(2).split("=", 2);
      String name = nameValue[0];
      if (!OPTIONS.containsKey(name)) {
        throw new IllegalArgumentException("train has no option --" + name);
      }
      String value;
      if (nameValue.length == 2) {
        value = nameValue[1];
      } else if (FLAGS.contains(name)) {
        value = "true";
      } else if (i + 1 < args.size()) {
        value = args.get(++i);
      } else {
        throw new IllegalArgumentException("--" + name + " needs a value");
      }
      b.set(name, value);
    }
    return b.build();
  }

  /** The option names ({@code lr}, {@code tau-mem}, ...), as {@code train} spells them. */
  public static List<String> names() {
    return List.copyOf(OPTIONS.keySet());
  }

  /** The key of option {@code name} in {@link #toJson()} ({@code tau-mem} -> {@code tauMemMs}). */
  public static String jsonKey(String name) {
    OptionDef d = OPTIONS.get(name);
    if (d == null) {
      throw new IllegalArgumentException("train has no option --" + name);
    }
    return d.jsonKey;
  }

  /** The default of option {@code name} as text ({@code "450"}, {@code "adam"}), or null. */
  public static String defaultText(String name) {
    OptionDef d = OPTIONS.get(name);
    Object value = d == null ? null : d.get.apply(DEFAULTS);
    return value instanceof List<?> l ? String.join(",", l.stream().map(String::valueOf).toList())
        : value == null ? null : String.valueOf(value);
  }

  /** Whether {@code name} is a flag (takes no value on a command line). */
  public static boolean isFlag(String name) {
    return FLAGS.contains(name);
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> FLAGS = List.of("force");

  /** One option: its name as text and as a JSON key, how to read it and how to set it. */
  private record OptionDef(String name, String jsonKey, Function<TrainOptions, Object> get,
                           BiConsumer<Builder, String> set) {
    void copy(TrainOptions from, Builder to) {
      Object v = get.apply(from);
      if (v != null) {
        to.set(name, v instanceof List<?> l ? String.join(",", l.stream().map(String::valueOf)
            .toList()) : String.valueOf(v));
      }
    }
  }

  private static final Map<String, OptionDef> OPTIONS = new LinkedHashMap<>();

  private static void def(String name, String jsonKey, Function<TrainOptions, Object> get,
                          BiConsumer<Builder, String> set) {
    OPTIONS.put(name, new OptionDef(name, jsonKey, get, set));
  }

  static {
    def("dataset", "dataset", TrainOptions::dataset, Builder::dataset);
    def("model", "model", TrainOptions::model, Builder::model);
    def("hidden", "hidden", TrainOptions::hidden,
        (b, v) -> b.hidden(ints("hidden", v)));
    def("mode", "mode", TrainOptions::mode, Builder::mode);
    def("k", "k", TrainOptions::k, (b, v) -> b.k(integer("k", v)));
    def("feedback", "feedback", TrainOptions::feedback, Builder::feedback);
    def("optimizer", "optimizer", TrainOptions::optimizer, Builder::optimizer);
    def("adam", "adamSchedule", TrainOptions::adamSchedule, Builder::adamSchedule);
    def("adam-bits", "adamBits", TrainOptions::adamBits,
        (b, v) -> b.adamBits(integer("adam-bits", v)));
    def("block", "block", TrainOptions::block, (b, v) -> b.block(integer("block", v)));
    def("lr", "lr", TrainOptions::lr, (b, v) -> b.lr(number("lr", v)));
    def("betas", "betas", TrainOptions::betas, (b, v) -> {
      List<Double> betas = numbers("betas", v);
      if (betas.size() != 2) {
        throw new IllegalArgumentException("--betas needs two values B1,B2, got " + v);
      }
      b.betas(betas.get(0), betas.get(1));
    });
    def("eps", "eps", TrainOptions::eps, (b, v) -> b.eps(number("eps", v)));
    def("momentum", "momentum", TrainOptions::momentum,
        (b, v) -> b.momentum(number("momentum", v)));
    def("epochs", "epochs", TrainOptions::epochs, (b, v) -> b.epochs(integer("epochs", v)));
    def("batch", "batch", TrainOptions::batch, (b, v) -> b.batch(integer("batch", v)));
    def("seed", "seed", TrainOptions::seed, (b, v) -> b.seed(longValue("seed", v)));
    def("dt", "dtMs", TrainOptions::dtMs, (b, v) -> b.dtMs(number("dt", v)));
    def("steps", "steps", TrainOptions::steps, (b, v) -> b.steps(integer("steps", v)));
    def("tau-mem", "tauMemMs", TrainOptions::tauMemMs,
        (b, v) -> b.tauMemMs(number("tau-mem", v)));
    def("tau-out", "tauOutMs", TrainOptions::tauOutMs,
        (b, v) -> b.tauOutMs(number("tau-out", v)));
    def("readout", "readout", TrainOptions::readout, Builder::readout);
    def("time-shift", "timeShift", TrainOptions::timeShift,
        (b, v) -> b.timeShift(integer("time-shift", v)));
    def("channel-jitter", "channelJitter", TrainOptions::channelJitter,
        (b, v) -> b.channelJitter(integer("channel-jitter", v)));
    def("input-dropout", "inputDropout", TrainOptions::inputDropout,
        (b, v) -> b.inputDropout(number("input-dropout", v)));
    def("blend", "blend", TrainOptions::blend, (b, v) -> b.blend(number("blend", v)));
    def("lr-schedule", "lrSchedule", TrainOptions::lrSchedule, Builder::lrSchedule);
    def("loss-skip", "lossSkip", TrainOptions::lossSkip,
        (b, v) -> b.lossSkip(integer("loss-skip", v)));
    def("loss-mask", "lossMask", TrainOptions::lossMask, Builder::lossMask);
    def("rate-penalty", "ratePenalty", TrainOptions::ratePenalty,
        (b, v) -> b.ratePenalty(number("rate-penalty", v)));
    def("weight-decay", "weightDecay", TrainOptions::weightDecay,
        (b, v) -> b.weightDecay(number("weight-decay", v)));
    def("fptt-alpha", "fpttAlpha", TrainOptions::fpttAlpha,
        (b, v) -> b.fpttAlpha(number("fptt-alpha", v)));
    def("fptt-beta", "fpttBeta", TrainOptions::fpttBeta,
        (b, v) -> b.fpttBeta(number("fptt-beta", v)));
    def("precision", "precision", TrainOptions::precision, Builder::precision);
    def("init-nir", "initNir", TrainOptions::initNir, (b, v) -> b.initNir(Path.of(v)));
    def("nir-dt", "nirDtMs", TrainOptions::nirDtMs, (b, v) -> b.nirDtMs(number("nir-dt", v)));
    def("nir-discretisation", "nirDiscretisation", TrainOptions::nirDiscretisation,
        Builder::nirDiscretisation);
    def("placement", "placement", TrainOptions::placement, Builder::placement);
    def("device", "device", TrainOptions::device, Builder::device);
    def("weight-bits", "weightBits", TrainOptions::weightBits,
        (b, v) -> b.weightBits(integer("weight-bits", v)));
    def("master-bits", "masterBits", TrainOptions::masterBits,
        (b, v) -> b.masterBits(integer("master-bits", v)));
    def("weight-headroom", "weightHeadroom", TrainOptions::weightHeadroom,
        (b, v) -> b.weightHeadroom(number("weight-headroom", v)));
    def("train-samples", "trainSamples", TrainOptions::trainSamples,
        (b, v) -> b.trainSamples(integer("train-samples", v)));
    def("test-samples", "testSamples", TrainOptions::testSamples,
        (b, v) -> b.testSamples(integer("test-samples", v)));
    def("out", "out", TrainOptions::out, (b, v) -> b.out(Path.of(v)));
    def("force", "force", o -> o.force() ? Boolean.TRUE : null,
        (b, v) -> b.force(Boolean.parseBoolean(v)));
    def("checkpoint-every", "checkpointEvery", TrainOptions::checkpointEvery,
        (b, v) -> b.checkpointEvery(integer("checkpoint-every", v)));
    def("metrics-port", "metricsPort", TrainOptions::metricsPort,
        (b, v) -> b.metricsPort(integer("metrics-port", v)));
  }

  /** Every option at its default; declared after the table it reads. */
  private static final TrainOptions DEFAULTS = builder().build();

  /**
   * The options that say where a run is kept and watched rather than what it does: left out of
   * config.json and of a checkpoint's options, since a resumed run gets them anew.
   */
  static final List<String> PLACE_OF_RUN = List.of("out", "force", "metrics-port");

  private static int integer(String option, String text) {
    try {
      return Integer.parseInt(text.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + option + " must be an integer, got " + text);
    }
  }

  private static long longValue(String option, String text) {
    try {
      return Long.parseLong(text.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + option + " must be an integer, got " + text);
    }
  }

  private static double number(String option, String text) {
    try {
      return Double.parseDouble(text.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + option + " must be a number, got " + text);
    }
  }

  private static List<Integer> ints(String option, String text) {
    return Arrays.stream(text.split(",")).map(s -> integer(option, s)).toList();
  }

  private static List<Double> numbers(String option, String text) {
    return Arrays.stream(text.split(",")).map(s -> number(option, s)).toList();
  }

  /**
   * Named options with defaults: dataset synthetic, model rsnn, hidden 450, mode tbptt1 (k 10 for
   * tbptt-k, feedback symmetric for eprop), optimizer adam (adam-bits 8, block 64 for qadam), momentum 0, epochs 6, batch 32,
   * seed 1, time-shift 0, input-dropout 0, blend 0, loss-skip 0, loss-mask none, rate-penalty 0,
   * weight-decay 0, fptt-alpha 0 (off), fptt-beta 0.5, precision float32, nir-dt 0.1 ms, nir-discretisation euler, placement
   * host-float, device sim, weight-bits 8, master-bits 8, weight-headroom 16; all samples, no run
   * folder, no checkpoints, no metrics endpoint. The dataset-dependent ones: see {@link
   * TrainOptions}.
   */
  public static final class Builder {
    private String dataset = "synthetic";
    private String model = "rsnn";
    private List<Integer> hidden = DEFAULT_HIDDEN;
    private String mode = "tbptt1";
    private int k = 10;
    private String feedback = "symmetric";
    private String optimizer = "adam";
    private String adamSchedule = "dense";
    private int adamBits = 8;
    private int block = 64;
    private Double lr;
    private List<Double> betas;
    private Double eps;
    private double momentum;
    private int epochs = 6;
    private int batch = 32;
    private long seed = 1;
    private Double dtMs;
    private Integer steps;
    private Double tauMemMs;
    private Double tauOutMs;
    private String readout;
    private int timeShift;
    private Integer channelJitter;
    private double inputDropout;
    private double blend;
    private String lrSchedule;
    private int lossSkip;
    private String lossMask = "none";
    private double ratePenalty;
    private double weightDecay;
    private double fpttAlpha;
    private double fpttBeta = 0.5;
    private String precision = "float32";
    private Path initNir;
    private double nirDtMs = 1e-4;
    private String nirDiscretisation = "euler";
    private String placement = "host-float";
    private String device = "sim";
    private int weightBits = 8;
    private int masterBits = 8;
    private double weightHeadroom = 16;
    private Integer trainSamples;
    private Integer testSamples;
    private Path out;
    private boolean force;
    private Integer checkpointEvery;
    private Integer metricsPort;

    private Builder() {}

    /** Sets the option {@code name} ({@code "lr"}, {@code "tau-mem"}, ...) from text. */
    public Builder set(String name, String value) {
      OptionDef d = OPTIONS.get(name);
      if (d == null) {
        throw new IllegalArgumentException("train has no option --" + name);
      }
      d.set.accept(this, value);
      return this;
    }

    /** synthetic, nmnist:PATH or shd:PATH[#test-speakers=IDS|#test-trials=IDS]. */
    public Builder dataset(String v) { dataset = v; return this; }
    /** ff or rsnn. */
    public Builder model(String v) { model = v; return this; }
    public Builder hidden(List<Integer> v) { hidden = v; return this; }
    public Builder hidden(int... sizes) {
      hidden = Arrays.stream(sizes).boxed().toList();
      return this;
    }
    /** tbptt1, bptt, tbptt-k or eprop. */
    public Builder mode(String v) { mode = v; return this; }
    public Builder k(int v) { k = v; return this; }
    /**
     * eprop's learning signal: symmetric (through W_out) or random (a fixed random matrix drawn
     * from the seed).
     */
    public Builder feedback(String v) { feedback = v; return this; }
    /** adam, sgd or qadam. */
    public Builder optimizer(String v) { optimizer = v; return this; }
    /** Float Adam's schedule: dense, lazy or catchup (docs/learning-engine.md section 10). */
    public Builder adamSchedule(String v) { adamSchedule = v; return this; }
    public Builder adamBits(int v) { adamBits = v; return this; }
    public Builder block(int v) { block = v; return this; }
    public Builder lr(Double v) { lr = v; return this; }
    public Builder betas(double beta1, double beta2) { betas = List.of(beta1, beta2); return this; }
    public Builder eps(Double v) { eps = v; return this; }
    public Builder momentum(double v) { momentum = v; return this; }
    public Builder epochs(int v) { epochs = v; return this; }
    public Builder batch(int v) { batch = v; return this; }
    public Builder seed(long v) { seed = v; return this; }
    /** The time step in milliseconds (null: the dataset's). */
    public Builder dtMs(Double v) { dtMs = v; return this; }
    public Builder steps(Integer v) { steps = v; return this; }
    public Builder tauMemMs(Double v) { tauMemMs = v; return this; }
    public Builder tauOutMs(Double v) { tauOutMs = v; return this; }
    /** last or sum. */
    public Builder readout(String v) { readout = v; return this; }
    public Builder timeShift(int v) { timeShift = v; return this; }
    public Builder channelJitter(Integer v) { channelJitter = v; return this; }
    public Builder inputDropout(double v) { inputDropout = v; return this; }
    public Builder blend(double v) { blend = v; return this; }
    /** constant or cosine. */
    public Builder lrSchedule(String v) { lrSchedule = v; return this; }
    public Builder lossSkip(int v) { lossSkip = v; return this; }
    /** none or silence. */
    public Builder lossMask(String v) { lossMask = v; return this; }
    public Builder ratePenalty(double v) { ratePenalty = v; return this; }
    public Builder weightDecay(double v) { weightDecay = v; return this; }
    public Builder fpttAlpha(double v) { fpttAlpha = v; return this; }
    public Builder fpttBeta(double v) { fpttBeta = v; return this; }
    /** float32 (the fast trainer) or float64 (the reference trainer). */
    public Builder precision(String v) { precision = v; return this; }
    public Builder initNir(Path v) { initNir = v; return this; }
    /** The step, in seconds, at which a foreign NIR file's time constants are read. */
    public Builder nirDtMs(double v) { nirDtMs = v; return this; }
    /** euler or exact. */
    public Builder nirDiscretisation(String v) { nirDiscretisation = v; return this; }
    /** host-float, hil, near-chip or on-chip. */
    public Builder placement(String v) { placement = v; return this; }
    /** sim[:...], remote://HOST:PORT or board:NAME. */
    public Builder device(String v) { device = v; return this; }
    public Builder weightBits(int v) { weightBits = v; return this; }
    public Builder masterBits(int v) { masterBits = v; return this; }
    public Builder weightHeadroom(double v) { weightHeadroom = v; return this; }
    public Builder trainSamples(Integer v) { trainSamples = v; return this; }
    public Builder testSamples(Integer v) { testSamples = v; return this; }
    /** The run folder to write (null: none). */
    public Builder out(Path v) { out = v; return this; }
    /** Clear an existing run folder first instead of refusing it. */
    public Builder force(boolean v) { force = v; return this; }
    public Builder checkpointEvery(Integer v) { checkpointEvery = v; return this; }
    public Builder metricsPort(Integer v) { metricsPort = v; return this; }

    /** The options, every value checked; fails naming the first bad one. */
    public TrainOptions build() {
      TrainOptions o = new TrainOptions(dataset, model, hidden, mode, k, feedback, optimizer,
          adamSchedule,
          adamBits,
          block, lr, betas, eps, momentum, epochs, batch, seed, dtMs, steps, tauMemMs, tauOutMs,
          readout, timeShift, channelJitter, inputDropout, blend, lrSchedule, lossSkip, lossMask,
          ratePenalty, weightDecay, fpttAlpha, fpttBeta, precision, initNir, nirDtMs, nirDiscretisation, placement,
          device, weightBits, masterBits, weightHeadroom, trainSamples, testSamples, out, force,
          checkpointEvery, metricsPort);
      o.validate();
      return o;
    }
  }

  /** Ranges and names of every option (the memory estimate needs the dataset: see TrainRun). */
  private void validate() {
    if (dataset == null || dataset.isBlank()) {
      throw new IllegalArgumentException("no dataset given (use synthetic, nmnist:PATH or "
          + "shd:PATH)");
    }
    oneOf("model", model, "ff", "rsnn");
    for (int size : hidden) {
      atLeast("hidden", size, 1);
    }
    atLeast("k", k, 1);
    TrainingMode.parse(mode, k);
    oneOf("feedback", feedback, "symmetric", "random");
    if (feedback.equals("random") && !mode.equals("eprop")) {
      throw new IllegalArgumentException("--feedback random is e-prop's learning signal; it needs "
          + "--mode eprop, got --mode " + mode);
    }
    oneOf("optimizer", optimizer, "adam", "sgd", "qadam");
    if (!List.of("dense", "lazy", "catchup").contains(adamSchedule)) {
      throw new IllegalArgumentException("--adam must be dense, lazy or catchup, got "
          + adamSchedule);
    }
    if (!adamSchedule.equals("dense") && !optimizer.equals("adam")) {
      throw new IllegalArgumentException("--adam " + adamSchedule + " needs --optimizer adam, got "
          + optimizer);
    }
    if (adamBits != 8 && adamBits != 4) {
      throw new IllegalArgumentException("--adam-bits must be 8 or 4, got " + adamBits);
    }
    atLeast("block", block, 1);
    if (lr != null) {
      positive("lr", lr);
    }
    if (betas != null) {
      for (double b : betas) {
        if (!(b >= 0 && b < 1)) {
          throw new IllegalArgumentException("--betas must each be in [0, 1), got " + betas);
        }
      }
    }
    if (eps != null) {
      positive("eps", eps);
    }
    if (!(momentum >= 0 && momentum < 1)) {
      throw new IllegalArgumentException("--momentum must be in [0, 1), got " + momentum);
    }
    atLeast("epochs", epochs, 1);
    atLeast("batch", batch, 1);
    if (dtMs != null) {
      positive("dt", dtMs);
    }
    if (steps != null) {
      atLeast("steps", steps, 1);
    }
    if (tauMemMs != null) {
      positive("tau-mem", tauMemMs);
    }
    if (tauOutMs != null) {
      positive("tau-out", tauOutMs);
    }
    if (readout != null) {
      Readout.valueOf(oneOf("readout", readout, "last", "sum").toUpperCase(Locale.ROOT));
    }
    atLeast("time-shift", timeShift, 0);
    if (channelJitter != null) {
      atLeast("channel-jitter", channelJitter, 0);
    }
    probability("input-dropout", inputDropout);
    probability("blend", blend);
    if (lrSchedule != null) {
      LearningRateSchedule.parse(lrSchedule);
    }
    atLeast("loss-skip", lossSkip, 0);
    oneOf("loss-mask", lossMask, "none", "silence");
    nonNegative("rate-penalty", ratePenalty);
    nonNegative("weight-decay", weightDecay);
    nonNegative("fptt-alpha", fpttAlpha);
    if (!(fpttBeta > 0 && fpttBeta <= 1)) {
      throw new IllegalArgumentException("--fptt-beta must be in (0, 1], got " + fpttBeta);
    }
    oneOf("precision", precision, "float32", "float64");
    positive("nir-dt", nirDtMs);
    Discretisation.parse(nirDiscretisation);
    if (!Placements.NAMES.contains(placement)) {
      throw new IllegalArgumentException("--placement must be one of " + Placements.NAMES
          + ", got " + placement);
    }
    if (device == null || device.isBlank()) {
      throw new IllegalArgumentException("--device must name a device (sim, remote://HOST:PORT, "
          + "board:NAME)");
    }
    atLeast("master-bits", masterBits, 0);
    if (!(weightHeadroom >= 1) || Double.isInfinite(weightHeadroom)) {
      throw new IllegalArgumentException("--weight-headroom must be finite and >= 1, got "
          + weightHeadroom);
    }
    if (trainSamples != null) {
      atLeast("train-samples", trainSamples, 1);
    }
    if (testSamples != null) {
      atLeast("test-samples", testSamples, 1);
    }
    if (checkpointEvery != null) {
      // that it also needs a run folder is the run's check: options may be read without one
      atLeast("checkpoint-every", checkpointEvery, 1);
    }
    if (metricsPort != null && (metricsPort < 0 || metricsPort > 65535)) {
      throw new IllegalArgumentException("--metrics-port must be in [0, 65535], got "
          + metricsPort);
    }
  }

  private static String oneOf(String option, String value, String... allowed) {
    if (value == null || !List.of(allowed).contains(value)) {
      throw new IllegalArgumentException("--" + option + " must be "
          + String.join(allowed.length == 2 ? " or " : ", ", allowed) + ", got " + value);
    }
    return value;
  }

  private static void atLeast(String option, long value, long min) {
    if (value < min) {
      throw new IllegalArgumentException("--" + option + " must be >= " + min + ", got " + value);
    }
  }

  private static void positive(String option, double value) {
    if (!(value > 0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException("--" + option + " must be finite and > 0, got " + value);
    }
  }

  private static void nonNegative(String option, double value) {
    if (!(value >= 0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException("--" + option + " must be finite and >= 0, got "
          + value);
    }
  }

  private static void probability(String option, double value) {
    if (!(value >= 0 && value <= 1)) {
      throw new IllegalArgumentException("--" + option + " must be in [0, 1], got " + value);
    }
  }
}
