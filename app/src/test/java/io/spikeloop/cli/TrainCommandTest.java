package io.spikeloop.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spikeloop.data.shd.ShdRecordings;
import io.spikeloop.data.shd.ShdWriter;
import io.spikeloop.model.ModelFile;
import io.spikeloop.model.SnnParameters;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TrainCommandTest {
  @TempDir
  Path dir;

  @Test
  void trainsWritesARunFolderAndEndsWithOneJsonLine() throws Exception {
    Path runDir = dir.resolve("run");
    CliRun r = CliRun.of("train", "--hidden", "12,8", "--epochs", "1", "--steps", "12", "--batch", "50",
        "--mode", "tbptt-k", "--k", "4", "--out", runDir.toString(), "--json");
    assertEquals(0, r.exit(), r.err());
    List<String> lines = r.out().strip().lines().toList();
    JsonNode json = new ObjectMapper().readTree(lines.get(lines.size() - 1));
    assertEquals("tbptt-k", json.get("mode").asText());
    assertEquals("synthetic", json.get("dataset").asText());
    assertEquals(1, json.get("epochs").asInt());
    for (String field : List.of("bestTestAccuracy", "lastTestAccuracy", "onlineTrainAccuracy")) {
      double v = json.get(field).asDouble();
      assertTrue(v >= 0 && v <= 1, field + " = " + v);
    }
    assertTrue(json.get("trainSamplesPerSecond").asDouble() > 0);
    SnnParameters model = ModelFile.read(runDir.resolve("model.slm"));
    assertEquals(List.of(12, 8), model.config().hidden());
    assertEquals(700, model.config().inputs());
    assertEquals(2, Files.readAllLines(runDir.resolve("metrics.csv")).size());
    JsonNode config = new ObjectMapper().readTree(runDir.resolve("config.json").toFile());
    assertEquals(1, config.at("/options/seed").asInt());
    assertTrue(config.at("/versions/java").asText().startsWith("17"));
  }

  /** Six two-channel recordings of three speakers (speaker 2 is the test part). */
  private Path tinyShdFile() throws Exception {
    int n = 6;
    float[][] times = new float[n][];
    short[][] units = new short[n][];
    int[] labels = new int[n];
    int[] speakers = new int[n];
    for (int i = 0; i < n; i++) {
      times[i] = new float[] {0.005f, 0.2f + 0.01f * i};
      units[i] = new short[] {(short) (i % 2), 1};
      labels[i] = i % 2;
      speakers[i] = i % 3;
    }
    Path file = dir.resolve("tiny.h5");
    ShdWriter.write(new ShdRecordings("tiny", 2, 2, times, units, labels, speakers, new int[n]),
        file);
    return file;
  }

  @Test
  void shdDecaysUseTheTenMillisecondBinsOfTheData() throws Exception {
    Path runDir = dir.resolve("shd-run");
    CliRun r = CliRun.of("train", "--dataset", "shd:" + tinyShdFile() + "#test-speakers=2", "--hidden", "3",
        "--epochs", "1", "--batch", "4", "--tau-mem", "50", "--tau-out", "20", "--out",
        runDir.toString(), "--json");
    assertEquals(0, r.exit(), r.err());
    JsonNode config = new ObjectMapper().readTree(runDir.resolve("config.json").toFile());
    assertEquals(Math.exp(-10.0 / 50), config.at("/network/alpha").asDouble(), 1e-12);
    assertEquals(Math.exp(-10.0 / 20), config.at("/network/kappa").asDouble(), 1e-12);
  }

  @Test
  void shdRunsDefaultToTheSpeechPresetAndOtherDatasetsKeepThePapersSettings() throws Exception {
    String shd = "shd:" + tinyShdFile() + "#test-speakers=2";
    JsonNode tbptt1 = runConfig("shd-tbptt1", "--dataset", shd);
    assertEquals(Math.exp(-10.0 / 200), tbptt1.at("/network/alpha").asDouble(), 1e-12);
    assertEquals(Math.exp(-10.0 / 200), tbptt1.at("/network/kappa").asDouble(), 1e-12);
    assertEquals("sum", tbptt1.at("/options/readout").asText());
    assertEquals(3e-5, tbptt1.at("/options/lr").asDouble(), 1e-15);
    assertEquals("cosine", tbptt1.at("/options/lrSchedule").asText());
    assertEquals(20, tbptt1.at("/options/channelJitter").asInt());
    assertEquals(0.995, tbptt1.at("/options/betas/0").asDouble(), 1e-15);
    assertEquals(0.9999, tbptt1.at("/options/betas/1").asDouble(), 1e-15);
    assertEquals(1e-6, tbptt1.at("/options/eps").asDouble(), 1e-20);
    JsonNode bptt = runConfig("shd-bptt", "--dataset", shd, "--mode", "bptt");
    assertEquals(2e-3, bptt.at("/options/lr").asDouble(), 1e-15);
    assertEquals("cosine", bptt.at("/options/lrSchedule").asText());
    assertEquals(20, bptt.at("/options/channelJitter").asInt());
    assertEquals(0.9, bptt.at("/options/betas/0").asDouble(), 1e-15);
    assertEquals(0.999, bptt.at("/options/betas/1").asDouble(), 1e-15);
    assertEquals(1e-8, bptt.at("/options/eps").asDouble(), 1e-20);
    JsonNode explicit = runConfig("shd-explicit", "--dataset", shd, "--tau-mem", "30",
        "--readout", "last", "--betas", "0.8,0.99", "--lr", "2e-4", "--lr-schedule", "constant",
        "--channel-jitter", "0", "--eps", "1e-7");
    assertEquals(Math.exp(-10.0 / 30), explicit.at("/network/alpha").asDouble(), 1e-12);
    assertEquals("last", explicit.at("/options/readout").asText());
    assertEquals(0.8, explicit.at("/options/betas/0").asDouble(), 1e-15);
    assertEquals(2e-4, explicit.at("/options/lr").asDouble(), 1e-15);
    assertEquals("constant", explicit.at("/options/lrSchedule").asText());
    assertEquals(0, explicit.at("/options/channelJitter").asInt());
    assertEquals(1e-7, explicit.at("/options/eps").asDouble(), 1e-20);
    // the reference trainer has no schedule: the speech preset falls back to a constant rate
    JsonNode reference = runConfig("shd-float64", "--dataset", shd, "--precision", "float64");
    assertEquals("constant", reference.at("/options/lrSchedule").asText());
    JsonNode synthetic = runConfig("synthetic", "--steps", "10");
    assertEquals(Math.exp(-1.0 / 20), synthetic.at("/network/alpha").asDouble(), 1e-12);
    assertEquals("last", synthetic.at("/options/readout").asText());
    assertEquals(1e-4, synthetic.at("/options/lr").asDouble(), 1e-15);
    assertEquals(0.9, synthetic.at("/options/betas/0").asDouble(), 1e-15);
    assertEquals(1e-8, synthetic.at("/options/eps").asDouble(), 1e-20);
    assertEquals("constant", synthetic.at("/options/lrSchedule").asText());
    assertEquals(0, synthetic.at("/options/channelJitter").asInt());
  }

  /** Trains one tiny epoch with {@code options} and returns the run folder's config.json. */
  private JsonNode runConfig(String name, String... options) throws Exception {
    Path runDir = dir.resolve(name);
    List<String> args = new java.util.ArrayList<>(List.of("train", "--hidden", "3", "--epochs",
        "1", "--batch", "4", "--out", runDir.toString(), "--json"));
    args.addAll(List.of(options));
    CliRun r = CliRun.of(args.toArray(String[]::new));
    assertEquals(0, r.exit(), r.err());
    return new ObjectMapper().readTree(runDir.resolve("config.json").toFile());
  }

  @Test
  void referencePrecisionSgdAndSummedReadoutRun() throws Exception {
    CliRun r = CliRun.of("train", "--model", "ff", "--hidden", "6", "--epochs", "1", "--steps", "10",
        "--batch", "100", "--optimizer", "sgd", "--momentum", "0.9", "--readout", "sum",
        "--precision", "float64", "--json");
    assertEquals(0, r.exit(), r.err());
    List<String> lines = r.out().strip().lines().toList();
    JsonNode json = new ObjectMapper().readTree(lines.get(lines.size() - 1));
    assertEquals("tbptt1", json.get("mode").asText());
    assertEquals("ff", json.get("model").asText());
    assertTrue(json.has("lastTestAccuracy"), json.toString());
    double accuracy = json.get("lastTestAccuracy").asDouble();
    assertTrue(accuracy >= 0 && accuracy <= 1, "an accuracy, got " + accuracy);
    // Input spikes fan out to the hidden layer, so a run that did anything counted SOPs.
    assertTrue(json.get("sopsPerSample").asDouble() > 0, json.toString());
  }

  @Test
  void badDatasetsAndOptionsFailWithOneClearLine() {
    CliRun missing = CliRun.of("train", "--dataset", "nmnist:" + dir.resolve("nope"));
    assertEquals(2, missing.exit());
    assertTrue(missing.err().contains("nope") && missing.err().startsWith("spikeloop: error:"),
        missing.err());
    assertEquals(1, missing.err().strip().lines().count());
    CliRun badModel = CliRun.of("train", "--model", "lstm");
    assertTrue(badModel.err().contains("--model must be ff or rsnn"), badModel.err());
  }

  @Test
  void onChipPlacementReportsAccuracyCostAndMemory() throws Exception {
    CliRun r = CliRun.of("train", "--placement", "on-chip", "--device", "sim", "--hidden", "6",
        "--model", "ff", "--epochs", "1", "--steps", "10", "--train-samples", "4",
        "--test-samples", "3", "--adam-bits", "4", "--json");
    assertEquals(0, r.exit(), r.err());
    List<String> lines = r.out().strip().lines().toList();
    JsonNode json = new ObjectMapper().readTree(lines.get(lines.size() - 1));
    assertEquals("on-chip", json.get("placement").asText());
    assertEquals(4, json.get("adamBits").asInt());
    for (String field : List.of("bestTestAccuracy", "lastTestAccuracy", "onlineTrainAccuracy")) {
      assertTrue(json.has(field), field);
    }
    assertTrue(json.get("learningCyclesPerSample").asDouble() > 0);
    assertTrue(json.get("learningJoulesPerSample").asDouble() > 0);
    assertTrue(json.get("memory").asText().contains("B/param"), json.get("memory").asText());
    // the quantized 4-bit state of the engine, not the float Adam figure
    double bytes = json.get("optimizerStateBytesPerParameter").asDouble();
    assertTrue(bytes > 1.0 && bytes < 1.2, "on-chip 4-bit state: " + bytes);
    CliRun twoLayers = CliRun.of("train", "--placement", "near-chip", "--hidden", "6,4", "--epochs", "1",
        "--steps", "10", "--train-samples", "2", "--test-samples", "2");
    assertEquals(2, twoLayers.exit());
    assertTrue(twoLayers.err().contains("DR-LEARNING"), twoLayers.err());
    CliRun unknown = CliRun.of("train", "--placement", "moon");
    assertTrue(unknown.err().contains("--placement must be one of"), unknown.err());
  }

  @Test
  void quantizedAdamRunsOnTheReferenceTrainerAndReportsItsMemory() throws Exception {
    CliRun r = CliRun.of("train", "--model", "ff", "--hidden", "8", "--epochs", "1", "--steps", "10",
        "--batch", "100", "--optimizer", "qadam", "--adam-bits", "4", "--block", "32", "--lr",
        "1e-3", "--json");
    assertEquals(0, r.exit(), r.err());
    List<String> lines = r.out().strip().lines().toList();
    JsonNode json = new ObjectMapper().readTree(lines.get(lines.size() - 1));
    double bytes = json.get("optimizerStateBytesPerParameter").asDouble();
    assertTrue(bytes > 1.0 && bytes < 1.1, "4-bit state with block 32: " + bytes);
    CliRun bad = CliRun.of("train", "--optimizer", "qadam", "--adam-bits", "6");
    assertEquals(2, bad.exit());
    assertTrue(bad.err().contains("8 or 4"), bad.err());
  }

  @Test
  void adamScheduleOptionTrainsLazilyAndRefusesWhatItCannotApply() throws Exception {
    CliRun r = CliRun.of("train", "--model", "ff", "--hidden", "8", "--epochs", "1", "--steps", "10",
        "--batch", "1", "--adam", "catchup", "--train-samples", "20", "--test-samples", "10",
        "--json");
    assertEquals(0, r.exit(), r.err());
    CliRun unknown = CliRun.of("train", "--adam", "sparse");
    assertEquals(2, unknown.exit());
    assertTrue(unknown.err().contains("dense, lazy or catchup"), unknown.err());
    CliRun sgd = CliRun.of("train", "--optimizer", "sgd", "--adam", "lazy");
    assertEquals(2, sgd.exit());
    assertTrue(sgd.err().contains("--optimizer adam"), sgd.err());
    CliRun onChip = CliRun.of("train", "--placement", "on-chip", "--adam", "lazy");
    assertEquals(2, onChip.exit());
    assertTrue(onChip.err().contains("learning=lazy"), onChip.err());
  }

  @Test
  void helpShowsAnExample() {
    CliRun r = CliRun.of("train", "--help");
    assertEquals(0, r.exit());
    assertTrue(r.out().contains("Examples:") && r.out().contains("--mode"));
  }

  @Test
  void aResumedRunEndsWithTheWeightsOfAnUninterruptedOneBitForBit() throws Exception {
    String[] common = {"train", "--hidden", "10", "--steps", "10", "--batch", "100", "--json",
        "--checkpoint-every", "7"};
    Path whole = dir.resolve("whole");
    CliRun a = CliRun.of(concat(common, "--epochs", "2", "--out", whole.toString()));
    assertEquals(0, a.exit(), a.err());
    Path split = dir.resolve("split");
    CliRun b = CliRun.of(concat(common, "--epochs", "1", "--out", split.toString()));
    assertEquals(0, b.exit(), b.err());
    assertTrue(Files.exists(split.resolve(TrainCommand.CHECKPOINT_FILE)));
    CliRun c = CliRun.of("train", "--resume", split.toString(), "--epochs", "2", "--json");
    assertEquals(0, c.exit(), c.err());
    assertArrayEquals(Files.readAllBytes(whole.resolve("model.slm")),
        Files.readAllBytes(split.resolve("model.slm")), "model.slm bit for bit");
    assertEquals(Files.readAllLines(whole.resolve("metrics.csv")).size(),
        Files.readAllLines(split.resolve("metrics.csv")).size());
    JsonNode jsonA = lastJson(a);
    JsonNode jsonC = lastJson(c);
    assertEquals(jsonA.get("lastTestAccuracy").asDouble(), jsonC.get("lastTestAccuracy").asDouble());
    assertEquals(2, jsonC.get("epochs").asInt());

    // Resuming a finished run without more epochs says so.
    CliRun d = CliRun.of("train", "--resume", split.toString());
    assertEquals(2, d.exit(), d.err());
    assertTrue(d.err().contains("already finished 2 epochs"), d.err());
  }

  /**
   * The same through the CLI for on-chip learning (its engine's state too): the simulator's dense
   * and catch-up engines and the firmware's catch-up engine (whose image carries the per-block
   * step counters).
   */
  @ParameterizedTest
  @ValueSource(strings = {"sim", "sim:learning=catchup", "board:ref,learning=catchup"})
  void anOnChipRunResumedOnAFreshDeviceEndsBitForBitLikeAnUninterruptedOne(String device)
      throws Exception {
    String[] common = {"train", "--placement", "on-chip", "--device", device, "--hidden", "12",
        "--steps", "10", "--train-samples", "24", "--test-samples", "8", "--batch", "4",
        "--json", "--checkpoint-every", "2", "--no-report"};
    Path base = dir.resolve(device.replaceAll("[^a-z]", "-"));
    Path whole = base.resolve("whole-on-chip");
    CliRun a = CliRun.of(concat(common, "--epochs", "2", "--out", whole.toString()));
    assertEquals(0, a.exit(), a.err());
    Path split = base.resolve("split-on-chip");
    CliRun b = CliRun.of(concat(common, "--epochs", "1", "--out", split.toString()));
    assertEquals(0, b.exit(), b.err());
    CliRun c = CliRun.of("train", "--resume", split.toString(), "--epochs", "2", "--json");
    assertEquals(0, c.exit(), c.err());
    assertArrayEquals(Files.readAllBytes(whole.resolve("model.slm")),
        Files.readAllBytes(split.resolve("model.slm")), "model.slm bit for bit");
    JsonNode jsonA = lastJson(a);
    JsonNode jsonC = lastJson(c);
    for (String field : List.of("lastTestAccuracy", "onlineTrainAccuracy",
        "learningJoulesPerSample", "learningUpdatesPerSample", "trainCyclesPerSample")) {
      assertEquals(jsonA.get(field).asDouble(), jsonC.get(field).asDouble(), field);
    }
  }

  @Test
  void aCorruptedCheckpointIsRefusedAndNothingInTheRunFolderChanges() throws Exception {
    Path runDir = dir.resolve("run");
    CliRun a = CliRun.of("train", "--hidden", "6", "--steps", "10", "--batch", "200", "--epochs", "1",
        "--checkpoint-every", "5", "--out", runDir.toString(), "--json");
    assertEquals(0, a.exit(), a.err());
    Path checkpoint = runDir.resolve(TrainCommand.CHECKPOINT_FILE);
    byte[] bytes = Files.readAllBytes(checkpoint);
    bytes[bytes.length / 3] ^= 0x40;
    Files.write(checkpoint, bytes);
    byte[] model = Files.readAllBytes(runDir.resolve("model.slm"));
    byte[] metrics = Files.readAllBytes(runDir.resolve("metrics.csv"));
    CliRun r = CliRun.of("train", "--resume", runDir.toString(), "--epochs", "2");
    assertEquals(2, r.exit(), r.err());
    assertTrue(r.err().contains("corrupted") && r.err().contains("checkpoint.slc"), r.err());
    assertArrayEquals(model, Files.readAllBytes(runDir.resolve("model.slm")));
    assertArrayEquals(metrics, Files.readAllBytes(runDir.resolve("metrics.csv")));
    assertArrayEquals(bytes, Files.readAllBytes(checkpoint));

    CliRun noOut = CliRun.of("train", "--checkpoint-every", "3", "--epochs", "1");
    assertEquals(2, noOut.exit());
    assertTrue(noOut.err().contains("--out"), noOut.err());
  }

  private static String[] concat(String[] a, String... b) {
    String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }

  private static JsonNode lastJson(CliRun r) throws Exception {
    List<String> lines = r.out().strip().lines().toList();
    return new ObjectMapper().readTree(lines.get(lines.size() - 1));
  }

  @Test
  void regularisationAndAugmentationOptionsReachBothTrainersAndTheRunConfig() throws Exception {
    String[] knobs = {"--loss-skip", "2", "--loss-mask", "silence", "--rate-penalty", "0.5",
        "--weight-decay", "0.1", "--input-dropout", "0.1", "--channel-jitter", "3", "--blend",
        "0.5", "--time-shift", "1"};
    for (String precision : List.of("float32", "float64")) {
      Path runDir = dir.resolve("knobs-" + precision);
      List<String> args = new java.util.ArrayList<>(List.of("train", "--hidden", "6",
          "--epochs", "1", "--steps", "10", "--batch", "20", "--train-samples", "40",
          "--test-samples", "20", "--precision", precision, "--out", runDir.toString(), "--json"));
      args.addAll(List.of(knobs));
      CliRun r = CliRun.of(args.toArray(String[]::new));
      assertEquals(0, r.exit(), r.err());
      JsonNode options = new ObjectMapper().readTree(runDir.resolve("config.json").toFile())
          .get("options");
      assertEquals("silence", options.get("lossMask").asText());
      assertEquals(2, options.get("lossSkip").asInt());
      assertEquals(0.5, options.get("ratePenalty").asDouble());
      assertEquals(0.1, options.get("weightDecay").asDouble());
      assertEquals(3, options.get("channelJitter").asInt());
      assertEquals(0.5, options.get("blend").asDouble());
    }
  }

  @Test
  void objectiveKnobsAreRefusedWhereTheyAreNotImplemented() {
    CliRun device = CliRun.of("train", "--hidden", "6", "--epochs", "1", "--steps", "10",
        "--placement", "near-chip", "--weight-decay", "0.1");
    assertEquals(false, device.exit() == 0);
    assertTrue(device.err().contains("host-float only"), device.err());
    CliRun quantized = CliRun.of("train", "--hidden", "6", "--epochs", "1", "--steps", "10",
        "--optimizer", "qadam", "--weight-decay", "0.1");
    assertEquals(false, quantized.exit() == 0);
    assertTrue(quantized.err().contains("weight decay is not implemented for quantized Adam"),
        quantized.err());
    CliRun mask = CliRun.of("train", "--epochs", "1", "--loss-mask", "trailing");
    assertTrue(mask.err().contains("--loss-mask must be none or silence"), mask.err());
  }

  @Test
  void theCommandsTrainOptionsAreTheApisOptions() {
    var train = SpikeloopCli.commandLine().getSubcommands().get("train").getCommandSpec();
    java.util.Set<String> cli = new java.util.TreeSet<>();
    train.options().stream().filter(o -> !o.inherited())
        .forEach(o -> cli.add(o.longestName().substring(2)));
    cli.removeAll(TrainCommand.PRESENTATION);
    assertEquals(new java.util.TreeSet<>(io.spikeloop.run.TrainOptions.names()), cli);
  }

  @Test
  void hugeAndNonFiniteOptionsAreRefusedWithOneLineBeforeAllocating() {
    for (List<String> args : List.of(List.of("--hidden", "100000000"),
        List.of("--batch", "100000000"), List.of("--steps", "2000000000"))) {
      List<String> all = new java.util.ArrayList<>(List.of("train"));
      all.addAll(args);
      CliRun r = CliRun.of(all.toArray(String[]::new));
      assertEquals(2, r.exit(), args + ": " + r.err());
      assertTrue(r.err().startsWith("spikeloop: error: this run needs at least "), r.err());
      assertEquals(1, r.err().strip().lines().count(), r.err());
    }
    for (String lr : List.of("Infinity", "NaN")) {
      CliRun r = CliRun.of("train", "--lr", lr);
      assertEquals(2, r.exit(), r.err());
      assertEquals("spikeloop: error: --lr must be finite and > 0, got " + lr, r.err().strip());
    }
  }

  @Test
  void anExistingRunFolderIsRefusedUnlessForced() throws Exception {
    Path runDir = dir.resolve("run");
    String[] small = {"train", "--hidden", "8", "--epochs", "1", "--steps", "12", "--batch", "100",
        "--train-samples", "100", "--test-samples", "50", "--no-report", "--out",
        runDir.toString()};
    assertEquals(0, CliRun.of(small).exit());
    CliRun again = CliRun.of(small);
    assertEquals(2, again.exit());
    assertTrue(again.err().contains("already holds a run") && again.err().contains("--force"),
        again.err());
    List<String> forced = new java.util.ArrayList<>(List.of(small));
    forced.add("--force");
    CliRun r = CliRun.of(forced.toArray(String[]::new));
    assertEquals(0, r.exit(), r.err());
    assertEquals(2, Files.readAllLines(runDir.resolve("metrics.csv")).size(), "one run's rows");
  }
}
