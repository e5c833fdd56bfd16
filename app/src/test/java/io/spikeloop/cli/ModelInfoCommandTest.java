package io.spikeloop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.spikeloop.model.ModelFile;
import io.spikeloop.model.SnnConfig;
import io.spikeloop.model.SnnParameters;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** model info prints a model file; eval and export refuse a damaged one. */
class ModelInfoCommandTest {

  @Test
  void printsTheNetworkAndTensorsOfAVerifiedFile(@TempDir Path dir) throws Exception {
    SnnParameters p = SnnParameters.initialise(SnnConfig.of(16, List.of(4), true, 3, 1, 20, 20), 3);
    ModelFile.write(dir.resolve("model.slm"), p);
    CliRun r = CliRun.of("model", "info", dir.toString(), "--json");
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().contains("model format 2 (safetensors, float64)"), r.out());
    assertTrue(r.out().contains("verified"), r.out());
    assertTrue(r.out().contains("network 16-[4]-3, recurrent, 99 parameters"), r.out());
    JsonNode j = r.json();
    assertEquals(5, j.get("tensors").size());
    assertEquals("layer0.rec", j.get("tensors").get(1).get("name").asText());
    double max = 0;
    for (double v : p.wRec(0)) {
      max = Math.max(max, v);
    }
    assertEquals(max, j.get("tensors").get(1).get("max").asDouble());
  }

  @Test
  void aFlippedByteIsRefusedByEvalExportAndInfo(@TempDir Path dir) throws Exception {
    SnnParameters p = SnnParameters.initialise(SnnConfig.of(700, List.of(8), true, 20, 1, 20, 20),
        3);
    Path model = dir.resolve("model.slm");
    ModelFile.write(model, p);
    Files.writeString(dir.resolve("config.json"), "{\"dtMs\": 1.0}");
    byte[] bytes = Files.readAllBytes(model);
    bytes[bytes.length - 100] ^= 0x04;
    Files.write(model, bytes);
    for (String[] args : new String[][] {
        {"eval", "--run", dir.toString(), "--steps", "10", "--samples", "2"},
        {"export", "--run", dir.toString(), "--nir", dir.resolve("m.nir").toString()},
        {"model", "info", model.toString()}}) {
      CliRun r = CliRun.of(args);
      assertEquals(2, r.exit(), args[0] + ": " + r.out());
      assertTrue(r.err().startsWith("spikeloop: error: " + model + ": checksum mismatch"),
          args[0] + ": " + r.err());
    }
    assertTrue(!Files.exists(dir.resolve("m.nir")), "nothing exported from a damaged model");
  }
}
