package io.spikeloop.run;

import com.fasterxml.jackson.databind.JsonNode;
import io.spikeloop.train.Readout;
import io.spikeloop.train.TrainingPreset;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The files of a run folder ({@code train --out DIR}, {@link TrainOptions#out()}) and the rule
 * that one folder holds one run: a new run refuses a folder that already holds a run unless told
 * to clear it ({@code --force}), so a stale checkpoint can never be resumed into another run's
 * files; a folder holding anything else is never cleared.
 */
public final class RunFolder {
  public static final String CONFIG = "config.json";
  public static final String METRICS = "metrics.csv";
  public static final String MODEL = "model.slm";
  public static final String RESULT = "result.json";
  public static final String CHECKPOINT = "checkpoint.slc";
  public static final String REPORT = "report.html";

  /** The files whose presence makes a folder a run folder. */
  private static final List<String> RUN_FILES = List.of(CONFIG, METRICS, MODEL, RESULT,
      CHECKPOINT);

  private RunFolder() {}

  /**
   * The readout a run was trained with: {@code readout} of its config.json's {@code options}, or
   * for a run that records none (or no config at all: {@code options} null or missing) the preset
   * of its dataset, as train resolved it ({@link TrainingPreset#forDataset}: sum for speech).
   */
  public static Readout readout(JsonNode options) {
    JsonNode recorded = options == null ? null : options.path("readout");
    if (recorded != null && recorded.isTextual()) {
      return Readout.of(recorded.asText());
    }
    String dataset = options == null ? null : options.path("dataset").asText(null);
    return TrainingPreset.forDataset(dataset).readout();
  }

  /**
   * Makes {@code dir} ready for a new run: creates it, accepts it empty, clears it when it holds a
   * run and {@code force} is set, and refuses it otherwise naming why.
   */
  public static void prepareNew(Path dir, boolean force) throws IOException {
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw new IllegalArgumentException("--out " + dir + " is a file, not a folder");
    }
    if (!Files.exists(dir)) {
      Files.createDirectories(dir);
      return;
    }
    List<Path> entries;
    try (Stream<Path> list = Files.list(dir)) {
      entries = list.toList();
    }
    if (entries.isEmpty()) {
      return;
    }
    if (!holdsRun(dir)) {
      throw new IllegalArgumentException("--out " + dir + " is not empty and holds no run ("
          + entries.size() + " entries); choose a new folder");
    }
    if (!force) {
      throw new IllegalArgumentException("--out " + dir + " already holds a run; choose a new "
          + "folder, continue it with --resume " + dir + ", or replace it with --force");
    }
    for (Path entry : entries) {
      deleteTree(entry);
    }
  }

  /** Whether {@code dir} holds any file of a run. */
  public static boolean holdsRun(Path dir) {
    return RUN_FILES.stream().anyMatch(f -> Files.exists(dir.resolve(f)));
  }

  private static void deleteTree(Path root) throws IOException {
    if (Files.isDirectory(root) && !Files.isSymbolicLink(root)) {
      List<Path> all;
      try (Stream<Path> walk = Files.walk(root)) {
        all = walk.sorted(Comparator.reverseOrder()).toList();
      }
      for (Path p : all) {
        Files.delete(p);
      }
    } else {
      Files.delete(root);
    }
  }
}
