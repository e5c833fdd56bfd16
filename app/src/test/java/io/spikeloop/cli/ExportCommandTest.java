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

/** export --nir, then eval --nir gives what eval --run gives, float and fixed point. */
class ExportCommandTest {
  private static Path runFolder(Path dir) throws Exception {
    SnnConfig c = new SnnConfig(700, List.of(24), true, 20, 0.95, 0.9, 1.0, Surrogate.DEFAULT);
    SnnParameters p = SnnParameters.initialise(c, 11);
    for (var t : p.tensors()) {
      for (int i = 0; i < t.values().length; i++) {
        t.values()[i] *= 6;
      }
    }
    Path run = dir.resolve("run");
    ModelFile.write(run.resolve("model.slm"), p);
    Files.writeString(run.resolve("config.json"), "{\"command\": \"train\", \"dtMs\": 1.0}");
    return run;
  }

  private static final List<String> SAME = List.of("floatAccuracy", "fixedAccuracy",
      "predictionAgreement", "spikeAgreement", "floatSpikesPerSample", "fixedSpikesPerSample",
      "sopsPerSample", "clipped");

  @Test
  void evalOfTheExportedGraphMatchesEvalOfTheRun(@TempDir Path dir) throws Exception {
    Path run = runFolder(dir);
    Path nir = dir.resolve("model.nir");
    CliRun export = CliRun.of("export", "--run", run.toString(), "--nir", nir.toString(), "--json");
    assertEquals(0, export.exit(), export.err());
    // input, fc0, lif0, rec0, fc_out, li_out, output
    assertEquals(7, export.json().get("nodes").asInt());
    String[] eval = {"--device", "sim", "--steps", "20", "--samples", "8", "--json"};
    JsonNode fromRun = json(CliRun.of("eval", "--run", run.toString(), eval[0], eval[1], eval[2],
        eval[3], eval[4], eval[5], eval[6]));
    JsonNode fromNir = json(CliRun.of("eval", "--nir", nir.toString(), eval[0], eval[1], eval[2],
        eval[3], eval[4], eval[5], eval[6]));
    for (String f : SAME) {
      assertEquals(fromRun.get(f).asDouble(), fromNir.get(f).asDouble(), f);
    }
    assertTrue(fromRun.get("floatSpikesPerSample").asDouble() > 10);
  }

  @Test
  void aFixedPointExportCarriesItsMappingIntoEval(@TempDir Path dir) throws Exception {
    Path run = runFolder(dir);
    Path nir = dir.resolve("q.nir");
    CliRun export = CliRun.of("export", "--run", run.toString(), "--nir", nir.toString(),
        "--fixed-point", "--weight-bits", "5", "--clip-percentile", "90");
    assertEquals(0, export.exit(), export.err());
    assertTrue(export.out().contains("fixed point: 5-bit weights"), export.out());
    CliRun fromNir = CliRun.of("eval", "--nir", nir.toString(), "--device", "sim", "--steps", "20",
        "--samples", "8", "--json");
    assertTrue(fromNir.out().contains("using the fixed-point mapping stored in"), fromNir.out());
    JsonNode q = json(fromNir);
    assertEquals(5, q.get("weightBits").asInt());
    JsonNode fromRun = json(CliRun.of("eval", "--run", run.toString(), "--device", "sim", "--steps",
        "20", "--samples", "8", "--weight-bits", "5", "--clip-percentile", "90", "--json"));
    for (String f : SAME) {
      assertEquals(fromRun.get(f).asDouble(), q.get(f).asDouble(), f);
    }
    assertTrue(q.get("clipped").asInt() > 0);
  }

  @Test
  void trainStartsFromAnExportedGraph(@TempDir Path dir) throws Exception {
    Path run = runFolder(dir);
    Path nir = dir.resolve("init.nir");
    assertEquals(0, CliRun.of("export", "--run", run.toString(), "--nir", nir.toString()).exit());
    Path out = dir.resolve("again");
    // a learning rate far below any weight's last bit: the trained model is the starting one,
    // rounded to the float32 the fast trainer keeps (a fresh initialisation differs by ~0.1)
    CliRun train = CliRun.of("train", "--init-nir", nir.toString(), "--optimizer", "sgd", "--lr",
        "1e-300", "--epochs", "1", "--steps", "10", "--batch", "64", "--out", out.toString());
    assertEquals(0, train.exit(), train.err());
    assertTrue(train.out().contains("starting from " + nir), train.out());
    SnnParameters want = ModelFile.read(run.resolve("model.slm"));
    SnnParameters got = ModelFile.read(out.resolve("model.slm"));
    assertEquals(want.config(), got.config());
    assertTrue(want.maxAbsDifference(got) < 1e-6, "" + want.maxAbsDifference(got));
    // the summary names the graph's hidden sizes, not --hidden's default
    JsonNode result = new com.fasterxml.jackson.databind.ObjectMapper()
        .readTree(out.resolve("result.json").toFile());
    assertEquals(want.config().hidden().toString(), result.get("hidden").toString()
        .replace(",", ", "), result.toString());

    Path small = dir.resolve("small");
    ModelFile.write(small.resolve("model.slm"), SnnParameters.initialise(new SnnConfig(16,
        List.of(4), false, 3, 0.9, 0.9, 1.0, Surrogate.DEFAULT), 1));
    Path smallNir = dir.resolve("small.nir");
    assertEquals(0, CliRun.of("export", "--run", small.toString(), "--nir", smallNir.toString(),
        "--dt", "1").exit());
    CliRun mismatch = CliRun.of("train", "--init-nir", smallNir.toString(), "--steps", "12",
        "--epochs", "1");
    assertEquals(2, mismatch.exit());
    assertTrue(mismatch.err().contains("the graph has 16 inputs but dataset synthetic has 700 "
        + "channels"), mismatch.err());
  }

  /** An N-MNIST-like run: 3 ms steps, tau_mem 20 ms, tau_out 30 ms; NIR must say 20 and 30 ms. */
  @Test
  void timeConstantsComeFromTheRunsRecordedStep(@TempDir Path dir) throws Exception {
    SnnConfig c = SnnConfig.of(16, List.of(4), true, 3, 3, 20, 30);
    Path run = dir.resolve("nmnist");
    ModelFile.write(run.resolve("model.slm"), SnnParameters.initialise(c, 1));
    Path nir = dir.resolve("n.nir");
    CliRun refused = CliRun.of("export", "--run", run.toString(), "--nir", nir.toString());
    assertEquals(2, refused.exit());
    assertTrue(refused.err().contains("does not record its time step (config.json has no dtMs): "
        + "give --dt MS"), refused.err());

    Files.writeString(run.resolve("config.json"), "{\"dtMs\": 3.0}");
    JsonNode j = json(CliRun.of("export", "--run", run.toString(), "--nir", nir.toString(),
        "--json"));
    assertEquals(0.020, j.get("tauMem").asDouble(), 1e-12);
    assertEquals(0.030, j.get("tauOut").asDouble(), 1e-12);
    assertEquals(3.0, j.get("dtMs").asDouble());
    CliRun disagree = CliRun.of("export", "--run", run.toString(), "--nir", nir.toString(),
        "--dt", "1");
    assertEquals(2, disagree.exit());
    assertTrue(disagree.err().contains("--dt 1.0 ms disagrees with the 3.0 ms run"), disagree.err());

    // a run from before dtMs was recorded trained at its dataset's default step (nmnist: 3 ms)
    Files.writeString(run.resolve("config.json"),
        "{\"options\": {\"dataset\": \"nmnist:/data/nmnist\"}}");
    j = json(CliRun.of("export", "--run", run.toString(), "--nir", nir.toString(), "--json"));
    assertEquals(0.020, j.get("tauMem").asDouble(), 1e-12);
  }

  @Test
  void badInputGivesOneLineErrors(@TempDir Path dir) {
    CliRun o = CliRun.of("export", "--run", dir.resolve("none").toString(), "--nir",
        dir.resolve("x.nir").toString());
    assertEquals(2, o.exit());
    assertTrue(o.err().contains("run folder") && o.err().contains("does not exist"), o.err());
    o = CliRun.of("eval", "--nir", dir.resolve("absent.nir").toString());
    assertEquals(2, o.exit());
    assertTrue(o.err().contains("absent.nir: no such file"), o.err());
  }

  @Test
  void aFixedPointExportGoesThroughTheTargetsMapperAndNamesWhatItCannotStore(@TempDir Path dir)
      throws Exception {
    Path run = runFolder(dir);
    Path nir = dir.resolve("r.nir");
    CliRun reckon = CliRun.of("export", "--run", run.toString(), "--nir", nir.toString(),
        "--fixed-point", "--target", "reckon");
    assertEquals(2, reckon.exit(), reckon.out());
    assertTrue(reckon.err().contains("mapping onto target reckon cannot be stored")
        && reckon.err().contains("target sl1's layout only"), reckon.err());
    assertTrue(Files.notExists(nir), "nothing written");
    CliRun unknown = CliRun.of("export", "--run", run.toString(), "--nir", nir.toString(),
        "--fixed-point", "--target", "nochip");
    assertEquals(2, unknown.exit());
    assertTrue(unknown.err().contains("'nochip'") && unknown.err().contains("sl1"),
        unknown.err());
    CliRun floatOnly = CliRun.of("export", "--run", run.toString(), "--nir", nir.toString(),
        "--target", "sl1");
    assertEquals(2, floatOnly.exit());
    assertTrue(floatOnly.err().contains("--target is for --fixed-point"), floatOnly.err());
    // the SL-1 mapper refuses what SL-1 cannot hold, naming it
    CliRun wide = CliRun.of("export", "--run", run.toString(), "--nir", nir.toString(),
        "--fixed-point", "--weight-bits", "17");
    assertEquals(2, wide.exit());
    assertTrue(wide.err().contains("weight bits") && wide.err().contains("17"), wide.err());
  }

  private static JsonNode json(CliRun o) throws Exception {
    assertEquals(0, o.exit(), o.err());
    return o.json();
  }
}
