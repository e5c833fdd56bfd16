package io.spikeloop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class CueAccumulationCommandTest {
  /** The testbench data beside the checkout, seen from the module folder. */
  private static final Path DATA = Path.of("../../shared/boards/reckon/upstream/src/data");

  @Test
  void aTinySubsetOnSimReckonEndsWithOneJsonLine() throws Exception {
    assumeTrue(Files.isDirectory(DATA), "ReckOn upstream data not found at " + DATA);
    CliRun r = CliRun.of("demo", "cue-accumulation", "--device", "sim:reckon", "--data",
        DATA.toString(), "--epochs", "2", "--train-samples", "8", "--test-samples", "4", "--json");
    assertEquals(0, r.exit(), r.err());
    List<String> lines = r.out().strip().lines().toList();
    JsonNode json = new ObjectMapper().readTree(lines.get(lines.size() - 1));
    assertEquals("sim:reckon", json.get("device").asText());
    assertEquals(2, json.get("epochs").size());
    JsonNode last = json.get("epochs").get(1);
    assertEquals(last.get("testAccuracy").asDouble(), json.get("testAccuracy").asDouble(), 1e-4);
    assertTrue(last.get("cyclesPerSample").asDouble() > 2250 * 2 * 101, "cycles per sample: "
        + last);
    assertTrue(last.get("joulesPerSample").asDouble() > 0);
  }

  @Test
  void anSl1DeviceIsRefusedNamingItsTarget() {
    CliRun r = CliRun.of("demo", "cue-accumulation", "--device", "sim", "--data", DATA.toString(),
        "--epochs", "1");
    assertTrue(r.exit() != 0);
    assertTrue(r.err().contains("is of target sl1"), r.err());
  }
}
