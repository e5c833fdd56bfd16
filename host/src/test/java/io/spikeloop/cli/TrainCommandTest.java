package io.spikeloop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spikeloop.model.ModelFile;
import io.spikeloop.model.SnnParameters;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class TrainCommandTest {
  @TempDir
  Path dir;

  private record Run(int exit, String out, String err) {}

  private static Run run(String... args) {
    CommandLine cl = SpikeloopCli.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int exit = cl.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void trainsWritesARunFolderAndEndsWithOneJsonLine() throws Exception {
    Path runDir = dir.resolve("run");
    Run r = run("train", "--hidden", "12,8", "--epochs", "1", "--steps", "12", "--batch", "50",
        "--mode", "tbptt-k", "--k", "4", "--out", runDir.toString(), "--json");
    assertEquals(0, r.exit(), r.err());
    List<String> lines = r.out().strip().lines().toList();
    JsonNode json = new ObjectMapper().readTree(lines.get(lines.size() - 1));
    assertEquals("tbptt-k", json.get("mode").asText());
    assertEquals("synthetic", json.get("dataset").asText());
    assertEquals(1, json.get("epochs").asInt());
    for (String field : List.of("bestTestAccuracy", "lastTestAccuracy", "onlineTrainAccuracy")) {
      double v = json.get(field).asDouble();
      assertTrue(v >= 0 && v <= 1, field + " = " + v);
    }
    assertTrue(json.get("trainSamplesPerSecond").asDouble() > 0);
    SnnParameters model = ModelFile.read(runDir.resolve("model.slm"));
    assertEquals(List.of(12, 8), model.config().hidden());
    assertEquals(700, model.config().inputs());
    assertEquals(2, Files.readAllLines(runDir.resolve("metrics.csv")).size());
    JsonNode config = new ObjectMapper().readTree(runDir.resolve("config.json").toFile());
    assertEquals(1, config.at("/options/seed").asInt());
    assertTrue(config.at("/versions/java").asText().startsWith("17"));
  }

  @Test
  void referencePrecisionSgdAndSummedReadoutRun() throws Exception {
    Run r = run("train", "--model", "ff", "--hidden", "6", "--epochs", "1", "--steps", "10",
        "--batch", "100", "--optimizer", "sgd", "--momentum", "0.9", "--readout", "sum",
        "--precision", "float64", "--json");
    assertEquals(0, r.exit(), r.err());
    List<String> lines = r.out().strip().lines().toList();
    JsonNode json = new ObjectMapper().readTree(lines.get(lines.size() - 1));
    assertEquals("tbptt1", json.get("mode").asText());
    assertTrue(json.get("lastTestAccuracy").asDouble() >= 0);
  }

  @Test
  void badDatasetsAndOptionsFailWithOneClearLine() {
    Run missing = run("train", "--dataset", "nmnist:" + dir.resolve("nope"));
    assertEquals(2, missing.exit());
    assertTrue(missing.err().contains("nope") && missing.err().startsWith("spikeloop: error:"),
        missing.err());
    assertEquals(1, missing.err().strip().lines().count());
    Run badModel = run("train", "--model", "lstm");
    assertTrue(badModel.err().contains("--model must be ff or rsnn"), badModel.err());
  }

  @Test
  void onChipPlacementReportsAccuracyCostAndMemory() throws Exception {
    Run r = run("train", "--placement", "on-chip", "--device", "sim", "--hidden", "6",
        "--model", "ff", "--epochs", "1", "--steps", "10", "--train-samples", "4",
        "--test-samples", "3", "--adam-bits", "4", "--json");
    assertEquals(0, r.exit(), r.err());
    List<String> lines = r.out().strip().lines().toList();
    JsonNode json = new ObjectMapper().readTree(lines.get(lines.size() - 1));
    assertEquals("on-chip", json.get("placement").asText());
    assertEquals(4, json.get("adamBits").asInt());
    for (String field : List.of("bestTestAccuracy", "lastTestAccuracy", "onlineTrainAccuracy")) {
      assertTrue(json.has(field), field);
    }
    assertTrue(json.get("learningCyclesPerSample").asDouble() > 0);
    assertTrue(json.get("learningJoulesPerSample").asDouble() > 0);
    assertTrue(json.get("memory").asText().contains("B/param"), json.get("memory").asText());
    Run twoLayers = run("train", "--placement", "near-chip", "--hidden", "6,4", "--epochs", "1",
        "--steps", "10", "--train-samples", "2", "--test-samples", "2");
    assertEquals(2, twoLayers.exit());
    assertTrue(twoLayers.err().contains("DR-LEARNING"), twoLayers.err());
    Run unknown = run("train", "--placement", "moon");
    assertTrue(unknown.err().contains("--placement must be one of"), unknown.err());
  }

  @Test
  void helpShowsAnExample() {
    Run r = run("train", "--help");
    assertEquals(0, r.exit());
    assertTrue(r.out().contains("Examples:") && r.out().contains("--mode"));
  }
}
