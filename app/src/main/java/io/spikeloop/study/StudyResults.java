package io.spikeloop.study;

import io.spikeloop.study.StudyConfig.Setting;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The tables of a study. {@code results.csv}: one row per run with the swept values, seed, status,
 * error, seconds and every numeric field of train's JSON summary (fields added to train later
 * appear as new columns). {@code results.md}: one row per configuration with mean ± std over its
 * successful seeds (sample standard deviation; 0 for one seed) and the failures listed below.
 */
public final class StudyResults {
  /** Summary fields shown in results.md, in this order, when present. */
  static final List<String> MARKDOWN_FIELDS = List.of("bestTestAccuracy", "lastFiveTestAccuracy", "lastTestAccuracy",
      "onlineTrainAccuracy", "sopsPerSample", "trainCyclesPerSample", "trainJoulesPerSample",
      "optimizerStateBytesPerParameter");

  private StudyResults() {}

  /** Mean, sample standard deviation and count of the finite values. */
  public record Stat(double mean, double std, int n) {
    public static Stat of(double[] values) {
      double sum = 0;
      int n = 0;
      for (double v : values) {
        if (Double.isFinite(v)) {
          sum += v;
          n++;
        }
      }
      if (n == 0) {
        return new Stat(Double.NaN, Double.NaN, 0);
      }
      double mean = sum / n;
      double squares = 0;
      for (double v : values) {
        if (Double.isFinite(v)) {
          squares += (v - mean) * (v - mean);
        }
      }
      return new Stat(mean, n > 1 ? Math.sqrt(squares / (n - 1)) : 0, n);
    }
  }

  /** The statistic of {@code field} over a configuration's runs. */
  public static Stat stat(List<RunOutcome> runs, String field) {
    return Stat.of(runs.stream().mapToDouble(r -> r.number(field)).toArray());
  }

  /** Runs grouped by configuration, in configuration order. */
  public static Map<StudyConfig, List<RunOutcome>> byConfig(List<RunOutcome> runs) {
    Map<StudyConfig, List<RunOutcome>> groups = new LinkedHashMap<>();
    for (RunOutcome r : runs) {
      groups.computeIfAbsent(r.config(), c -> new ArrayList<>()).add(r);
    }
    return groups;
  }

  /** Numeric result fields over all runs, in first-seen order. */
  static List<String> numericFields(List<RunOutcome> runs) {
    Set<String> fields = new LinkedHashSet<>();
    for (RunOutcome r : runs) {
      if (r.ok()) {
        Iterator<Map.Entry<String, com.fasterxml.jackson.databind.JsonNode>> it =
            r.result().fields();
        while (it.hasNext()) {
          var f = it.next();
          if (f.getValue().isNumber() && !f.getKey().equals("seed")) {
            fields.add(f.getKey());
          }
        }
      }
    }
    return new ArrayList<>(fields);
  }

  public static void writeCsv(Path file, List<Sweep> sweeps, List<RunOutcome> runs)
      throws IOException {
    List<String> fields = numericFields(runs);
    StringBuilder b = new StringBuilder("config");
    sweeps.forEach(s -> b.append(',').append(s.option()));
    b.append(",baseline,seed,status");
    fields.forEach(f -> b.append(',').append(f));
    b.append(",seconds,error\n");
    for (RunOutcome r : runs) {
      b.append(r.config().id());
      for (Sweep s : sweeps) {
        String v = r.config().value(s.option());
        b.append(',').append(csv(v == null ? "" : v));
      }
      b.append(',').append(r.config().baseline()).append(',').append(r.seed()).append(',')
          .append(r.ok() ? "ok" : "failed");
      for (String f : fields) {
        b.append(',').append(Double.isNaN(r.number(f)) ? "" : r.result().get(f).asText());
      }
      b.append(',').append(String.format(Locale.ROOT, "%.2f", r.seconds())).append(',')
          .append(r.ok() ? "" : csv(r.error()));
      b.append('\n');
    }
    atomicWrite(file, b.toString());
  }

  public static void writeMarkdown(Path file, String title, List<Sweep> sweeps,
                                   List<RunOutcome> runs, List<String> extraArgs)
      throws IOException {
    StringBuilder b = new StringBuilder("# ").append(title).append("\n\n");
    if (!extraArgs.isEmpty()) {
      b.append("Train options of every run: `").append(String.join(" ", extraArgs))
          .append("`\n\n");
    }
    b.append("Mean ± std over seeds (sample std); accuracies in %.\n\n|");
    sweeps.forEach(s -> b.append(' ').append(s.option()).append(" |"));
    b.append(" seeds ok |");
    List<String> fields = new ArrayList<>();
    for (String f : MARKDOWN_FIELDS) {
      if (numericFields(runs).contains(f)) {
        fields.add(f);
        b.append(' ').append(f).append(" |");
      }
    }
    b.append("\n|");
    b.append("---|".repeat(sweeps.size() + 1 + fields.size()));
    b.append('\n');
    for (Map.Entry<StudyConfig, List<RunOutcome>> e : byConfig(runs).entrySet()) {
      StudyConfig c = e.getKey();
      b.append('|');
      for (Sweep s : sweeps) {
        String v = c.value(s.option());
        b.append(' ').append(v == null ? "—" : v).append(" |");
      }
      long ok = e.getValue().stream().filter(RunOutcome::ok).count();
      b.append(' ').append(ok).append('/').append(e.getValue().size())
          .append(c.baseline() ? " (baseline)" : "").append(" |");
      for (String f : fields) {
        Stat s = stat(e.getValue(), f);
        b.append(' ').append(format(s, f.toLowerCase(Locale.ROOT).contains("accuracy")))
            .append(" |");
      }
      b.append('\n');
    }
    List<RunOutcome> failed = runs.stream().filter(r -> !r.ok()).toList();
    if (!failed.isEmpty()) {
      b.append("\n## Failed runs\n\n");
      for (RunOutcome r : failed) {
        b.append("- ").append(r.config().label()).append(", seed ").append(r.seed())
            .append(": ").append(r.error()).append('\n');
      }
    }
    atomicWrite(file, b.toString());
  }

  /** {@code 53.20 ± 1.10} (percent for accuracies), or — without values. */
  public static String format(Stat s, boolean percent) {
    if (s.n() == 0) {
      return "—";
    }
    double scale = percent ? 100 : 1;
    String pattern = percent ? "%.2f ± %.2f" : (Math.abs(s.mean()) >= 100 ? "%.0f ± %.0f"
        : "%.3g ± %.2g");
    return String.format(Locale.ROOT, pattern, scale * s.mean(), scale * s.std());
  }

  private static String csv(String text) {
    if (text.contains(",") || text.contains("\"") || text.contains("\n")) {
      return "\"" + text.replace("\"", "\"\"").replace("\n", " ") + "\"";
    }
    return text;
  }

  static void atomicWrite(Path file, String text) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, text);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** The settings of a configuration other than {@code options}, as a series label. */
  static String otherSettings(StudyConfig c, Set<String> options) {
    List<String> parts = new ArrayList<>();
    for (Setting s : c.settings()) {
      if (!options.contains(s.option())) {
        parts.add(s.option() + "=" + s.value());
      }
    }
    return String.join(" ", parts);
  }
}
