package io.spikeloop.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spikeloop.checkpoint.Checkpoint;
import io.spikeloop.checkpoint.CheckpointFile;
import io.spikeloop.model.ModelFile;
import io.spikeloop.train.EpochMetrics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainRunTest {
  @TempDir
  Path dir;

  /** A run of a few seconds: 16-unit RSNN, 20 steps, 200 + 100 samples. */
  private static TrainOptions.Builder small() {
    return TrainOptions.builder().hidden(16).steps(20).epochs(1).batch(50).trainSamples(200)
        .testSamples(100);
  }

  @Test
  void aRunReturnsItsMetricsAndWritesItsFolder() throws Exception {
    Path run = dir.resolve("run");
    List<EpochMetrics> heard = new ArrayList<>();
    TrainResult r = TrainRun.run(small().epochs(2).out(run).build(), new TrainRun.Listener() {
      @Override
      public void epochDone(EpochMetrics m) {
        heard.add(m);
      }
    });
    assertEquals(2, r.epochs().size());
    assertEquals(r.epochs(), heard);
    assertTrue(r.bestTestAccuracy() >= r.lastTestAccuracy());
    assertEquals(20, r.classes());
    assertFalse(r.onDevice());
    assertEquals(r.summary().toString(),
        new ObjectMapper().readTree(run.resolve(RunFolder.RESULT).toFile()).toString());
    assertEquals(r.parameters().config(), ModelFile.read(run.resolve(RunFolder.MODEL)).config());
    JsonNode options = new ObjectMapper().readTree(run.resolve(RunFolder.CONFIG).toFile())
        .get("options");
    // the documented keys (docs/java-api.md) that rebuild the model, resolved
    assertEquals(1.0, options.get("dtMs").asDouble());
    assertEquals(20.0, options.get("tauMemMs").asDouble());
    assertEquals(20.0, options.get("tauOutMs").asDouble());
    assertEquals(20, options.get("steps").asInt());
    assertEquals("last", options.get("readout").asText());
    assertEquals("synthetic", options.get("dataset").asText());
    assertEquals(8, options.get("weightBits").asInt());
    assertEquals(16, options.get("hidden").get(0).asInt());
    assertEquals(small().epochs(2).build().resolved().toBuilder().dtMs(1.0).build(),
        TrainOptions.fromJson(options), "config.json rebuilds the options");
  }

  @Test
  void anExistingRunFolderIsRefusedUnlessForcedAndForceClearsIt() throws Exception {
    Path run = dir.resolve("run");
    TrainRun.run(small().out(run).checkpointEvery(2).build(), TrainRun.SILENT);
    assertTrue(Files.exists(run.resolve(RunFolder.CHECKPOINT)));
    byte[] model = Files.readAllBytes(run.resolve(RunFolder.MODEL));
    String refused = assertThrows(IllegalArgumentException.class,
        () -> TrainRun.run(small().seed(2).out(run).build(), TrainRun.SILENT)).getMessage();
    assertTrue(refused.contains("already holds a run") && refused.contains("--force"), refused);
    assertArrayEquals(model, Files.readAllBytes(run.resolve(RunFolder.MODEL)), "nothing lost");

    TrainRun.run(small().seed(2).out(run).force(true).build(), TrainRun.SILENT);
    assertFalse(Files.exists(run.resolve(RunFolder.CHECKPOINT)), "no stale checkpoint is kept");
    assertEquals(2, Files.readAllLines(run.resolve(RunFolder.METRICS)).size());

    Path notARun = Files.createDirectories(dir.resolve("mine"));
    Files.writeString(notARun.resolve("notes.txt"), "keep me");
    String other = assertThrows(IllegalArgumentException.class,
        () -> TrainRun.run(small().out(notARun).force(true).build(), TrainRun.SILENT))
        .getMessage();
    assertTrue(other.contains("holds no run"), other);
    assertTrue(Files.exists(notARun.resolve("notes.txt")));
    Path file = Files.writeString(dir.resolve("afile"), "x");
    assertEquals("--out " + file + " is a file, not a folder", assertThrows(
        IllegalArgumentException.class, () -> TrainRun.run(small().out(file).build(),
            TrainRun.SILENT)).getMessage());
  }

  @Test
  void aResumedRunEndsLikeAnUninterruptedOne() throws Exception {
    Path whole = dir.resolve("whole");
    Path split = dir.resolve("split");
    TrainResult a = TrainRun.run(small().epochs(2).out(whole).build(), TrainRun.SILENT);
    TrainRun.run(small().epochs(1).out(split).checkpointEvery(3).build(), TrainRun.SILENT);
    TrainResult c = TrainRun.resume(split, 2, TrainRun.SILENT);
    assertArrayEquals(Files.readAllBytes(whole.resolve(RunFolder.MODEL)),
        Files.readAllBytes(split.resolve(RunFolder.MODEL)));
    assertEquals(a.lastTestAccuracy(), c.lastTestAccuracy());
    assertEquals(2, c.epochs().size());
  }

  @Test
  void aCheckpointOfTheFormerArgumentFormatIsResumedAndAnUnknownFormatRefused() throws Exception {
    Path whole = dir.resolve("whole");
    Path split = dir.resolve("split");
    TrainRun.run(small().epochs(2).out(whole).build(), TrainRun.SILENT);
    TrainRun.run(small().epochs(1).out(split).checkpointEvery(3).build(), TrainRun.SILENT);
    Path file = split.resolve(RunFolder.CHECKPOINT);
    Checkpoint saved = CheckpointFile.read(file);
    // what train wrote before the Java API: its command-line arguments
    String v1 = "{\"format\":\"spikeloop-train-checkpoint/1\",\"args\":[\"--hidden\",\"16\","
        + "\"--steps\",\"20\",\"--epochs\",\"1\",\"--batch\",\"50\",\"--train-samples\",\"200\","
        + "\"--test-samples\",\"100\",\"--checkpoint-every\",\"3\",\"--json\",\"--out\","
        + "\"" + split + "\"]}";
    CheckpointFile.write(file, new Checkpoint(v1, saved.state()));
    TrainRun.resume(split, 2, TrainRun.SILENT);
    assertArrayEquals(Files.readAllBytes(whole.resolve(RunFolder.MODEL)),
        Files.readAllBytes(split.resolve(RunFolder.MODEL)));

    CheckpointFile.write(file, new Checkpoint("{\"format\":\"spikeloop-train-checkpoint/9\"}",
        saved.state()));
    String refused = assertThrows(IllegalArgumentException.class,
        () -> TrainRun.resume(split, null, TrainRun.SILENT)).getMessage();
    assertTrue(refused.contains("format 'spikeloop-train-checkpoint/9'"), refused);
  }
}
