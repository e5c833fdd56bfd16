package io.spikeloop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DevicesCommandTest {
  @Test
  void listsTheSimulatorAndTheReferenceBoardWithTheirCapabilities() throws Exception {
    CliRun r = CliRun.of("devices", "--json", "--remote", "127.0.0.1:1");
    assertEquals(0, r.exit(), r.err());
    Map<String, JsonNode> byName = new HashMap<>();
    r.json().forEach(d -> byName.put(d.get("name").asText(), d));
    JsonNode sim = byName.get("sim");
    assertTrue(sim.get("available").asBoolean(), sim.toString());
    assertTrue(sim.get("capabilities").toString().contains("on-chip-learning"), sim.toString());
    assertEquals("sl1", sim.get("target").asText(), sim.toString());
    assertTrue(byName.get("board:ref").get("available").asBoolean(), byName.toString());
    JsonNode remote = byName.get("remote://127.0.0.1:1");
    assertEquals(false, remote.get("available").asBoolean(), remote.toString());
    assertTrue(remote.get("error").asText().contains("127.0.0.1:1"), remote.toString());

    CliRun text = CliRun.of("devices");
    assertTrue(text.out().contains("sim") && text.out().contains("board:ref"), text.out());
    assertTrue(text.out().contains("target sl1"), text.out());
  }
}
