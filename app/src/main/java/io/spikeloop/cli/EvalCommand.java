package io.spikeloop.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spikeloop.data.DatasetOptions;
import io.spikeloop.data.Datasets;
import io.spikeloop.data.SpikeDataset;
import io.spikeloop.device.Device;
import io.spikeloop.device.Devices;
import io.spikeloop.mapper.EvaluationReport;
import io.spikeloop.mapper.MappingOptions;
import io.spikeloop.mapper.TargetMapper;
import io.spikeloop.mapper.TargetMapping;
import io.spikeloop.mapper.TargetMappers;
import io.spikeloop.model.ModelFile;
import io.spikeloop.model.SnnParameters;
import io.spikeloop.nir.NirImport;
import io.spikeloop.run.RunFolder;
import io.spikeloop.train.Readout;
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
 * {@code spikeloop eval}: maps a trained network onto a device with the mapper of the device's
 * target (or uses the mapping a NIR file stores for that target) and prints the target's report
 * of the device beside the float model on the test split ({@code TargetMapper.evaluate}).
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

  @Option(names = "--weight-bits", defaultValue = "" + MappingOptions.DEFAULT_WEIGHT_BITS,
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

  @Option(names = "--readout", paramLabel = "last|sum",
      description = "How every model's class is read: the output at the last step or summed "
          + "over the steps (default: the run's, as its config.json records it; else its "
          + "dataset's preset: sum for shd:, else last).")
  String readout;

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
    MappingOptions options = MappingOptions.builder().weightBits(weightBits)
        .membraneBits(membraneBits).outputBits(outputBits).headroomBits(headroomBits)
        .clipPercentile(clipPercentile).build();
    NirImport.Result imported = null;
    if (nir != null) {
      modelFile = nir;
      imported = NirImport.read(nir, nirRead.options());
      imported.notes().forEach(n -> out.println("nir: " + n));
      params = imported.params();
    } else {
      modelFile = run.resolve(MODEL_FILE);
      if (!Files.isDirectory(run)) {
        throw new IllegalArgumentException("run folder " + run + " does not exist");
      }
      params = ModelFile.read(modelFile,
          w -> spec.commandLine().getErr().println("spikeloop: warning: " + w));
    }

    Readout readoutKind = readout != null ? Readout.of(readout)
        : RunFolder.readout(run == null ? null : RunDataset.recordedOptions(run));
    EvaluationReport report;
    String target;
    try (Device device = Devices.open(deviceName)) {
      RunDataset data = RunDataset.of(run, dataset, dtMillis, steps, seed);
      dataset = data.dataset();
      seed = data.seed();
      SpikeDataset test = Datasets.open(data.dataset(),
          new DatasetOptions(data.dtMs(), data.steps(), data.seed())).test();
      int total = samples != null ? Math.min(samples, test.size()) : test.size();
      target = device.info().target();
      TargetMapper mapper = TargetMappers.forDevice(device);
      TargetMapping mapping;
      TargetMapping stored = imported != null ? imported.fixedPoint() : null;
      if (stored != null && stored.targetId().equals(target)) {
        out.println("nir: using the fixed-point mapping stored in " + nir
            + " (quantization options on the command line are ignored)");
        mapping = stored;
        options = imported.quantization();
      } else {
        if (stored != null) {
          out.println("nir: the fixed-point mapping stored in " + nir + " is target "
              + stored.targetId() + "'s; " + device.info().name() + " is target " + target
              + ", so its mapper maps the float graph");
        }
        // the mapper of the device's target, refusing by name what cannot map
        mapping = mapper.map(params, options, device.info().limits());
      }
      boolean bar = System.console() != null && !json;
      ProgressBar progress = bar ? new ProgressBarBuilder().setTaskName("eval").setInitialMax(total)
          .build() : null;
      IntConsumer step = progress == null ? done -> { } : progress::stepTo;
      try {
        report = mapper.evaluate(mapping, options, params, device, test, readoutKind, total,
            step);
      } finally {
        if (progress != null) {
          progress.close();
        }
      }
      out.printf(Locale.ROOT, "model %s (%d-%s-%d, %s) on %s (%s, target %s), %s: %d samples, "
              + "readout %s%n", modelFile, params.config().inputs(), params.config().hidden(),
          params.config().outputs(), params.config().recurrent() ? "recurrent" : "feed-forward",
          device.info().name(), device.info().kind(), target, test.name(), report.samples(),
          readoutKind.name().toLowerCase(Locale.ROOT));
    }
    report.lines().forEach(out::println);
    if (json) {
      ObjectNode o = new ObjectMapper().createObjectNode();
      o.put("command", "eval").put("run", run == null ? null : run.toString())
          .put("nir", nir == null ? null : nir.toString()).put("device", deviceName)
          .put("target", target).put("dataset", dataset).put("seed", seed)
          .put("readout", readoutKind.name().toLowerCase(Locale.ROOT));
      o.setAll(report.fields());
      out.println(o);
    }
    out.flush();
    return 0;
  }
}
