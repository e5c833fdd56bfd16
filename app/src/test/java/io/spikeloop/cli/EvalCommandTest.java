package io.spikeloop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.spikeloop.model.ModelFile;
import io.spikeloop.model.SnnConfig;
import io.spikeloop.model.SnnParameters;
import io.spikeloop.model.Surrogate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvalCommandTest {

  private static CliRun eval(String... args) {
    String[] all = new String[args.length + 1];
    all[0] = "eval";
    System.arraycopy(args, 0, all, 1, args.length);
    return CliRun.of(all);
  }

  /** An untrained but active 700-24(recurrent)-20 network in a run folder. */
  private static Path runFolder(Path dir) throws Exception {
    SnnConfig c = new SnnConfig(700, List.of(24), true, 20, 0.95, 0.95, 1.0, Surrogate.DEFAULT);
    SnnParameters p = SnnParameters.initialise(c, 11);
    for (var t : p.tensors()) {
      for (int i = 0; i < t.values().length; i++) {
        t.values()[i] *= 6;
      }
    }
    ModelFile.write(dir.resolve("model.slm"), p);
    return dir;
  }

  @Test
  void reportsFloatAndFixedPointResultsAsJson(@TempDir Path dir) throws Exception {
    Path run = runFolder(dir);
    CliRun o = eval("--run", run.toString(), "--device", "sim", "--steps", "20", "--samples", "30",
        "--weight-bits", "16", "--json");
    assertEquals(0, o.exit(), o.err());
    JsonNode j = o.json();
    assertEquals(30, j.get("samples").asInt());
    assertEquals("sl1", j.get("target").asText());
    assertEquals(16, j.get("weightBits").asInt());
    for (String f : List.of("floatAccuracy", "fixedAccuracy", "predictionAgreement",
        "spikeAgreement", "spikeOverlap")) {
      double v = j.get(f).asDouble();
      assertTrue(v >= 0 && v <= 1, f + " = " + v);
    }
    assertTrue(j.get("floatSpikesPerSample").asDouble() > 10, o.out());
    assertTrue(j.get("spikeAgreement").asDouble() > 0.95, o.out());
    assertTrue(j.get("predictionAgreement").asDouble() >= 0.9, o.out());
    assertTrue(j.get("sopsPerSample").asDouble() > 0, o.out());
    assertTrue(j.get("cyclesPerSample").asDouble() > 0, o.out());
    assertTrue(j.get("energyJoulesPerSample").asDouble() > 0, o.out());
    assertEquals(0, j.get("clipped").asInt());
    assertTrue(o.out().contains("fixed-point accuracy"), o.out());
    assertTrue(o.out().contains("layer0.rec"), "the mapping report lists every tensor: " + o.out());
    // SL-1's own report: its registers per layer, saturations, the device's kind and target
    assertTrue(o.out().contains("layer 0: theta ") && o.out().contains("saturations "), o.out());
    assertTrue(o.out().contains("(sl1-sim, target sl1)"), o.out());

    double narrow = eval("--run", run.toString(), "--steps", "20", "--samples", "30", "--json",
        "--weight-bits", "3").json().get("spikeOverlap").asDouble();
    assertTrue(narrow < j.get("spikeOverlap").asDouble(), "3-bit weights agree less: " + narrow);
  }

  @Test
  void aRunIsEvaluatedOnTheDataItRecords(@TempDir Path dir) throws Exception {
    Path run = runFolder(dir);
    Files.writeString(run.resolve("config.json"), "{\"format\":\"spikeloop-run/2\",\"options\":"
        + "{\"dataset\":\"synthetic\",\"dtMs\":1.0,\"steps\":12,\"seed\":3}}");
    JsonNode j = eval("--run", run.toString(), "--samples", "5", "--json").json();
    assertEquals("synthetic", j.get("dataset").asText());
    assertEquals(3, j.get("seed").asInt(), "the run's seed: synthetic data depends on it");
    // a run recorded on other data is evaluated on it, not on synthetic (here: not present)
    Files.writeString(run.resolve("config.json"), "{\"options\":{\"dataset\":\"nmnist:"
        + dir.resolve("gone") + "\"}}");
    CliRun other = eval("--run", run.toString(), "--samples", "5");
    assertEquals(2, other.exit(), other.out());
    assertTrue(other.err().contains("gone"), other.err());
    // what the user gives wins
    assertEquals("synthetic", eval("--run", run.toString(), "--dataset", "synthetic", "--steps",
        "12", "--samples", "5", "--json").json().get("dataset").asText());
  }

  @Test
  void aRunIsReadOutAsItWasTrained(@TempDir Path dir) throws Exception {
    Path run = runFolder(dir);
    assertEquals("last", eval("--run", run.toString(), "--steps", "12", "--samples", "3",
        "--json").json().get("readout").asText(), "no config.json: the last step");
    Files.writeString(run.resolve("config.json"), "{\"format\":\"spikeloop-run/2\",\"options\":"
        + "{\"dataset\":\"synthetic\",\"steps\":12,\"readout\":\"sum\"}}");
    CliRun recorded = eval("--run", run.toString(), "--samples", "3", "--json");
    assertEquals("sum", recorded.json().get("readout").asText(), recorded.out());
    assertTrue(recorded.out().contains("readout sum"), recorded.out());
    assertEquals("last", eval("--run", run.toString(), "--samples", "3", "--readout", "last",
        "--json").json().get("readout").asText(), "what the user gives wins");
    CliRun bad = eval("--run", run.toString(), "--samples", "3", "--readout", "max");
    assertEquals(2, bad.exit(), bad.out());
    assertTrue(bad.err().contains("readout 'max'") && bad.err().contains("last or sum"),
        bad.err());
  }

  @Test
  void evaluatesOnReckonThroughItsMapper(@TempDir Path dir) throws Exception {
    Path data = Path.of(System.getProperty("spikeloop.data", "../../shared/data"),
        "nmnist-small");
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(data),
        "real N-MNIST data not found at " + data + "; skipping");
    SnnConfig c = new SnnConfig(162, List.of(16), true, 10, 0.95, 0.95, 1.0, Surrogate.DEFAULT);
    SnnParameters p = SnnParameters.initialise(c, 5);
    for (var t : p.tensors()) {
      for (int i = 0; i < t.values().length; i++) {
        t.values()[i] *= 4;
      }
    }
    ModelFile.write(dir.resolve("model.slm"), p);
    CliRun o = eval("--run", dir.toString(), "--device", "sim:reckon", "--dataset",
        "nmnist:" + data + "#pool=4", "--steps", "30", "--samples", "4", "--json");
    assertEquals(0, o.exit(), o.err());
    JsonNode j = o.json();
    assertEquals("reckon", j.get("target").asText());
    for (String f : List.of("floatAccuracy", "chipModelAccuracy", "fixedAccuracy",
        "predictionAgreement", "spikeDisagreement")) {
      double v = j.get(f).asDouble();
      assertTrue(v >= 0 && v <= 1, f + " = " + v);
    }
    assertTrue(j.get("meanAbsOutputDifference").asDouble() >= 0, o.out());
    assertTrue(o.out().contains("layer0.bias: dropped"), "biases are reported lost: " + o.out());
  }

  @Test
  void aModelReckonCannotHoldIsRefusedNamingWhy(@TempDir Path dir) throws Exception {
    Path run = runFolder(dir);
    CliRun o = eval("--run", run.toString(), "--device", "sim:reckon", "--dataset", "synthetic",
        "--steps", "10", "--samples", "2");
    assertEquals(2, o.exit(), o.out());
    assertTrue(o.err().contains("inputs: 700 > 256") && o.err().contains("outputs: 20 > 16"),
        o.err());
  }

  @Test
  void badInputGivesOneClearLine(@TempDir Path dir) throws Exception {
    CliRun missing = eval("--run", dir.resolve("nope").toString());
    assertEquals(2, missing.exit());
    assertTrue(missing.err().contains("nope") && missing.err().contains("does not exist"),
        missing.err());

    CliRun noModel = eval("--run", dir.toString());
    assertEquals(2, noModel.exit());
    assertTrue(noModel.err().contains("model.slm"), noModel.err());

    Path run = runFolder(dir);
    CliRun bits = eval("--run", run.toString(), "--weight-bits", "17");
    assertEquals(2, bits.exit());
    assertTrue(bits.err().contains("weight bits") && bits.err().contains("17"), bits.err());

    CliRun device = eval("--run", run.toString(), "--device", "nowhere");
    assertEquals(2, device.exit());
    assertTrue(device.err().contains("nowhere"), device.err());
  }
}
