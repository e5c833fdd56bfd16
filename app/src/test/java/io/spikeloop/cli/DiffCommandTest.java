package io.spikeloop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class DiffCommandTest {
  @Test
  void twoSimulatorsAgreeAndTheJsonSaysSo() throws Exception {
    CliRun r = CliRun.of("diff", "--a", "sim", "--b", "sim", "--steps", "250", "--hidden", "32", "--json");
    assertEquals(0, r.exit(), r.err());
    List<String> lines = r.out().strip().lines().toList();
    JsonNode json = new ObjectMapper().readTree(lines.get(lines.size() - 1));
    assertTrue(json.get("agreed").asBoolean());
    assertEquals(250, json.get("steps").asLong());
    assertEquals(json.get("hashA").asText(), json.get("hashB").asText());
    assertEquals("FULL", json.get("readout").asText());
    assertTrue(json.get("hiddenSpikes").asLong() > 0, r.out());
  }

  @Test
  void plainOutputAndClearErrors() {
    CliRun r = CliRun.of("diff", "--b", "sim", "--steps", "120", "--hidden", "16", "--feed-forward");
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().contains("120 steps agreed"), r.out());
    CliRun bad = CliRun.of("diff", "--b", "nosuchdevice", "--steps", "10");
    assertEquals(2, bad.exit());
    assertTrue(bad.err().contains("nosuchdevice"), bad.err());
    CliRun noRun = CliRun.of("diff", "--b", "sim", "--run", "/nonexistent/run");
    assertEquals(2, noRun.exit());
    assertTrue(noRun.err().contains("model.slm"), noRun.err());
  }
}
