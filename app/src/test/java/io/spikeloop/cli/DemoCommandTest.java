package io.spikeloop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoCommandTest {
  @TempDir
  Path dir;

  @Test
  void aTinyContinualRunWritesItsFolderAndEndsWithOneJsonLine() throws Exception {
    CliRun r = CliRun.of("demo", "continual", "--stages", "2", "--samples-per-stage", "10",
        "--test-per-stage", "5", "--eval-every", "10", "--hidden", "8", "--steps", "10",
        "--out", dir.toString(), "--json");
    assertEquals(0, r.exit(), r.err());
    List<String> lines = r.out().strip().lines().toList();
    JsonNode json = new ObjectMapper().readTree(lines.get(lines.size() - 1));
    assertEquals("sim", json.get("device").asText());
    assertEquals(20, json.get("samples").asInt());
    assertEquals(2, json.get("accuracyMatrix").size());
    assertTrue(json.get("accuracyMatrix").get(0).get(1).isNull(), "stage 1 unseen after stage 0");
    assertTrue(json.get("joulesPerSample").asDouble() > 0);
    assertEquals("prototype", json.get("method").asText(), "the default");
    double joint = json.get("jointAccuracy").asDouble();
    assertTrue(joint >= 0 && joint <= 1, "upper bound measured: " + joint);
    long buffer = json.get("bufferBytes").asLong();
    assertTrue(buffer > 0 && buffer <= json.get("weightBytes").asLong() / 10,
        "class means within 10 % of the weight memory: " + buffer);
    assertEquals(json.get("prototypeBytes").asLong(), buffer, "no rehearsal samples, no anchors");
    assertTrue(Files.exists(dir.resolve("accuracy-matrix.png")));
    assertTrue(Files.exists(dir.resolve("continual.html")) && Files.exists(dir.resolve(
        "continual.csv")) && Files.exists(dir.resolve("accuracy-seen.png")));
  }

  @Test
  void badStreamsFailWithOneClearLine() {
    CliRun r = CliRun.of("demo", "continual", "--stream", "weather", "--steps", "10");
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("--stream must be one of [classes, speakers]"), r.err());
    CliRun speakers = CliRun.of("demo", "continual", "--stream", "speakers", "--steps", "10");
    assertEquals(2, speakers.exit());
    assertTrue(speakers.err().contains("speaker"), speakers.err());
    CliRun method = CliRun.of("demo", "continual", "--method", "ewc", "--steps", "10");
    assertEquals(2, method.exit());
    assertTrue(method.err().contains("unknown continual-learning method 'ewc'"), method.err());
  }
}
