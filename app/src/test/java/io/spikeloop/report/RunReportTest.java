package io.spikeloop.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spikeloop.cli.SpikeloopCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class RunReportTest {
  @TempDir
  static Path dir;
  static Path run;

  /** One tiny real training run, shared by the tests (about a second). */
  @BeforeAll
  static void train() {
    run = dir.resolve("run");
    CommandLine cl = SpikeloopCli.commandLine();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(new StringWriter()));
    cl.setErr(new PrintWriter(err));
    int exit = cl.execute("train", "--hidden", "10", "--steps", "12", "--epochs", "2",
        "--batch", "100", "--out", run.toString(), "--json");
    assertEquals(0, exit, err.toString());
  }

  private static List<String> alts(List<ReportImages.Image> images) {
    return images.stream().map(ReportImages.Image::alt).toList();
  }

  @Test
  void trainWritesAReportWithRealChartsOfTheRun() throws Exception {
    Path report = run.resolve("report.html");
    assertTrue(Files.isRegularFile(report), "train --out writes report.html");
    String html = Files.readString(report);
    List<ReportImages.Image> images = ReportImages.decode(html);
    assertEquals(List.of("Accuracy", "Training loss", "Hidden spikes per test sample",
        "SOPs per test sample", "Input spikes", "Hidden spikes (hidden 1)"), alts(images));
    for (ReportImages.Image image : images) {
      assertEquals(RunCharts.WIDTH, image.pixels().getWidth(), image.alt());
      assertTrue(image.inked() > 0.01, image.alt() + " is blank: " + image.inked());
    }
    assertTrue(html.contains("No device metrics"), "a host-float run says it has no device");
    assertTrue(html.contains("<th>optimizerStateBytesPerParameter</th><td>8 bytes</td>"),
        "float Adam's state: 8 bytes per parameter, from result.json");
    assertTrue(html.matches("(?s).*<th>bestTestAccuracy</th><td>\\d+\\.\\d\\d %</td>.*"),
        "accuracies in %");
    assertTrue(html.matches("(?s).*<th>sopsPerSample</th><td>[\\d,.]+ SOPs</td>.*"), "SOPs");
    assertTrue(html.contains("Energy estimate on SL-1: ") && html.contains("x 5.3 pJ per SOP"),
        "a host-float run gets an energy estimate, stated as one");
    assertTrue(html.contains("<th>hidden 1 (10 neurons)</th>")
        && html.contains("spikes per neuron per step"), "firing rate per layer");
    String confusion = html.substring(html.indexOf("Confusion matrix"));
    confusion = confusion.substring(0, confusion.indexOf("</table>"));
    long counted = java.util.regex.Pattern.compile("<td class=\"num[^\"]*\">(\\d+)</td>")
        .matcher(confusion).results().mapToLong(r -> Long.parseLong(r.group(1))).sum();
    assertEquals(RunReport.ANALYSED_SAMPLES, counted, "one count per analysed test sample");
    assertTrue(html.contains("<th>options.hidden</th><td>10</td>"), "configuration shown");
    assertTrue(html.contains("<th>versions.java</th>"), "provenance shown");
    assertFalse(html.contains("src=\"http"), "self-contained: nothing loaded from elsewhere");
  }

  @Test
  void deviceAndOptimizerColumnsGetTheirOwnCharts() throws Exception {
    Path device = dir.resolve("device-run");
    Files.createDirectories(device);
    for (String f : List.of("config.json", "model.slm")) {
      Files.copy(run.resolve(f), device.resolve(f));
    }
    List<String> lines = Files.readAllLines(run.resolve("metrics.csv"));
    StringBuilder csv = new StringBuilder(lines.get(0)
        + ",cyclesPerSample,energyJoulesPerSample,optimizerStateBytes\n");
    for (int i = 1; i < lines.size(); i++) {
      csv.append(lines.get(i)).append(',').append(1000 * i).append(',').append(2e-6 * i)
          .append(',').append(2100).append('\n');
    }
    Files.writeString(device.resolve("metrics.csv"), csv);
    Files.writeString(device.resolve("result.json"),
        "{\"bestTestAccuracy\": 0.5, \"optimizerStateBytesPerParameter\": 2.1, "
            + "\"device\": \"sim\", \"trainCyclesPerSample\": 12345}");
    String html = Files.readString(RunReport.write(device));
    List<String> alts = alts(ReportImages.decode(html));
    assertTrue(alts.containsAll(List.of("Core cycles", "Energy", "Optimizer-state memory")),
        alts.toString());
    assertTrue(html.contains("<th>optimizerStateBytesPerParameter</th><td>2.1 bytes</td>"));
    assertTrue(alts.contains("Device cycles per training sample"), alts.toString());
    assertTrue(html.contains("<th>trainCyclesPerSample</th><td>12,345 cycles</td>")
        && html.contains("<th>device</th><td>sim</td>"), "device fields of result.json");
  }

  @Test
  void anOnChipRunShowsItsDeviceCostAndLearningMemory() throws Exception {
    Path onChip = dir.resolve("on-chip");
    CommandLine cl = SpikeloopCli.commandLine();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(new StringWriter()));
    cl.setErr(new PrintWriter(err));
    assertEquals(0, cl.execute("train", "--placement", "on-chip", "--device", "sim", "--hidden",
        "8", "--steps", "12", "--epochs", "1", "--train-samples", "20", "--test-samples", "10",
        "--out", onChip.toString(), "--json"), err.toString());
    String html = Files.readString(onChip.resolve("report.html"));
    String device = html.substring(html.indexOf("id=\"device\""), html.indexOf("id=\"optimizer\""));
    assertTrue(device.contains("<th>trainCyclesPerSample</th>")
        && device.contains("<th>learningJoulesPerSample</th>"), device);
    String memory = html.substring(html.indexOf("id=\"optimizer\""), html.indexOf("id=\"raster\""));
    assertTrue(memory.contains("<th>memory</th>") && memory.contains("learning memory"), memory);
    List<String> alts = alts(ReportImages.decode(html));
    assertTrue(alts.containsAll(List.of("Device cycles per training sample",
        "Device energy per training sample")), alts.toString());
    assertFalse(html.contains("Energy estimate on SL-1"), "a device run has measured energy");
  }

  @Test
  void sectionsWithoutInputsSaySoAndAFolderWithoutMetricsIsRefused() throws Exception {
    Path bare = dir.resolve("bare");
    Files.createDirectories(bare);
    Files.writeString(bare.resolve("metrics.csv"), "epoch,trainLoss\n");
    String html = Files.readString(RunReport.write(bare));
    assertTrue(html.contains("No result.json") && html.contains("no epochs yet")
        && html.contains("No model.slm") && html.contains("No config.json"), html);
    Path empty = dir.resolve("empty");
    Files.createDirectories(empty);
    var e = assertThrows(IllegalArgumentException.class, () -> RunReport.write(empty));
    assertTrue(e.getMessage().contains("no metrics.csv"), e.getMessage());
  }

  @Test
  void reportCommandRegeneratesTheReport() throws Exception {
    Path report = run.resolve("report.html");
    Files.writeString(report, "stale");
    CommandLine cl = SpikeloopCli.commandLine();
    StringWriter out = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(new StringWriter()));
    assertEquals(0, cl.execute("report", "--run", run.toString()));
    assertTrue(Files.readString(report).startsWith("<!doctype html>"));
    assertTrue(out.toString().contains("report.html"));
    StringWriter err = new StringWriter();
    cl.setErr(new PrintWriter(err));
    assertEquals(2, cl.execute("report", "--run", dir.resolve("nope").toString()));
    assertTrue(err.toString().contains("no run folder"), err.toString());
  }
}
