package io.spikeloop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spikeloop.model.ModelFile;
import io.spikeloop.model.SnnConfig;
import io.spikeloop.model.SnnParameters;
import io.spikeloop.model.Surrogate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

  /** A run folder holding an untrained but active recurrent network of the given shape. */
  private static Path runFolder(Path dir, int inputs, int hidden, int outputs, double gain)
      throws Exception {
    SnnConfig c = new SnnConfig(inputs, List.of(hidden), true, outputs, 0.95, 0.95, 1.0,
        Surrogate.DEFAULT);
    SnnParameters p = SnnParameters.initialise(c, 5);
    for (var t : p.tensors()) {
      for (int i = 0; i < t.values().length; i++) {
        t.values()[i] *= gain;
      }
    }
    ModelFile.write(dir.resolve("model.slm"), p);
    return dir;
  }

  private static JsonNode lastLine(CliRun r) throws Exception {
    List<String> lines = r.out().strip().lines().toList();
    return new ObjectMapper().readTree(lines.get(lines.size() - 1));
  }

  @Test
  void aTrainedRunIsMappedByTheMapperOfTheDevicesTarget(@TempDir Path dir) throws Exception {
    Path sl1 = runFolder(dir.resolve("sl1"), 700, 24, 20, 6);
    CliRun r = CliRun.of("diff", "--a", "sim", "--b", "sim", "--run", sl1.toString(), "--steps",
        "200", "--json");
    assertEquals(0, r.exit(), r.err());
    JsonNode j = lastLine(r);
    assertTrue(j.get("agreed").asBoolean(), r.out());
    assertTrue(j.get("network").asText().endsWith("model.slm (8-bit weights)"), r.out());
    assertTrue(j.get("hiddenSpikes").asLong() > 0, r.out());

    // ReckOn refuses what it cannot hold, naming every part, before anything loads
    CliRun tooBig = CliRun.of("diff", "--a", "sim:reckon", "--b", "sim:reckon", "--run",
        sl1.toString(), "--steps", "10");
    assertEquals(2, tooBig.exit(), tooBig.out());
    assertTrue(tooBig.err().contains("inputs: 700 > 256")
        && tooBig.err().contains("outputs: 20 > 16"), tooBig.err());

    Path data = Path.of(System.getProperty("spikeloop.data", "../../shared/data"),
        "nmnist-small");
    Assumptions.assumeTrue(Files.isDirectory(data), "real N-MNIST data not found at " + data
        + "; skipping the ReckOn-shaped run (it needs a dataset of at most 256 channels)");
    Path reckon = runFolder(dir.resolve("reckon"), 162, 16, 10, 4);
    r = CliRun.of("diff", "--a", "sim:reckon", "--b", "sim:reckon", "--run", reckon.toString(),
        "--dataset", "nmnist:" + data + "#pool=4", "--steps", "300", "--json");
    assertEquals(0, r.exit(), r.err());
    j = lastLine(r);
    assertTrue(j.get("agreed").asBoolean(), r.out());
    assertEquals(300, j.get("steps").asLong());
    assertTrue(j.get("hiddenSpikes").asLong() > 0, "an active network: " + r.out());
  }

  /**
   * The learning options reach the target as named settings: SL-1's defaults are the options'
   * (a run giving every default explicitly is the same run), and a setting the target does not
   * take is refused by the target, naming it.
   */
  @Test
  void learningOptionsAreTheTargetsNamedSettings() throws Exception {
    ObjectMapper json = new ObjectMapper();
    CliRun defaults = CliRun.of("diff", "--b", "sim", "--learning", "--steps", "20", "--hidden",
        "8", "--json");
    CliRun explicit = CliRun.of("diff", "--b", "sim", "--learning", "--steps", "20", "--hidden",
        "8", "--adam-bits", "8", "--block", "64", "--lr-q16", "4194304", "--output-frac-bits",
        "6", "--learning-seed", "1", "--json");
    assertEquals(0, defaults.exit(), defaults.err());
    assertEquals(0, explicit.exit(), explicit.err());
    List<String> a = defaults.out().strip().lines().toList();
    List<String> b = explicit.out().strip().lines().toList();
    assertEquals(json.readTree(a.get(a.size() - 1)).get("hashA"),
        json.readTree(b.get(b.size() - 1)).get("hashA"));
    CliRun other = CliRun.of("diff", "--b", "sim", "--learning", "--steps", "20", "--hidden",
        "8", "--lr-q16", "1000", "--json");
    List<String> c = other.out().strip().lines().toList();
    assertTrue(!json.readTree(a.get(a.size() - 1)).get("hashA")
        .equals(json.readTree(c.get(c.size() - 1)).get("hashA")), "--lr-q16 reaches the engine");
    CliRun refused = CliRun.of("diff", "--b", "sim", "--learning", "--b-rate-shift", "w_out=3",
        "--steps", "10");
    assertEquals(2, refused.exit());
    assertTrue(refused.err().contains("setting rate-shift.w_out: target sl1 has no such"),
        refused.err());
    CliRun reckonHidden = CliRun.of("diff", "--a", "sim:reckon", "--b", "sim:reckon", "--hidden",
        "8", "--steps", "10");
    assertEquals(2, reckonHidden.exit());
    assertTrue(reckonHidden.err().contains("hidden [8]: reckon's random networks draw their "
        + "size from the seed"), reckonHidden.err());
  }
}
