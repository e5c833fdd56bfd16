package io.spikeloop.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spikeloop.data.DatasetOptions;
import io.spikeloop.data.DatasetSplit;
import io.spikeloop.data.Datasets;
import io.spikeloop.model.ModelFile;
import io.spikeloop.model.SnnParameters;
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
import org.knowm.xchart.XYChart;

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
      h.keyValues(scalars(result, ""));
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
      h.keyValues(deviceFields);
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

    h.section("raster", "Spikes of one test sample");
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
      SpikeRaster raster = SpikeRaster.of(model, data.test().sample(0));
      h.para(String.format(Locale.ROOT, "First test sample of <code>%s</code>: label %d, "
              + "predicted %d (output at the last step); %d input spikes, %s hidden spikes.",
          Html.escape(dataset), raster.label(), raster.predicted(), raster.input().spikes(),
          String.join(" + ", raster.hidden().stream().map(l -> String.valueOf(l.spikes()))
              .toList())));
      h.chart(RunCharts.raster(raster.input(), raster.steps(), "Input spikes"),
          "Input channels that spiked at each time step.");
      for (SpikeRaster.Layer layer : raster.hidden()) {
        h.chart(RunCharts.raster(layer, raster.steps(), "Hidden spikes (" + layer.name() + ")"),
            "Spikes of the trained network's " + layer.name() + " layer (float64 forward pass).");
      }
    } catch (IOException | RuntimeException e) {
      String why = e instanceof NoSuchFileException ? "missing file " + e.getMessage()
          : e.getMessage();
      h.note("Cannot show the raster: " + why);
    }
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
      + "img.chart{max-width:100%;border:1px solid #eee}figcaption{color:#555;font-size:.9em}";

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

    void chart(XYChart chart, String caption) {
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
