package io.spikeloop.reproduce;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spikeloop.data.DatasetOptions;
import io.spikeloop.data.Datasets;
import io.spikeloop.data.SpikeDataset;
import io.spikeloop.device.Device;
import io.spikeloop.device.Devices;
import io.spikeloop.mapper.ChipCalibration;
import io.spikeloop.mapper.ChipCalibrator;
import io.spikeloop.mapper.TargetMapper;
import io.spikeloop.mapper.TargetMappers;
import io.spikeloop.model.SnnConfig;
import io.spikeloop.model.SnnParameters;
import io.spikeloop.nir.Discretisation;
import io.spikeloop.nir.NirExport;
import io.spikeloop.nir.NirFile;
import io.spikeloop.nir.SpikeloopExtension;
import io.spikeloop.placement.LearningCost;
import io.spikeloop.placement.Placement;
import io.spikeloop.placement.PlacementSettings;
import io.spikeloop.placement.Placements;
import io.spikeloop.report.ChartImages;
import io.spikeloop.run.TrainOptions;
import io.spikeloop.run.TrainResult;
import io.spikeloop.run.TrainRun;
import io.spikeloop.study.StudyResults;
import io.spikeloop.train.Evaluation;
import io.spikeloop.train.Readout;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;

/**
 * Hardware in the loop on imperfect chips (issue 17): a network trained on the host in float is
 * deployed on chip instances with mismatch spread S ({@code sim:mismatch=S,instance=K,...},
 * {@code docs/core-spec.md} section 10), and each placement's way of coping is measured on the
 * held-out test split, evaluated on the instance:
 * <ul>
 *   <li>(a) {@code deployed}: the host-float network mapped and loaded as is;</li>
 *   <li>(b) {@code calibrated}: per-instance calibration only (the target's {@link
 *       ChipCalibrator}, SL-1's {@code Sl1ChipCalibration}: gains, thresholds and output offsets
 *       measured on the chip, weights rescaled, no training; skipped, saying so, on a target
 *       without one);</li>
 *   <li>(c) {@code hil}: the host-float network fine-tuned with {@code --placement hil} on the
 *       instance (a {@link TrainRun} started from it, exported as NIR);</li>
 *   <li>(d) {@code near-chip} and {@code on-chip}: the same fine-tuning with those placements;</li>
 *   <li>(e) {@code hil-other}: the network of (c), trained in the loop on instance K, deployed on
 *       another instance of the same spread (how much of what HIL learned is instance-specific).</li>
 * </ul>
 * Every device run uses the same mapping (8-bit weights, the same headroom), so at S = 0 arms
 * (a), (b) and (e) are the same network on the exact core. Written to {@code out/}:
 * {@code hil-mismatch.csv} (one row per dataset, seed, spread, instance and arm),
 * {@code hil-mismatch.md} (means, the loss of (a), what (c) recovers, the target check, device
 * energy and time per placement) and {@code hil-mismatch-DATASET.png}.
 */
public final class HilMismatch {
  public static final List<String> ARMS = List.of("deployed", "calibrated", "hil", "near-chip",
      "on-chip", "hil-other");
  /** The device placements fine-tuned on an instance (arms (c) and (d)). */
  static final List<String> TUNED = List.of("hil", "near-chip", "on-chip");

  private HilMismatch() {}

  /**
   * One dataset of the study and its sizes.
   *
   * @param key            file-name key, e.g. {@code synthetic}
   * @param spec           train's dataset, e.g. {@code nmnist:PATH}
   * @param device         the simulator for it without an instance, e.g. {@code sim} or
   *                       {@code sim:inputs=4096,fan-in=4096} for N-MNIST's 2312 inputs
   * @param hostArgs       train options of the host-float run (network, steps, epochs, samples)
   * @param tuneSamples    training samples of each fine-tuning run on an instance
   * @param tuneEpochs     epochs of each fine-tuning run
   */
  public record StudyDataset(String key, String spec, String device, List<String> hostArgs,
                             int tuneSamples, int tuneEpochs) {
    public StudyDataset {
      hostArgs = List.copyOf(hostArgs);
    }

    /** The embedded synthetic temporal-order task (700 channels, 20 classes, needs memory). */
    public static StudyDataset synthetic(boolean quick) {
      return quick
          ? new StudyDataset("synthetic", "synthetic", "sim", List.of("--model", "rsnn",
              "--hidden", "32", "--steps", "50", "--epochs", "4", "--batch", "32",
              "--train-samples", "800"), 200, 1)
          : new StudyDataset("synthetic", "synthetic", "sim", List.of("--model", "rsnn",
              "--hidden", "64", "--steps", "50", "--epochs", "8", "--batch", "32"), 600, 1);
    }

    /** N-MNIST (2312 channels, 10 classes) from {@code folder}. */
    public static StudyDataset nmnist(Path folder, boolean quick) {
      return new StudyDataset("nmnist", "nmnist:" + folder, "sim:inputs=4096,fan-in=4096",
          List.of("--model", "rsnn", "--hidden", quick ? "32" : "64", "--epochs",
              quick ? "4" : "8", "--batch", "32"), quick ? 150 : 500, 1);
    }
  }

  /**
   * What to run.
   *
   * @param datasets   the datasets
   * @param spreads    mismatch spreads S (0 = the exact core; one instance is enough there)
   * @param instances  instance numbers K; (e) deploys K's HIL network on the next one in the list
   * @param seeds      seeds (network initialisation, data order)
   * @param noise      membrane noise N of every instance with S > 0, in LSBs
   * @param drop       input-event loss P of every instance with S > 0
   * @param tuneLr     Adam learning rate of the fine-tuning runs
   * @param headroom   weight headroom of the device mapping (all arms)
   */
  public record Settings(List<StudyDataset> datasets, List<Double> spreads, List<Long> instances,
                         List<Long> seeds, double noise, double drop, double tuneLr,
                         double headroom) {
    public Settings {
      datasets = List.copyOf(datasets);
      spreads = List.copyOf(spreads);
      instances = List.copyOf(instances);
      seeds = List.copyOf(seeds);
      if (datasets.isEmpty() || spreads.isEmpty() || instances.isEmpty() || seeds.isEmpty()) {
        throw new IllegalArgumentException("hil-mismatch needs at least one dataset, spread, "
            + "instance and seed");
      }
      if (instances.size() < 2) {
        throw new IllegalArgumentException("hil-mismatch needs two instances or more: arm (e) "
            + "deploys one instance's HIL network on another, got " + instances);
      }
    }
  }

  /**
   * One measurement.
   *
   * @param accuracy      held-out test accuracy on the instance, in [0, 1]
   * @param deviceJoules  device energy spent to get there (training or calibration probes)
   * @param deviceSeconds device busy time spent to get there (cycles / clock)
   * @param deviceSamples samples (training) or probe steps (calibration) the device ran
   */
  public record Row(String dataset, long seed, double spread, long instance, String arm,
                    double accuracy, double deviceJoules, double deviceSeconds,
                    long deviceSamples) {
    static final String CSV_HEADER = "dataset,seed,spread,instance,arm,test_accuracy,"
        + "device_joules,device_seconds,device_samples";

    String csv() {
      return String.format(Locale.ROOT, "%s,%d,%s,%d,%s,%.6f,%.6g,%.6g,%d", dataset, seed,
          spread, instance, arm, accuracy, deviceJoules, deviceSeconds, deviceSamples);
    }
  }

  /** Runs the study into {@code out}; returns every row. */
  public static List<Row> run(Settings s, Path out, PrintWriter log) throws IOException {
    Files.createDirectories(out);
    List<Row> rows = new ArrayList<>();
    long start = System.nanoTime();
    for (StudyDataset d : s.datasets()) {
      for (long seed : s.seeds()) {
        runSeed(s, d, seed, out.resolve(d.key() + "-seed" + seed), rows, log);
        writeOutputs(s, rows, out, (System.nanoTime() - start) / 60e9); // partial results survive
      }
    }
    return rows;
  }

  private static void runSeed(Settings s, StudyDataset d, long seed, Path dir, List<Row> rows,
                              PrintWriter log) throws IOException {
    Files.createDirectories(dir);
    TrainOptions host = TrainOptions.fromArgs(d.hostArgs()).toBuilder().dataset(d.spec())
        .seed(seed).build();
    log.printf("hil-mismatch: %s seed %d: host-float training (%s)%n", d.key(), seed,
        String.join(" ", d.hostArgs()));
    log.flush();
    TrainResult trained = TrainRun.run(host, TrainRun.SILENT);
    SnnParameters p = trained.parameters();
    TrainOptions resolved = trained.options().resolved();
    // the held-out split every TrainRun of this seed evaluates on
    SpikeDataset test = TrainRun.subset(Datasets.open(d.spec(), new DatasetOptions(
        resolved.dtMs(), resolved.steps(), seed)).test(), resolved.testSamples(), seed,
        "--test-samples");
    Readout readout = Readout.of(resolved.readout());
    Path nir = dir.resolve("host-float.nir");
    double dtSeconds = (resolved.dtMs() != null ? resolved.dtMs()
        : Datasets.defaultStepMs(d.spec())) / 1000;
    Discretisation disc = Discretisation.parse(resolved.nirDiscretisation());
    SnnConfig c = p.config();
    NirFile.write(nir, NirExport.export(p, dtSeconds, disc),
        SpikeloopExtension.of(c, dtSeconds, disc));
    PlacementSettings mapping = PlacementSettings.builder().weightBits(resolved.weightBits())
        .weightHeadroom(s.headroom()).seed(seed).build();
    log.printf("hil-mismatch: %s seed %d: host-float test accuracy %.1f%% (float)%n", d.key(),
        seed, 100 * trained.lastTestAccuracy());

    for (double spread : s.spreads()) {
      List<Long> instances = spread == 0 ? s.instances().subList(0, 1) : s.instances();
      for (int i = 0; i < instances.size(); i++) {
        long k = instances.get(i);
        String device = instanceName(d.device(), spread, k, s);
        String other = instanceName(d.device(), spread,
            s.instances().get((i + 1) % s.instances().size()), s);
        int first = rows.size();
        Row a = new Row(d.key(), seed, spread, k, "deployed",
            deployedAccuracy(p, device, test, mapping, readout), 0, 0, 0);
        rows.add(a);
        Row calibrated = calibrated(d, seed, spread, k, p, device, test, mapping, readout);
        if (calibrated != null) {
          rows.add(calibrated);
        } else {
          log.printf(Locale.ROOT, "hil-mismatch: %s seed %d S=%s K=%d: arm (b) calibrated "
              + "skipped: target %s has no chip calibration%n", d.key(), seed, spread, k,
              targetOf(device));
        }
        SnnParameters hilNet = null;
        for (String placement : TUNED) {
          TrainOptions tune = host.toBuilder().placement(placement).device(device).initNir(nir)
              .epochs(d.tuneEpochs()).trainSamples(d.tuneSamples()).lr(s.tuneLr())
              .weightHeadroom(s.headroom())
              .out(dir.resolve(placement + "-S" + spread + "-K" + k)).force(true).build();
          TrainResult r = TrainRun.run(tune, TrainRun.SILENT);
          LearningCost cost = r.cost();
          double clock = clockHz(device);
          rows.add(new Row(d.key(), seed, spread, k, placement, r.lastTestAccuracy(),
              cost.joulesPerSample() * cost.samples(),
              clock > 0 ? cost.cyclesPerSample() * cost.samples() / clock : 0, cost.samples()));
          if (placement.equals("hil")) {
            hilNet = r.parameters();
          }
        }
        rows.add(new Row(d.key(), seed, spread, k, "hil-other",
            deployedAccuracy(hilNet, other, test, mapping, readout), 0, 0, 0));
        log.printf(Locale.ROOT, "hil-mismatch: %s seed %d S=%s K=%d: %s%n", d.key(), seed,
            spread, k, rows.subList(first, rows.size()).stream()
                .map(r -> String.format(Locale.ROOT, "%s %.1f%%", r.arm(), 100 * r.accuracy()))
                .collect(Collectors.joining(", ")));
        log.flush();
      }
    }
  }

  /** {@code base} with the instance options (S = 0: the exact core, whatever K). */
  static String instanceName(String base, double spread, long instance, Settings s) {
    if (spread == 0) {
      return base;
    }
    String chip = String.format(Locale.ROOT, "mismatch=%s,instance=%d,noise=%s,drop=%s", spread,
        instance, s.noise(), s.drop());
    return base.contains(":") ? base + "," + chip : base + ":" + chip;
  }

  private static double clockHz(String device) {
    try (Device d = Devices.open(device)) {
      return d.info().clockHz();
    }
  }

  /** Test accuracy of {@code p} mapped as the device placements map it and run on the device. */
  static double deployedAccuracy(SnnParameters p, String device, SpikeDataset test,
                                 PlacementSettings mapping, Readout readout) {
    try (Device d = Devices.open(device);
         Placement onDevice = Placements.onDevice("hil", d, p, mapping)) {
      return Evaluation.of(onDevice, test, readout, 50).accuracy();
    } catch (Exception e) {
      throw e instanceof RuntimeException re ? re : new IllegalStateException(e);
    }
  }

  private static String targetOf(String device) {
    try (Device d = Devices.open(device)) {
      return d.info().target();
    }
  }

  /**
   * Arm (b): the device's target's calibration measured on the instance, {@code p} compensated
   * and deployed; null when the target has no calibration ({@link TargetMapper#calibrator}).
   */
  private static Row calibrated(StudyDataset d, long seed, double spread, long k, SnnParameters p,
                                String device, SpikeDataset test, PlacementSettings mapping,
                                Readout readout) {
    ChipCalibration cal;
    double clock;
    try (Device dev = Devices.open(device)) {
      TargetMapper mapper = TargetMappers.forDevice(dev);
      Optional<ChipCalibrator> calibrator = mapper.calibrator();
      if (calibrator.isEmpty()) {
        return null;
      }
      // mapped as the placements map it (the device's limits play no part in the integers)
      cal = calibrator.get().measure(dev, mapper.map(p, mapping.mappingOptions(), Map.of()));
      clock = dev.info().clockHz();
    }
    double accuracy = deployedAccuracy(cal.compensate(p), device, test, mapping, readout);
    return new Row(d.key(), seed, spread, k, "calibrated", accuracy, cal.probeJoules(),
        clock > 0 ? cal.probeCycles() / clock : 0, cal.probeSteps());
  }

  // ------------------------------------------------------------------------------------------
  // Outputs
  // ------------------------------------------------------------------------------------------

  /** Mean over seeds and instances of one arm's field at one dataset and spread. */
  static StudyResults.Stat stat(List<Row> rows, String dataset, double spread, String arm,
                                java.util.function.ToDoubleFunction<Row> field) {
    return StudyResults.Stat.of(rows.stream().filter(r -> r.dataset().equals(dataset)
        && r.spread() == spread && r.arm().equals(arm)).mapToDouble(field).toArray());
  }

  /**
   * The target of issue 17 at one dataset and spread: the loss of (a) against (a) at S = 0 and
   * the fraction of it (c) recovers; null when either is not measured.
   */
  record Recovery(double loss, double recovered) {}

  static Recovery recovery(List<Row> rows, String dataset, double spread) {
    StudyResults.Stat exact = stat(rows, dataset, 0, "deployed", Row::accuracy);
    StudyResults.Stat a = stat(rows, dataset, spread, "deployed", Row::accuracy);
    StudyResults.Stat c = stat(rows, dataset, spread, "hil", Row::accuracy);
    if (exact.n() == 0 || a.n() == 0 || c.n() == 0) {
      return null;
    }
    double loss = exact.mean() - a.mean();
    return new Recovery(loss, loss > 0 ? (c.mean() - a.mean()) / loss : Double.NaN);
  }

  static void writeOutputs(Settings s, List<Row> rows, Path out, double minutes)
      throws IOException {
    StringBuilder csv = new StringBuilder(Row.CSV_HEADER).append('\n');
    rows.forEach(r -> csv.append(r.csv()).append('\n'));
    Files.writeString(out.resolve("hil-mismatch.csv"), csv);
    for (StudyDataset d : s.datasets()) {
      if (rows.stream().anyMatch(r -> r.dataset().equals(d.key()))) {
        ChartImages.writePng(chart(rows, d.key(), s.spreads()),
            out.resolve("hil-mismatch-" + d.key() + ".png"));
      }
    }
    Files.writeString(out.resolve("hil-mismatch.md"), markdown(s, rows, minutes));
  }

  static XYChart chart(List<Row> rows, String dataset, List<Double> spreads) {
    XYChart chart = new XYChartBuilder().width(800).height(440)
        .title("Imperfect chips: test accuracy on the instance, " + dataset)
        .xAxisTitle("mismatch spread S").yAxisTitle("test accuracy (%)").build();
    ChartImages.style(chart.getStyler());
    chart.getStyler().setMarkerSize(7);
    for (String arm : ARMS) {
      List<double[]> points = new ArrayList<>();
      for (double spread : spreads) {
        StudyResults.Stat st = stat(rows, dataset, spread, arm, Row::accuracy);
        if (st.n() > 0) {
          points.add(new double[] {spread, 100 * st.mean(), 100 * st.std()});
        }
      }
      if (!points.isEmpty()) {
        chart.addSeries(arm, points.stream().mapToDouble(x -> x[0]).toArray(),
            points.stream().mapToDouble(x -> x[1]).toArray(),
            points.stream().mapToDouble(x -> x[2]).toArray());
      }
    }
    return chart;
  }

  static String markdown(Settings s, List<Row> rows, double minutes) {
    StringBuilder b = new StringBuilder("# Hardware in the loop on imperfect chips\n\n");
    b.append(String.format(Locale.ROOT, "Spreads %s, instances %s (S = 0: one, the exact core), "
            + "seeds %s, instances with S > 0 also have membrane noise %s LSB and input-event "
            + "loss %s; fine-tuning lr %s, weight headroom %s; %.1f minutes. Test accuracy on "
            + "the held-out test split, evaluated on the instance; mean ± std over seeds and "
            + "instances.%n%n", s.spreads(), s.instances(), s.seeds(), s.noise(), s.drop(),
        s.tuneLr(), s.headroom(), minutes));
    for (StudyDataset d : s.datasets()) {
      if (rows.stream().noneMatch(r -> r.dataset().equals(d.key()))) {
        continue;
      }
      b.append("## ").append(d.key()).append(" (`").append(d.spec()).append("`)\n\n")
          .append("Host-float: `").append(String.join(" ", d.hostArgs())).append("`; each ")
          .append("fine-tuning run: ").append(d.tuneEpochs()).append(" epoch of ")
          .append(d.tuneSamples()).append(" samples on the instance.\n\n")
          .append("![accuracy](hil-mismatch-").append(d.key()).append(".png)\n\n")
          .append("| S | (a) deployed | (b) calibrated | (c) hil | (d) near-chip | (d) on-chip "
              + "| (e) hil, other instance | loss of (a) | (c) recovers |\n"
              + "|---|---|---|---|---|---|---|---|---|\n");
      for (double spread : s.spreads()) {
        b.append("| ").append(spread);
        for (String arm : ARMS) {
          StudyResults.Stat st = stat(rows, d.key(), spread, arm, Row::accuracy);
          b.append(" | ").append(st.n() == 0 ? "—" : StudyResults.format(st, true));
        }
        Recovery r = recovery(rows, d.key(), spread);
        b.append(r == null || spread == 0 ? " | — | — |\n" : String.format(Locale.ROOT,
            " | %.1f points | %s |%n", 100 * r.loss(), Double.isNaN(r.recovered()) ? "—"
                : String.format(Locale.ROOT, "%.0f%%", 100 * r.recovered())));
      }
      b.append("\nDevice cost to get there, mean per instance (simulator's energy and cycle "
          + "model; (a) and (e) cost nothing beyond deployment):\n\n"
          + "| S | arm | device energy (J) | device time (s) | samples or probe steps |\n"
          + "|---|---|---|---|---|\n");
      for (double spread : s.spreads()) {
        for (String arm : List.of("calibrated", "hil", "near-chip", "on-chip")) {
          StudyResults.Stat j = stat(rows, d.key(), spread, arm, Row::deviceJoules);
          if (j.n() == 0) {
            continue;
          }
          b.append(String.format(Locale.ROOT, "| %s | %s | %.3g | %.3g | %.0f |%n", spread, arm,
              j.mean(), stat(rows, d.key(), spread, arm, Row::deviceSeconds).mean(),
              stat(rows, d.key(), spread, arm, Row::deviceSamples).mean()));
        }
      }
      b.append('\n').append(targetCheck(s, rows, d.key())).append("\n\n");
    }
    return b.toString();
  }

  /** The target in words: at spreads where (a) loses >= 10 points, (c) recovers >= 80%. */
  static String targetCheck(Settings s, List<Row> rows, String dataset) {
    List<String> lines = new ArrayList<>();
    boolean anyLarge = false;
    for (double spread : s.spreads()) {
      Recovery r = recovery(rows, dataset, spread);
      if (spread == 0 || r == null || r.loss() < 0.10) {
        continue;
      }
      anyLarge = true;
      lines.add(String.format(Locale.ROOT, "S = %s: (a) loses %.1f points, HIL recovers %.0f%% "
          + "of it: target %s.", spread, 100 * r.loss(), 100 * r.recovered(),
          r.recovered() >= 0.8 ? "met" : "NOT met"));
    }
    if (!anyLarge) {
      lines.add("(a) loses less than 10 points at every spread measured, so the target's "
          + "condition never arises here; run larger spreads (--spreads ...,0.3,0.5).");
    }
    return "Target (HIL recovers >= 80% of a loss >= 10 points): " + String.join(" ", lines);
  }

  /** The rows and the per-spread recovery as one JSON object ({@code --json}). */
  public static ObjectNode json(Settings s, List<Row> rows) {
    ObjectMapper m = new ObjectMapper();
    ObjectNode root = m.createObjectNode();
    ArrayNode all = root.putArray("rows");
    for (Row r : rows) {
      all.add(m.valueToTree(r));
    }
    ObjectNode rec = root.putObject("recovery");
    for (StudyDataset d : s.datasets()) {
      ObjectNode per = rec.putObject(d.key());
      for (double spread : s.spreads()) {
        Recovery r = recovery(rows, d.key(), spread);
        if (r != null && spread != 0) {
          Map<String, Double> v = new LinkedHashMap<>();
          v.put("loss", r.loss());
          v.put("recovered", Double.isNaN(r.recovered()) ? null : r.recovered());
          per.set(Double.toString(spread), m.valueToTree(v));
        }
      }
    }
    return root;
  }
}
