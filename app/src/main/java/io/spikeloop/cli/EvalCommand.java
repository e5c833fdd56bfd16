package io.spikeloop.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spikeloop.data.DatasetOptions;
import io.spikeloop.data.Datasets;
import io.spikeloop.data.SpikeDataset;
import io.spikeloop.device.Device;
import io.spikeloop.device.Devices;
import io.spikeloop.mapper.ChipComparison;
import io.spikeloop.mapper.MappedTensor;
import io.spikeloop.mapper.MappingLoss;
import io.spikeloop.mapper.MappingOptions;
import io.spikeloop.mapper.TargetMapper;
import io.spikeloop.mapper.TargetMapping;
import io.spikeloop.mapper.TargetMappers;
import io.spikeloop.mapper.sl1.Evaluation;
import io.spikeloop.mapper.sl1.MappedNetwork;
import io.spikeloop.mapper.sl1.QuantizationOptions;
import io.spikeloop.mapper.sl1.Quantizer;
import io.spikeloop.mapper.sl1.TensorReport;
import io.spikeloop.model.ModelFile;
import io.spikeloop.model.SnnParameters;
import io.spikeloop.nir.NirImport;
import io.spikeloop.nir.SpikeloopExtension;
import io.spikeloop.target.sl1.Sl1Target;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.IntConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code spikeloop eval}: maps a trained network onto a device and compares it with the float
 * model on the test split.
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
    description = {"Run a trained network on a device (fixed point) and compare it with the float "
        + "model: accuracy of both, spike agreement, SOPs, cycles and energy per sample.",
        "",
        "Example: ./spikeloop eval --run runs/rsnn --device sim --weight-bits 8 --json",
        "         ./spikeloop eval --nir model.nir --device sim"})
public final class EvalCommand implements Callable<Integer> {
  static final String MODEL_FILE = "model.slm";

  @Spec
  CommandSpec spec;

  @Option(names = "--run", paramLabel = "DIR",
      description = "Run folder written by train --out (reads DIR/" + MODEL_FILE + ").")
  Path run;

  @Option(names = "--nir", paramLabel = "FILE",
      description = "Evaluate a NIR graph instead of a run folder; a fixed-point mapping stored "
          + "in the file (export --fixed-point) is used as it is (docs/nir.md).")
  Path nir;

  @picocli.CommandLine.Mixin
  NirReadOptions nirRead = new NirReadOptions();

  @Option(names = "--device", defaultValue = "sim", paramLabel = "D",
      description = "Device: sim[:OPTIONS], remote://HOST:PORT, board:NAME, sim:reckon (the mapper "
          + "of the device's target maps the model; default: ${DEFAULT-VALUE}).")
  String deviceName;

  @Option(names = "--weight-bits", defaultValue = "" + QuantizationOptions.DEFAULT_WEIGHT_BITS,
      paramLabel = "N",
      description = "Signed weight width, 2..16 (default: ${DEFAULT-VALUE}).")
  int weightBits;

  @Option(names = "--membrane-bits", defaultValue = "32", paramLabel = "N",
      description = "Membrane width uBits, 2..32 (default: ${DEFAULT-VALUE}).")
  int membraneBits;

  @Option(names = "--output-bits", defaultValue = "32", paramLabel = "N",
      description = "Output width oBits, 2..32 (default: ${DEFAULT-VALUE}).")
  int outputBits;

  @Option(names = "--headroom-bits", paramLabel = "N",
      description = "Membrane range beyond the threshold, in powers of two (default: "
          + "max(4, membrane bits - 20)).")
  Integer headroomBits;

  @Option(names = "--clip-percentile", defaultValue = "100", paramLabel = "P",
      description = "Percentile of |w| that sets each layer's weight exponent; below 100 clips "
          + "outliers for resolution (default: ${DEFAULT-VALUE}).")
  double clipPercentile;

  @Option(names = "--dataset", paramLabel = "NAME",
      description = "Dataset whose test split is evaluated (default: with --run the run's "
          + "dataset, as its config.json records it; with --nir synthetic).")
  String dataset;

  @Option(names = "--steps", paramLabel = "T",
      description = "Time steps per sample (default: the run's, else the dataset's).")
  Integer steps;

  @Option(names = "--dt", paramLabel = "MS",
      description = "Time bin in ms (default: the run's, else the dataset's).")
  Double dtMillis;

  @Option(names = "--seed", paramLabel = "S",
      description = "Dataset seed (default: the run's, else 1; synthetic data depends on it).")
  Long seed;

  @Option(names = "--samples", paramLabel = "N",
      description = "Evaluate only the first N test samples, N >= 1 (default: all).")
  Integer samples;

  @Option(names = "--json", description = "Print the results as one JSON object on the last line.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    if ((run == null) == (nir == null)) {
      throw new IllegalArgumentException("give exactly one of --run DIR and --nir FILE");
    }
    if (samples != null && samples < 1) {
      throw new IllegalArgumentException("--samples " + samples + ": give at least 1 (leave it "
          + "out to evaluate the whole test split)");
    }
    Path modelFile;
    SnnParameters params;
    QuantizationOptions q = new QuantizationOptions(weightBits, membraneBits, outputBits,
        headroomBits != null ? headroomBits : QuantizationOptions.defaultHeadroom(membraneBits),
        clipPercentile);
    MappedNetwork mapped;
    NirImport.Result imported = null;
    if (nir != null) {
      modelFile = nir;
      imported = NirImport.read(nir, nirRead.options());
      imported.notes().forEach(n -> out.println("nir: " + n));
      params = imported.params();
      mapped = imported.fixedPoint() != null ? imported.fixedPoint() : Quantizer.map(params, q);
    } else {
      modelFile = run.resolve(MODEL_FILE);
      if (!Files.isDirectory(run)) {
        throw new IllegalArgumentException("run folder " + run + " does not exist");
      }
      params = ModelFile.read(modelFile,
          w -> spec.commandLine().getErr().println("spikeloop: warning: " + w));
      mapped = Quantizer.map(params, q);
    }

    Evaluation.Result r;
    try (Device device = Devices.open(deviceName)) {
      RunDataset data = RunDataset.of(run, dataset, dtMillis, steps, seed);
      dataset = data.dataset();
      seed = data.seed();
      SpikeDataset test = Datasets.open(data.dataset(),
          new DatasetOptions(data.dtMs(), data.steps(), data.seed())).test();
      int total = samples != null ? Math.min(samples, test.size()) : test.size();
      boolean bar = System.console() != null && !json;
      ProgressBar progress = bar ? new ProgressBarBuilder().setTaskName("eval").setInitialMax(total)
          .build() : null;
      IntConsumer step = progress == null ? done -> { } : progress::stepTo;
      boolean stored = imported != null && imported.fixedPoint() != null;
      if (!device.info().target().equals(Sl1Target.ID)) {
        // Another target: its own mapper, compared with its chip's float model.
        if (stored) {
          out.println("nir: the fixed-point mapping stored in " + nir + " is target "
              + SpikeloopExtension.FIXED_POINT_TARGET + "'s; " + device.info().name()
              + " is target " + device.info().target() + ", so its mapper maps the float graph");
        }
        try {
          return onTarget(out, modelFile, params, device, test, total, step);
        } finally {
          if (progress != null) {
            progress.close();
          }
        }
      }
      if (stored) {
        out.println("nir: using the fixed-point mapping stored in " + nir
            + " (quantization options on the command line are ignored)");
        q = imported.quantization();
      }
      try {
        r = Evaluation.run(params, mapped, device, test, total, step);
      } finally {
        if (progress != null) {
          progress.close();
        }
      }
      out.printf(Locale.ROOT, "model %s (%d-%s-%d, %s) on %s (%s), %s: %d samples%n", modelFile,
          params.config().inputs(), params.config().hidden(), params.config().outputs(),
          params.config().recurrent() ? "recurrent" : "feed-forward", device.info().name(),
          device.info().kind(), test.name(), r.samples());
    }
    printMapping(out, mapped, q);
    out.printf(Locale.ROOT, "float accuracy        %.2f%%%n", 100 * r.floatAccuracy());
    out.printf(Locale.ROOT, "fixed-point accuracy  %.2f%% (%+.2f points)%n", 100 * r.fixedAccuracy(),
        100 * (r.fixedAccuracy() - r.floatAccuracy()));
    out.printf(Locale.ROOT, "same prediction       %.2f%% of samples%n", 100 * r.predictionAgreement());
    out.printf(Locale.ROOT, "spike agreement       %.4f of (neuron, step); overlap %.4f; spikes/sample"
        + " float %.1f, fixed %.1f%n", r.spikeAgreement(), r.spikeOverlap(),
        r.floatSpikesPerSample(), r.fixedSpikesPerSample());
    out.printf(Locale.ROOT, "per sample            %.0f SOPs, %.0f cycles, %.3g J%n",
        r.sopsPerSample(), r.cyclesPerSample(), r.joulesPerSample());
    out.printf(Locale.ROOT, "saturations %d, FIFO overflows %d, deadline misses %d%n",
        r.saturations(), r.fifoOverflows(), r.deadlineMisses());
    if (json) {
      out.println(toJson(r, mapped, q));
    }
    out.flush();
    return 0;
  }

  /**
   * {@code eval} on a device of a target other than SL-1: the mapper of the device's target maps
   * the model (the options that apply to it), refusing by name what cannot map, and
   * {@link ChipComparison} runs the device beside the chip's float model and spikeloop's.
   */
  private int onTarget(PrintWriter out, Path modelFile, SnnParameters params, Device device,
                       SpikeDataset test, int total, IntConsumer step) {
    TargetMapper mapper = TargetMappers.forDevice(device);
    MappingOptions options = MappingOptions.builder().weightBits(weightBits)
        .membraneBits(membraneBits).outputBits(outputBits).headroomBits(headroomBits)
        .clipPercentile(clipPercentile).build();
    TargetMapping mapping = mapper.map(params, options, device.info().limits());
    ChipComparison.Result r = ChipComparison.run(mapper, mapping, params, device, test, total,
        step);
    out.printf(Locale.ROOT, "model %s (%d-%s-%d, %s) on %s (target %s), %s: %d samples%n",
        modelFile, params.config().inputs(), params.config().hidden(), params.config().outputs(),
        params.config().recurrent() ? "recurrent" : "feed-forward", device.info().name(),
        mapping.targetId(), test.name(), r.samples());
    out.printf(Locale.ROOT, "mapping onto %s: membrane scale %.4g, output scale %.4g%n",
        mapping.targetId(), mapping.membraneScale(0), mapping.outputScale());
    for (MappedTensor t : mapping.tensors()) {
      out.printf(Locale.ROOT, "  %-8s <- %-12s exponent %d  LSB %.3g  max|w| %.3g  max error "
              + "%.3g  clipped %d of %d%n", t.name(), t.floatTensor(), t.exponent(), t.lsb(),
          t.maxAbsFloat(), t.maxAbsError(), t.clipped(), t.values().length);
    }
    for (MappingLoss loss : mapping.losses()) {
      out.println("  lost: " + loss);
    }
    out.printf(Locale.ROOT, "float accuracy (spikeloop's model)  %.2f%%%n",
        100 * r.floatAccuracy());
    out.printf(Locale.ROOT, "chip float model accuracy          %.2f%%%n",
        100 * r.chipModelAccuracy());
    out.printf(Locale.ROOT, "device accuracy                    %.2f%% (%+.2f points)%n",
        100 * r.deviceAccuracy(), 100 * (r.deviceAccuracy() - r.floatAccuracy()));
    out.printf(Locale.ROOT, "device vs chip float model: same prediction %.2f%%, mean |output "
            + "difference| %.4g (mean |output| %.4g, max %.4g), spike disagreement %s%n",
        100 * r.predictionAgreement(), r.meanAbsOutputDifference(), r.meanAbsOutput(),
        r.maxAbsOutputDifference(), Double.isNaN(r.spikeDisagreement()) ? "n/a (not visible)"
            : String.format(Locale.ROOT, "%.4f", r.spikeDisagreement()));
    out.printf(Locale.ROOT, "per sample            %.1f hidden spikes, %.0f SOPs, %.0f cycles, "
        + "%.3g J%n", r.deviceSpikesPerSample(), r.sopsPerSample(), r.cyclesPerSample(),
        r.joulesPerSample());
    if (json) {
      ObjectNode o = new ObjectMapper().createObjectNode();
      o.put("command", "eval").put("run", run == null ? null : run.toString())
          .put("nir", nir == null ? null : nir.toString()).put("device", deviceName)
          .put("target", mapping.targetId()).put("dataset", dataset).put("seed", seed)
          .put("samples", r.samples()).put("floatAccuracy", r.floatAccuracy())
          .put("chipModelAccuracy", r.chipModelAccuracy())
          .put("fixedAccuracy", r.deviceAccuracy())
          .put("predictionAgreement", r.predictionAgreement())
          .put("meanAbsOutputDifference", r.meanAbsOutputDifference())
          .put("maxAbsOutputDifference", r.maxAbsOutputDifference())
          .put("meanAbsOutput", r.meanAbsOutput())
          .put("spikeDisagreement", Double.isNaN(r.spikeDisagreement()) ? null
              : r.spikeDisagreement())
          .put("fixedSpikesPerSample", r.deviceSpikesPerSample())
          .put("sopsPerSample", r.sopsPerSample()).put("cyclesPerSample", r.cyclesPerSample())
          .put("energyJoulesPerSample", r.joulesPerSample()).put("clipped", mapping.clipped());
      ArrayNode tensors = o.putArray("tensors");
      for (MappedTensor t : mapping.tensors()) {
        tensors.addObject().put("name", t.name()).put("floatTensor", t.floatTensor())
            .put("exponent", t.exponent()).put("step", t.lsb()).put("clipped", t.clipped())
            .put("maxAbsError", t.maxAbsError());
      }
      ArrayNode lost = o.putArray("lost");
      for (MappingLoss loss : mapping.losses()) {
        lost.addObject().put("item", loss.item()).put("kind", loss.kind().name())
            .put("detail", loss.detail());
      }
      out.println(o);
    }
    out.flush();
    return 0;
  }

  private void printMapping(PrintWriter out, MappedNetwork m, QuantizationOptions q) {
    out.printf(Locale.ROOT, "mapping: %d-bit weights, uBits %d, oBits %d, headroom %d bits, "
            + "exponents from the %s of |w|%n", q.weightBits(), q.membraneBits(), q.outputBits(),
        q.headroomBits(), q.clipPercentile() >= 100 ? "maximum" : q.clipPercentile() + "th percentile");
    for (int l = 0; l < m.config().layers().size(); l++) {
      var c = m.config().layers().get(l);
      out.printf(Locale.ROOT, "  layer %d: theta %d, alpha %d/4096, wExp %d%n", l, c.theta(),
          c.alpha(), c.wExp());
    }
    out.printf(Locale.ROOT, "  output: kappa %d/4096, wExp %d, scale %.4g%n",
        m.config().output().kappa(), m.config().output().wExp(), m.outputScale());
    for (TensorReport t : m.tensors()) {
      out.printf(Locale.ROOT, "  %-12s step %.3g  max|x| %.3g  max error %.3g  clipped %d of %d%n",
          t.name(), t.step(), t.maxAbsFloat(), t.maxAbsError(), t.clipped(), t.values());
    }
  }

  private String toJson(Evaluation.Result r, MappedNetwork m, QuantizationOptions q) {
    ObjectNode o = new ObjectMapper().createObjectNode();
    o.put("command", "eval").put("run", run == null ? null : run.toString())
        .put("nir", nir == null ? null : nir.toString()).put("device", deviceName)
        .put("dataset", dataset).put("seed", seed).put("samples", r.samples())
        .put("weightBits", q.weightBits()).put("membraneBits", q.membraneBits())
        .put("outputBits", q.outputBits())
        .put("floatAccuracy", r.floatAccuracy()).put("fixedAccuracy", r.fixedAccuracy())
        .put("predictionAgreement", r.predictionAgreement())
        .put("spikeAgreement", r.spikeAgreement()).put("spikeOverlap", r.spikeOverlap())
        .put("floatSpikesPerSample", r.floatSpikesPerSample())
        .put("fixedSpikesPerSample", r.fixedSpikesPerSample())
        .put("sopsPerSample", r.sopsPerSample()).put("cyclesPerSample", r.cyclesPerSample())
        .put("energyJoulesPerSample", r.joulesPerSample())
        .put("saturations", r.saturations()).put("fifoOverflows", r.fifoOverflows())
        .put("deadlineMisses", r.deadlineMisses()).put("clipped", m.clipped());
    ArrayNode tensors = o.putArray("tensors");
    for (TensorReport t : m.tensors()) {
      tensors.addObject().put("name", t.name()).put("exponent", t.exponent()).put("step", t.step())
          .put("clipped", t.clipped()).put("maxAbsError", t.maxAbsError());
    }
    return o.toString();
  }
}
