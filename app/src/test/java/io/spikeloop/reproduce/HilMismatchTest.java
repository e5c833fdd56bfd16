package io.spikeloop.reproduce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The imperfect-chip study in miniature (the calibration arm (b) uses is checked against the
 * known chip in {@code Sl1ChipCalibrationTest}).
 */
class HilMismatchTest {
  @TempDir
  Path out;

  @Test
  void aTinyStudyWritesEveryArmAndTheTargetCheck() throws Exception {
    var tiny = new HilMismatch.StudyDataset("synthetic", "synthetic", "sim", List.of("--model",
        "rsnn", "--hidden", "8", "--steps", "20", "--epochs", "1", "--batch", "16",
        "--train-samples", "48", "--test-samples", "60"), 12, 1);
    var settings = new HilMismatch.Settings(List.of(tiny), List.of(0.0, 0.3), List.of(1L, 2L),
        List.of(1L), 0, 0.02, 5e-5, 2);
    StringWriter log = new StringWriter();
    List<HilMismatch.Row> rows = HilMismatch.run(settings, out, new PrintWriter(log));
    // S = 0: one instance (the exact core); S = 0.3: two; six arms each
    assertEquals(6 + 2 * 6, rows.size());
    assertEquals(rows.size() + 1, Files.readAllLines(out.resolve("hil-mismatch.csv")).size());
    assertTrue(Files.size(out.resolve("hil-mismatch-synthetic.png")) > 1000);
    String md = Files.readString(out.resolve("hil-mismatch.md"));
    assertTrue(md.contains("| 0.3 |") && md.contains("Target (HIL recovers >= 80%"), md);
    // calibrating the exact core measures gains and threshold ratios of exactly 1: no change
    assertEquals(accuracy(rows, 0, "deployed"), accuracy(rows, 0, "calibrated"));
    for (HilMismatch.Row r : rows) {
      if (HilMismatch.TUNED.contains(r.arm())) {
        assertTrue(r.deviceJoules() > 0 && r.deviceSeconds() > 0 && r.deviceSamples() == 12,
            r.toString());
      }
    }
    assertTrue(log.toString().contains("S=0.3 K=2: deployed"), log.toString());
    var json = HilMismatch.json(settings, rows);
    assertEquals(rows.size(), json.get("rows").size());
    assertEquals("hil-other", json.get("rows").get(5).get("arm").asText());
    assertTrue(json.get("recovery").get("synthetic").has("0.3"), json.toString());
  }

  private static double accuracy(List<HilMismatch.Row> rows, double spread, String arm) {
    return rows.stream().filter(r -> r.spread() == spread && r.arm().equals(arm)).findFirst()
        .orElseThrow().accuracy();
  }
}
