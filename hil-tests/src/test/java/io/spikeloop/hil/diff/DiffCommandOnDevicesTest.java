package io.spikeloop.hil.diff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spikeloop.board.ReckonBoard;
import io.spikeloop.cli.SpikeloopCli;
import io.spikeloop.model.ModelFile;
import io.spikeloop.model.SnnConfig;
import io.spikeloop.model.SnnParameters;
import io.spikeloop.model.Surrogate;
import io.spikeloop.remote.DeviceServer;
import io.spikeloop.remote.ServerOptions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./spikeloop diff} between the simulator, the reference firmware and a served board. */
class DiffCommandOnDevicesTest {
  private static final Path NMNIST = Path.of(System.getProperty("spikeloop.data", "../shared/data"))
      .resolve("nmnist-small");

  private static JsonNode diff(String... args) throws Exception {
    return diffExpecting(0, args);
  }

  private static JsonNode diffExpecting(int expectedExit, String... args) throws Exception {
    var cl = SpikeloopCli.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int exit = cl.execute(args);
    assertEquals(expectedExit, exit, out + "\n" + err);
    List<String> lines = out.toString().strip().lines().toList();
    return new ObjectMapper().readTree(lines.get(lines.size() - 1));
  }

  @Test
  void simAndBoardRefAgreeOnRealRecordings() throws Exception {
    // Real N-MNIST when present (the example), the synthetic set otherwise.
    String dataset = Files.isDirectory(NMNIST) ? "nmnist:" + NMNIST : "synthetic";
    JsonNode r = diff("diff", "--a", "sim", "--b", "board:ref", "--dataset", dataset, "--steps",
        "3000", "--hidden", "64,32", "--json");
    assertTrue(r.get("agreed").asBoolean(), r.toString());
    assertEquals(3000, r.get("steps").asLong());
    assertEquals("sl1-ref-firmware", r.get("kindB").asText());
    assertTrue(r.get("hiddenSpikes").asLong() > 3000, "an active network: " + r);
  }

  @Test
  void simAndAServedBoardAgree() throws Exception {
    try (DeviceServer server = DeviceServer.start("board:ref", ServerOptions.loopback(0))) {
      JsonNode r = diff("diff", "--b", "remote://127.0.0.1:" + server.port(), "--steps", "1500",
          "--hidden", "48", "--json");
      assertTrue(r.get("agreed").asBoolean(), r.toString());
      assertEquals(r.get("hashA").asText(), r.get("hashB").asText());
    }
  }

  @Test
  void simAndBoardRefLearnInLockStep() throws Exception {
    JsonNode r = diff("diff", "--a", "sim", "--b", "board:ref", "--learning", "--steps", "300",
        "--hidden", "32", "--json");
    assertTrue(r.get("agreed").asBoolean(), r.toString());
    assertEquals("learning", r.get("mode").asText());
    assertEquals(300, r.get("steps").asLong());
    assertTrue(r.get("updates").asLong() > 0, r.toString());
  }

  @Test
  void aDifferentSeedOnTheBoardIsLocatedInTheLearningState() throws Exception {
    JsonNode r = diffExpecting(1, "diff", "--a", "sim", "--b", "board:ref", "--learning",
        "--steps", "300", "--hidden", "32", "--b-learning-seed", "2", "--json");
    assertFalse(r.get("agreed").asBoolean(), r.toString());
    JsonNode d = r.get("divergence");
    assertEquals(-1, d.get("step").asLong(), r.toString());
    assertEquals("layer0.in", d.get("tensor").asText());
    assertEquals("rng", d.get("variable").asText());
  }

  @Test
  void simReckonAndBoardReckonAgreeOnRandomNetworks() throws Exception {
    String reason = ReckonBoard.unavailableReason();
    org.junit.jupiter.api.Assumptions.assumeTrue(reason == null, () -> "board:reckon not built "
        + "(needs the '" + ReckonBoard.VERILATOR_PACKAGE + "' package): " + reason);
    for (String seed : new String[] {"1", "4"}) {
      JsonNode r = diff("diff", "--a", "sim:reckon", "--b", "board:reckon", "--steps", "150",
          "--seed", seed, "--json");
      assertTrue(r.get("agreed").asBoolean(), r.toString());
      assertEquals(150, r.get("steps").asLong());
      assertEquals("reckon-verilated-rtl", r.get("kindB").asText());
      assertEquals("FULL", r.get("readout").asText(), "membranes compared on every step");
    }
  }

  @Test
  void simReckonAndBoardReckonAgreeOnAModelMappedByReckonsMapper(@TempDir Path dir)
      throws Exception {
    assumeReckonBoard();
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(NMNIST),
        "real N-MNIST data not found at " + NMNIST + " (a model ReckOn holds needs at most 256 "
        + "channels)");
    SnnConfig c = new SnnConfig(162, List.of(16), true, 10, 0.95, 0.95, 1.0, Surrogate.DEFAULT);
    SnnParameters p = SnnParameters.initialise(c, 5);
    for (var t : p.tensors()) {
      for (int i = 0; i < t.values().length; i++) {
        t.values()[i] *= 4;
      }
    }
    ModelFile.write(dir.resolve("model.slm"), p);
    // 24 steps: the verilated RTL takes about 0.4 s a step for 162 inputs on a shared core.
    // Its hidden spikes never reach its pins, so the run's activity is checked on two models
    // (DiffCommandTest); here membranes and outputs are compared on every step.
    JsonNode r = diff("diff", "--a", "sim:reckon", "--b", "board:reckon", "--run",
        dir.toString(), "--dataset", "nmnist:" + NMNIST + "#pool=4", "--steps", "24", "--json");
    assertTrue(r.get("agreed").asBoolean(), r.toString());
    assertEquals(24, r.get("steps").asLong());
    assertEquals("reckon-verilated-rtl", r.get("kindB").asText());
    assertEquals("FULL", r.get("readout").asText(), r.toString());
  }

  private static void assumeReckonBoard() {
    String reason = ReckonBoard.unavailableReason();
    org.junit.jupiter.api.Assumptions.assumeTrue(reason == null, () -> "board:reckon not built "
        + "(needs the '" + ReckonBoard.VERILATOR_PACKAGE + "' package): " + reason);
  }

  @Test
  void simReckonAndBoardReckonLearnInLockStep() throws Exception {
    assumeReckonBoard();
    JsonNode r = diff("diff", "--a", "sim:reckon", "--b", "board:reckon", "--learning",
        "--steps", "200", "--json");
    assertTrue(r.get("agreed").asBoolean(), r.toString());
    assertEquals("learning", r.get("mode").asText());
    assertEquals(200, r.get("steps").asLong());
    assertEquals(201, r.get("checks").asLong(), "states compared before and after every step");
    assertTrue(r.get("weightChanges").asLong() > 0, "e-prop moved weights: " + r);
    assertEquals(198, r.get("updates").asLong(), "e-prop on every tick but each sample's first");
  }

  @Test
  void anotherLearningRateOnTheBoardIsLocatedWhereTheModelLocatesIt() throws Exception {
    assumeReckonBoard();
    String[] args = {"--learning", "--steps", "300", "--b-rate-shift", "w_out=11", "--json"};
    JsonNode model = diffExpecting(1, concat(new String[] {"diff", "--a", "sim:reckon", "--b",
        "sim:reckon"}, args)).get("divergence");
    JsonNode board = diffExpecting(1, concat(new String[] {"diff", "--a", "sim:reckon", "--b",
        "board:reckon"}, args)).get("divergence");
    assertEquals("WEIGHT", board.get("part").asText(), board.toString());
    assertEquals("w_out", board.get("tensor").asText(), board.toString());
    assertEquals(model.toString(), board.toString(), "same step, index and values");
  }

  @Test
  void theCueAccumulationTaskLearnsInLockStepOnTwoModels() throws Exception {
    Path data = Path.of("../../shared/boards/reckon/upstream/src/data");
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(data),
        "ReckOn upstream data not found at " + data);
    // one sample of 2,249 steps (labels from step 2,100) and the next one's first steps
    JsonNode r = diff("diff", "--a", "sim:reckon", "--b", "sim:reckon", "--learning", "--task",
        "cue-accumulation", "--task-data", data.toString(), "--steps", "2300", "--check-every",
        "50", "--json");
    assertTrue(r.get("agreed").asBoolean(), r.toString());
    assertEquals("cue-accumulation", r.get("task").asText());
    assertEquals(2249 - 2100, r.get("updates").asLong(), "e-prop on the labelled ticks: " + r);
    assertTrue(r.get("weightChanges").asLong() > 0, r.toString());
    assertEquals(1 + 2300 / 50, r.get("checks").asLong());
  }

  private static String[] concat(String[] a, String[] b) {
    String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }

  @Test
  void reckonDiffRefusesWhatItCannotCompareByName() throws Exception {
    var cl = SpikeloopCli.commandLine();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(new StringWriter()));
    cl.setErr(new PrintWriter(err));
    int exit = cl.execute("diff", "--a", "sim:reckon", "--b", "sim:reckon", "--learning",
        "--lr-q16", "100", "--steps", "10");
    assertTrue(exit != 0, err.toString());
    assertTrue(err.toString().contains("setting lr-q16: target reckon has no such lock-step "
        + "learning setting"), err.toString());
    JsonNode same = diff("diff", "--a", "sim:reckon", "--b", "sim:reckon", "--steps", "300",
        "--json");
    assertTrue(same.get("agreed").asBoolean(), same.toString());
    assertTrue(same.get("hiddenSpikes").asLong() > 0, "two models compare hidden spikes: " + same);
  }
}
