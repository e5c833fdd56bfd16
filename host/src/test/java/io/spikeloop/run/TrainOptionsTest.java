package io.spikeloop.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrainOptionsTest {

  private static String refused(TrainOptions.Builder b) {
    return assertThrows(IllegalArgumentException.class, b::build).getMessage();
  }

  @Test
  void badValuesAreRefusedNamingTheOptionAndTheValue() {
    assertEquals("--lr must be finite and > 0, got Infinity",
        refused(TrainOptions.builder().lr(Double.POSITIVE_INFINITY)));
    assertEquals("--lr must be finite and > 0, got NaN",
        refused(TrainOptions.builder().lr(Double.NaN)));
    assertEquals("--epochs must be >= 1, got 0", refused(TrainOptions.builder().epochs(0)));
    assertEquals("--hidden must be >= 1, got -3", refused(TrainOptions.builder().hidden(8, -3)));
    assertEquals("--model must be ff or rsnn, got cnn",
        refused(TrainOptions.builder().model("cnn")));
    assertEquals("--input-dropout must be in [0, 1], got 1.5",
        refused(TrainOptions.builder().inputDropout(1.5)));
    assertEquals("--betas must each be in [0, 1), got [0.9, 1.0]",
        refused(TrainOptions.builder().betas(0.9, 1.0)));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> TrainRun.run(
        TrainOptions.builder().checkpointEvery(5).build(), TrainRun.SILENT)).getMessage()
        .contains("without --out"));
    assertEquals("--lr must be a number, got fast",
        assertThrows(IllegalArgumentException.class, () -> TrainOptions.builder().set("lr",
            "fast")).getMessage());
    assertEquals("train has no option --lrate", assertThrows(IllegalArgumentException.class,
        () -> TrainOptions.fromArgs(List.of("--lrate", "1"))).getMessage());
  }

  @Test
  void argumentsJsonAndBuilderAgree() {
    TrainOptions fromArgs = TrainOptions.fromArgs(List.of("--hidden", "12,8", "--tau-mem=30",
        "--betas", "0.8,0.99", "--out", "runs/x", "--force", "--mode", "tbptt-k", "--k", "5"));
    TrainOptions built = TrainOptions.builder().hidden(12, 8).tauMemMs(30.0).betas(0.8, 0.99)
        .out(Path.of("runs/x")).force(true).mode("tbptt-k").k(5).build();
    assertEquals(built, fromArgs);
    assertEquals(built, TrainOptions.fromJson(built.toJson()));
    assertEquals(30.0, built.toJson().get("tauMemMs").asDouble());
    assertNull(built.toJson().get("lr"), "unset options stay unset");
  }

  @Test
  void resolvedFillsTheDatasetPreset() {
    TrainOptions speech = TrainOptions.builder().dataset("shd:x.h5").build().resolved();
    assertEquals(200.0, speech.tauMemMs());
    assertEquals("sum", speech.readout());
    assertEquals(3e-5, speech.lr());
    assertEquals("cosine", speech.lrSchedule());
    TrainOptions plain = TrainOptions.builder().optimizer("sgd").build().resolved();
    assertEquals(TrainOptions.DEFAULT_SGD_LR, plain.lr());
    assertEquals(20.0, plain.tauOutMs());
    assertEquals(plain, plain.resolved(), "resolving twice changes nothing");
  }

  @Test
  void runsThatCannotFitAreRefusedWithTheEstimateBeforeAllocating() {
    for (TrainOptions.Builder b : List.of(TrainOptions.builder().hidden(100_000_000),
        TrainOptions.builder().batch(100_000_000),
        TrainOptions.builder().steps(2_000_000_000))) {
      String message = assertThrows(IllegalArgumentException.class,
          () -> TrainRun.run(b.build(), TrainRun.SILENT)).getMessage();
      assertTrue(message.startsWith("this run needs at least ") && message.contains("-Xmx"),
          message);
      assertTrue(message.matches("this run needs at least \\d{1,4}\\.\\d [MGTPE]iB .*"),
          message);
    }
  }
}
