package io.spikeloop.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spikeloop.data.DatasetOptions;
import io.spikeloop.data.DatasetSplit;
import io.spikeloop.data.Datasets;
import io.spikeloop.model.ModelFile;
import io.spikeloop.model.SnnParameters;
import io.spikeloop.run.RunFolder;
import io.spikeloop.sim.timing.EnergyProfile;
import io.spikeloop.train.Readout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.internal.chartpart.Chart;

/**
 * Writes {@code report.html} into a run folder from what the folder holds: {@code config.json}
 * (options, data, versions, machine), {@code metrics.csv} (one row per epoch), {@code result.json}
 * (the summary) and {@code model.slm} (for the spike raster of the first test sample, whose data
 * set is reopened from the recorded options). Sections whose inputs are absent say so instead of
 * failing; only a folder without {@code metrics.csv} is refused. The file is written through a
 * temporary file and a rename.
 */
public final class RunReport {
  public static final String FILE_NAME = "report.html";
  private static final ObjectMapper JSON = new ObjectMapper();

  private RunReport() {}

  /** Writes {@code dir/report.html} and returns its path. */
  public static Path write(Path dir) throws IOException {
    Path metricsFile = dir.resolve("metrics.csv");
    if (!Files.isRegularFile(metricsFile)) {
      throw new IllegalArgumentException("not a run folder: " + dir + " has no metrics.csv");
    }
    MetricsTable metrics = MetricsTable.read(metricsFile);
    JsonNode config = readJson(dir.resolve("config.json"));
    JsonNode result = readJson(dir.resolve("result.json"));
    String html = html(dir, config, result, metrics);
    Path target = dir.resolve(FILE_NAME);
    Path tmp = dir.resolve(FILE_NAME + ".tmp");
    Files.writeString(tmp, html);
    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return target;
  }

  private static JsonNode readJson(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      return null;
    }
    try {
      return JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new IllegalArgumentException(file + ": not valid JSON: " + e.getMessage());
    }
  }

  private static String html(Path dir, JsonNode config, JsonNode result, MetricsTable m) {
    Html h = new Html();
    String name = dir.toAbsolutePath().normalize().getFileName() == null ? dir.toString()
        : dir.toAbsolutePath().normalize().getFileName().toString();
    h.raw("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        + "<title>spikeloop run " + Html.escape(name) + "</title><style>" + STYLE
        + "</style></head><body>\n");
    h.raw("<h1>spikeloop run <code>" + Html.escape(name) + "</code></h1>\n");
    h.raw("<p class=\"sub\">" + Html.escape(dir.toAbsolutePath().normalize().toString())
        + " &middot; report written " + Instant.now() + "</p>\n");

    h.section("summary", "Summary");
    if (result == null) {
      h.note("No result.json: the run did not finish; the curves below show the epochs done.");
    } else {
      h.keyValues(withUnits(scalars(result, "")));
    }

    h.section("curves", "Accuracy and loss");
    if (m.rows().isEmpty()) {
      h.note("metrics.csv has no epochs yet.");
    } else {
      if (m.has("testAccuracy") || m.has("onlineTrainAccuracy")) {
        h.chart(RunCharts.accuracy(m), "Test accuracy after each epoch and online training "
            + "accuracy (prediction at the end of each training sample, during the epoch).");
      }
      if (m.has("trainLoss")) {
        h.chart(RunCharts.loss(m), "Mean per-step cross-entropy over the epoch's training.");
      }
    }

    h.section("activity", "Spikes and SOPs per sample");
    if (!m.rows().isEmpty() && m.has("spikesPerSample") && m.has("sopsPerSample")) {
      h.chart(RunCharts.columns(m, "Hidden spikes per test sample", "spikes",
          List.of("spikesPerSample")), "Spikes of all hidden neurons per test sample.");
      h.chart(RunCharts.columns(m, "SOPs per test sample", "synaptic operations",
          List.of("sopsPerSample")), "Synaptic operations per test sample (one per presynaptic "
          + "spike and postsynaptic neuron).");
      energyEstimate(result, config, m, h);
    } else {
      h.note("metrics.csv records no spikes or SOPs per sample.");
    }

    h.section("device", "Device cycles and energy");
    List<String> cycles = m.columnsMatching("cycles");
    List<String> energy = m.columnsMatching("energy", "joules");
    List<String> latency = m.columnsMatching("latency");
    List<String[]> deviceFields = result == null ? List.of() : matching(scalars(result, ""),
        "cycles", "joules", "energy", "latency", "device");
    if (!deviceFields.isEmpty()) {
      h.keyValues(withUnits(deviceFields));
      deviceCharts(result, h);
    }
    if (m.rows().isEmpty() || (cycles.isEmpty() && energy.isEmpty() && latency.isEmpty())) {
      if (deviceFields.isEmpty()) {
        h.note("No device metrics (a host-float run, or a run without telemetry).");
      }
    } else {
      if (!cycles.isEmpty()) {
        h.chart(RunCharts.columns(m, "Core cycles", "cycles", cycles), "Cycles per sample "
            + "reported by the device's telemetry.");
      }
      if (!energy.isEmpty()) {
        h.chart(RunCharts.columns(m, "Energy", "energy", energy), "Energy per sample from the "
            + "device's energy profile.");
      }
      if (!latency.isEmpty()) {
        h.chart(RunCharts.columns(m, "Device latency", "latency", latency), "Device call "
            + "latency.");
      }
    }

    h.section("optimizer", "Optimizer-state memory");
    List<String[]> memory = new ArrayList<>();
    for (JsonNode node : new JsonNode[] {result, config}) {
      if (node != null) {
        for (String[] kv : scalars(node, "")) {
          String key = kv[0].toLowerCase(Locale.ROOT);
          boolean memoryField = key.equals("memory") || ((key.contains("optimizer")
              || key.contains("state") || key.contains("memory")) && key.contains("bytes"));
          if (memoryField && !key.startsWith("machine.")) {
            memory.add(kv);
          }
        }
      }
    }
    List<String> memoryColumns = m.columnsMatching("statebytes", "optimizerbytes", "memorybytes");
    if (memory.isEmpty() && memoryColumns.isEmpty()) {
      h.note("This run recorded no optimizer-state memory (float Adam keeps 8 bytes per "
          + "parameter: m and v in float32).");
    } else {
      h.keyValues(memory);
      if (!memoryColumns.isEmpty() && !m.rows().isEmpty()) {
        h.chart(RunCharts.columns(m, "Optimizer-state memory", "bytes", memoryColumns),
            "Optimizer state per epoch.");
      }
    }

    h.section("raster", "Spikes of one test sample; firing rates and confusion on the test set");
    raster(dir, config, h);

    h.section("epochs", "Metrics per epoch");
    h.table(m);

    h.section("config", "Configuration and provenance");
    if (config == null) {
      h.note("No config.json in the run folder.");
    } else {
      h.keyValues(scalars(config, ""));
    }
    h.raw("</body></html>\n");
    return h.toString();
  }

  private static void raster(Path dir, JsonNode config, Html h) {
    Path modelFile = dir.resolve("model.slm");
    if (!Files.isRegularFile(modelFile)) {
      h.note("No model.slm in the run folder, so no spikes to show.");
      return;
    }
    JsonNode options = config == null ? null : config.get("options");
    if (options == null || !options.hasNonNull("dataset")) {
      h.note("config.json names no dataset, so no sample to show.");
      return;
    }
    String dataset = options.get("dataset").asText();
    try {
      SnnParameters model = ModelFile.read(modelFile);
      DatasetSplit data = Datasets.open(dataset, new DatasetOptions(
          // dtMs since run folder format 2, dt (also ms) before
          options.hasNonNull("dtMs") ? options.get("dtMs").asDouble()
              : options.hasNonNull("dt") ? options.get("dt").asDouble() : null,
          options.hasNonNull("steps") ? options.get("steps").asInt() : null,
          options.path("seed").asLong(1)));
      if (data.test().size() == 0) {
        h.note("The test set of " + dataset + " is empty.");
        return;
      }
      Readout readout = RunFolder.readout(options);
      String readFrom = readout == Readout.SUM ? "summed" : "last step's";
      SpikeRaster raster = SpikeRaster.of(model, data.test().sample(0), readout);
      h.para(String.format(Locale.ROOT, "First test sample of <code>%s</code>: label %d, "
              + "predicted %d (%s output); %d input spikes, %s hidden spikes.",
          Html.escape(dataset), raster.label(), raster.predicted(), readFrom,
          raster.input().spikes(),
          String.join(" + ", raster.hidden().stream().map(l -> String.valueOf(l.spikes()))
              .toList())));
      h.chart(RunCharts.raster(raster.input(), raster.steps(), "Input spikes"),
          "Input channels that spiked at each time step.");
      for (SpikeRaster.Layer layer : raster.hidden()) {
        h.chart(RunCharts.raster(layer, raster.steps(), "Hidden spikes (" + layer.name() + ")"),
            "Spikes of the trained network's " + layer.name() + " layer (float64 forward pass).");
      }
      TestSetAnalysis a = TestSetAnalysis.run(model, data.test(), ANALYSED_SAMPLES, readout);
      double dtMs = stepMs(config, dataset);
      h.para(String.format(Locale.ROOT, "The first %d test samples (float64 forward pass, "
              + "prediction from the %s output): accuracy %.2f %%.", a.samples(),
          readFrom, 100 * a.accuracy()));
      List<String[]> rates = new ArrayList<>();
      for (int l = 0; l < a.layerNeurons().length; l++) {
        double perStep = a.spikesPerNeuronPerStep(l);
        rates.add(new String[] {"hidden " + (l + 1) + " (" + a.layerNeurons()[l] + " neurons)",
            String.format(Locale.ROOT, "%.1f spikes per sample; %.4f spikes per neuron per step"
                + " = %.2f Hz per neuron at %s ms steps", a.layerSpikes()[l] / (double) a.samples(),
                perStep, perStep * 1000 / dtMs, number(dtMs))});
      }
      h.keyValues(rates);
      h.confusion(a.confusion());
    } catch (IOException | RuntimeException e) {
      String why = e instanceof NoSuchFileException ? "missing file " + e.getMessage()
          : e.getMessage();
      h.note("Cannot show the raster: " + why);
    }
  }

  /** Test samples the report runs for firing rates and the confusion matrix (a second or so). */
  static final int ANALYSED_SAMPLES = 200;

  /** The run's time step in ms: config.json's dtMs, its --dt, or its dataset's default. */
  private static double stepMs(JsonNode config, String dataset) {
    JsonNode dt = config.findValue("dtMs");
    if (dt == null || !dt.isNumber()) {
      dt = config.path("options").get("dt");
    }
    return dt != null && dt.isNumber() ? dt.asDouble() : Datasets.defaultStepMs(dataset);
  }

  /**
   * For a run without a device: what the network would spend on SL-1 per test sample, SOPs times
   * the reference profile's energy per SOP, stated as an estimate.
   */
  private static void energyEstimate(JsonNode result, JsonNode config, MetricsTable m, Html h) {
    String placement = result != null && result.hasNonNull("placement")
        ? result.get("placement").asText()
        : config != null ? config.path("options").path("placement").asText("host-float")
        : "host-float";
    if (!placement.equals("host-float")) {
      return;
    }
    double sops = result != null && result.hasNonNull("sopsPerSample")
        ? result.get("sopsPerSample").asDouble() : m.column("sopsPerSample")[m.rows().size() - 1];
    EnergyProfile sl1 = EnergyProfile.RECKON;
    h.para(String.format(Locale.ROOT, "Energy estimate on SL-1: %s SOPs per test sample x %.1f "
            + "pJ per SOP = <b>%s</b> per sample. An estimate for this host-float run, not a "
            + "measurement: SL-1's reference energy profile (%s), synaptic operations only "
            + "(neuron updates and static power not included).", number(sops),
        sl1.joulesPerSop() * 1e12, joules(sops * sl1.joulesPerSop()),
        Html.escape(sl1.source())));
  }

  /** Bar charts of a device run's cost per training sample (result.json). */
  private static void deviceCharts(JsonNode result, Html h) {
    String[][] cycles = {{"forward", "trainCyclesPerSample"}, {"learning",
        "learningCyclesPerSample"}};
    String[][] energy = {{"forward", "trainJoulesPerSample"}, {"learning",
        "learningJoulesPerSample"}};
    for (String[][] group : new String[][][] {cycles, energy}) {
      List<String> names = new ArrayList<>();
      List<Double> values = new ArrayList<>();
      for (String[] kv : group) {
        if (result.hasNonNull(kv[1]) && Double.isFinite(result.get(kv[1]).asDouble())) {
          names.add(kv[0]);
          values.add(result.get(kv[1]).asDouble() * (group == energy ? 1e6 : 1));
        }
      }
      if (!names.isEmpty()) {
        boolean isEnergy = group == energy;
        h.chart(RunCharts.bars(isEnergy ? "Device energy per training sample"
                : "Device cycles per training sample", isEnergy ? "energy (uJ)" : "cycles",
                names, values),
            isEnergy ? "Energy per training sample from the device's energy profile: forward "
                + "steps and (on-chip placements) the learning engine."
                : "Core cycles per training sample: forward steps and the learning engine.");
      }
    }
  }

  /** A summary field's value with its unit: accuracies in %, energies in J, rates per second. */
  static List<String[]> withUnits(List<String[]> fields) {
    List<String[]> out = new ArrayList<>();
    for (String[] kv : fields) {
      out.add(new String[] {kv[0], withUnit(kv[0], kv[1])});
    }
    return out;
  }

  /** Field-name fragment (lower case) and the unit of its values, first match wins. */
  private static final String[][] UNITS = {{"persecond", "samples/s"}, {"sops", "SOPs"},
      {"cycles", "cycles"}, {"spikes", "spikes"}, {"bytes", "bytes"}, {"seconds", "s"}};

  static String withUnit(String key, String text) {
    double v;
    try {
      v = Double.parseDouble(text);
    } catch (NumberFormatException e) {
      return text;
    }
    String k = key.toLowerCase(Locale.ROOT);
    if (k.contains("accuracy") && v >= 0 && v <= 1) {
      return String.format(Locale.ROOT, "%.2f %%", 100 * v);
    }
    if (k.contains("joules")) {
      return joules(v);
    }
    for (String[] unit : UNITS) {
      if (k.contains(unit[0])) {
        return number(v) + " " + unit[1];
      }
    }
    return text;
  }

  private static String number(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return String.format(Locale.ROOT, "%,d", (long) v);
    }
    if (Math.abs(v) >= 100 || !Double.isFinite(v)) {
      return String.format(Locale.ROOT, "%,.1f", v);
    }
    return new java.math.BigDecimal(v).round(new java.math.MathContext(4)).stripTrailingZeros()
        .toPlainString(); // 4 significant digits, no trailing zeros: 2.1, 0.0123
  }

  /** Joules with an SI prefix: "1.23 uJ". */
  static String joules(double j) {
    String[] prefixes = {"J", "mJ", "uJ", "nJ", "pJ"};
    double v = j;
    int i = 0;
    while (i < prefixes.length - 1 && Math.abs(v) < 1 && v != 0) {
      v *= 1000;
      i++;
    }
    return String.format(Locale.ROOT, "%.3g %s", v, prefixes[i]);
  }

  /** The fields whose name contains any of {@code fragments}, ignoring case. */
  private static List<String[]> matching(List<String[]> fields, String... fragments) {
    List<String[]> found = new ArrayList<>();
    for (String[] kv : fields) {
      String key = kv[0].toLowerCase(Locale.ROOT);
      for (String f : fragments) {
        if (key.contains(f)) {
          found.add(kv);
          break;
        }
      }
    }
    return found;
  }

  /** Every scalar field of a JSON tree as (dotted path, text), arrays joined by commas. */
  static List<String[]> scalars(JsonNode node, String prefix) {
    List<String[]> out = new ArrayList<>();
    if (node.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> f = fields.next();
        String key = prefix.isEmpty() ? f.getKey() : prefix + "." + f.getKey();
        JsonNode v = f.getValue();
        if (v.isObject()) {
          out.addAll(scalars(v, key));
        } else if (v.isArray()) {
          List<String> items = new ArrayList<>();
          v.forEach(item -> items.add(item.isValueNode() ? item.asText() : item.toString()));
          out.add(new String[] {key, String.join(", ", items)});
        } else {
          out.add(new String[] {key, v.asText()});
        }
      }
    }
    return out;
  }

  private static final String STYLE = "body{font-family:system-ui,sans-serif;max-width:980px;"
      + "margin:2em auto;padding:0 1em;color:#222}h1{font-size:1.5em}h2{font-size:1.2em;"
      + "border-bottom:1px solid #ddd;padding-bottom:.2em;margin-top:2em}.sub{color:#666}"
      + ".note{color:#666;font-style:italic}table{border-collapse:collapse;font-size:.9em}"
      + "td,th{border:1px solid #ddd;padding:.2em .5em;text-align:left}"
      + "td.num{text-align:right;font-variant-numeric:tabular-nums}figure{margin:1em 0}"
      + "img.chart{max-width:100%;border:1px solid #eee}figcaption{color:#555;font-size:.9em}"
      + "td.diag{background:#e6f0ff;font-weight:bold}caption{text-align:left;color:#555}";

  /** A small HTML builder that escapes all text it is given. */
  private static final class Html {
    private final StringBuilder b = new StringBuilder();

    static String escape(String s) {
      return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
          .replace("\"", "&quot;");
    }

    void raw(String s) {
      b.append(s);
    }

    void section(String id, String title) {
      b.append("<h2 id=\"").append(id).append("\">").append(escape(title)).append("</h2>\n");
    }

    void note(String text) {
      b.append("<p class=\"note\">").append(escape(text)).append("</p>\n");
    }

    /** A paragraph of trusted markup (callers escape what they insert). */
    void para(String markup) {
      b.append("<p>").append(markup).append("</p>\n");
    }

    /** The confusion matrix as a table: a row per true class, a column per prediction. */
    void confusion(long[][] counts) {
      b.append("<table class=\"confusion\"><caption>Confusion matrix (rows: true class, "
          + "columns: predicted class; counts)</caption><tr><th></th>");
      for (int k = 0; k < counts.length; k++) {
        b.append("<th>").append(k).append("</th>");
      }
      b.append("</tr>\n");
      for (int t = 0; t < counts.length; t++) {
        b.append("<tr><th>").append(t).append("</th>");
        for (int p = 0; p < counts.length; p++) {
          b.append(t == p ? "<td class=\"num diag\">" : "<td class=\"num\">")
              .append(counts[t][p] == 0 ? "" : String.valueOf(counts[t][p])).append("</td>");
        }
        b.append("</tr>\n");
      }
      b.append("</table>\n");
    }

    void chart(Chart<?, ?> chart, String caption) {
      b.append("<figure><img class=\"chart\" alt=\"").append(escape(chart.getTitle()))
          .append("\" width=\"").append(chart.getWidth()).append("\" height=\"")
          .append(chart.getHeight()).append("\" src=\"").append(ChartImages.pngDataUri(chart))
          .append("\"><figcaption>").append(escape(caption)).append("</figcaption></figure>\n");
    }

    void keyValues(List<String[]> rows) {
      b.append("<table>\n");
      for (String[] kv : rows) {
        b.append("<tr><th>").append(escape(kv[0])).append("</th><td>").append(escape(kv[1]))
            .append("</td></tr>\n");
      }
      b.append("</table>\n");
    }

    void table(MetricsTable m) {
      b.append("<table><tr>");
      m.columns().forEach(c -> b.append("<th>").append(escape(c)).append("</th>"));
      b.append("</tr>\n");
      for (double[] row : m.rows()) {
        b.append("<tr>");
        for (double v : row) {
          b.append("<td class=\"num\">").append(format(v)).append("</td>");
        }
        b.append("</tr>\n");
      }
      b.append("</table>\n");
    }

    private static String format(double v) {
      if (v == Math.rint(v) && Math.abs(v) < 1e15) {
        return String.valueOf((long) v);
      }
      return String.format(Locale.ROOT, Math.abs(v) >= 1000 ? "%.1f" : "%.4g", v);
    }

    @Override
    public String toString() {
      return b.toString();
    }
  }
}
