package io.spikeloop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class DemoCommandTest {
  @TempDir
  Path dir;

  record Run(int exit, String out, String err) {}

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
  void aTinyContinualRunWritesItsFolderAndEndsWithOneJsonLine() throws Exception {
    Run r = run("demo", "continual", "--stages", "2", "--samples-per-stage", "10",
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
    assertTrue(Files.exists(dir.resolve("continual.html")) && Files.exists(dir.resolve(
        "continual.csv")) && Files.exists(dir.resolve("accuracy-seen.png")));
  }

  @Test
  void badStreamsFailWithOneClearLine() {
    Run r = run("demo", "continual", "--stream", "weather", "--steps", "10");
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("--stream must be one of [classes, speakers]"), r.err());
    Run speakers = run("demo", "continual", "--stream", "speakers", "--steps", "10");
    assertEquals(2, speakers.exit());
    assertTrue(speakers.err().contains("speaker"), speakers.err());
  }
}
