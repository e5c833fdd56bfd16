package io.spikeloop.reproduce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spikeloop.device.Device;
import io.spikeloop.device.Devices;
import io.spikeloop.model.SnnConfig;
import io.spikeloop.model.SnnParameters;
import io.spikeloop.model.Surrogate;
import io.spikeloop.placement.DeviceNetwork;
import io.spikeloop.target.sl1.ChipInstance;
import io.spikeloop.target.sl1.FixedPoint;
import io.spikeloop.target.sl1.LayerConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The imperfect-chip study in miniature, and the calibration it uses against the known chip. */
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

  @Test
  void calibrationMeasuresTheInstancesThresholdsGainsAndOffsets() {
    SnnParameters p = SnnParameters.initialise(new SnnConfig(16, List.of(12), true, 4, 0.9, 0.9,
        1.0, Surrogate.DEFAULT), 3);
    DeviceNetwork net = DeviceNetwork.map(p, 8, 2);
    ChipInstance chip = new ChipInstance(0.2, 5, 0, 0);
    ChipCalibration cal;
    try (Device d = Devices.open("sim:mismatch=0.2,instance=5")) {
      cal = ChipCalibration.measure(d, net);
    }
    LayerConfig layer = net.config().layers().get(0);
    long spread = chip.spreadQ24();
    for (int j = 0; j < 12; j++) {
      long e = ChipInstance.element(0, j);
      long theta = Math.max(1, FixedPoint.rshiftRound(layer.theta() * ChipInstance.factorQ16(
          ChipInstance.mix64(chip.streamKey(ChipInstance.THRESHOLD) + e), spread), 16));
      assertEquals(theta, Math.round(cal.thresholdRatio()[j] * layer.theta()), "theta " + j);
      double gain = ChipInstance.factorQ16(ChipInstance.mix64(
          chip.streamKey(ChipInstance.HIDDEN_GAIN) + e), spread) / 65536.0;
      assertEquals(gain, cal.hiddenGain()[j], 0.02, "gain " + j);
    }
    for (int k = 0; k < 4; k++) {
      double gain = ChipInstance.factorQ16(ChipInstance.mix64(
          chip.streamKey(ChipInstance.OUTPUT_GAIN) + ChipInstance.element(0, k)), spread) / 65536.0;
      assertEquals(gain, cal.outputGain()[k], 0.02, "output gain " + k);
    }
    assertTrue(java.util.Arrays.stream(cal.outputOffset()).anyMatch(x -> x != 0),
        "an instance at S = 0.2 has output offsets");
  }
}
