package io.spikeloop.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelFileTest {
  @TempDir
  Path dir;

  private final SnnParameters params = SnnParameters.initialise(
      SnnConfig.of(12, List.of(7, 5), true, 3, 1, 20, 15), 42);

  @Test
  void roundTripKeepsConfigAndEveryValue() throws IOException {
    Path file = dir.resolve("model.slm");
    ModelFile.write(file, params);
    SnnParameters back = ModelFile.read(file);
    assertEquals(params.config(), back.config());
    assertEquals(params.tensors(), back.tensors());
  }

  @Test
  void truncatedFileIsReportedWithItsName() throws IOException {
    Path file = dir.resolve("model.slm");
    ModelFile.write(file, params);
    byte[] bytes = Files.readAllBytes(file);
    Files.write(file, Arrays.copyOf(bytes, bytes.length - 8));
    IOException e = assertThrows(IOException.class, () -> ModelFile.read(file));
    assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("truncated"),
        e.getMessage());
  }

  @Test
  void otherFilesAndMissingFilesAreRejected() throws IOException {
    Path other = dir.resolve("notes.txt");
    Files.writeString(other, "hello, this is not a model");
    assertTrue(assertThrows(IOException.class, () -> ModelFile.read(other)).getMessage()
        .contains("magic"));
    assertTrue(assertThrows(IOException.class, () -> ModelFile.read(dir.resolve("none.slm")))
        .getMessage().contains("no such model file"));
  }

  @Test
  void initialisationIsSeededAndWithinTheLinearBound() {
    SnnParameters again = SnnParameters.initialise(params.config(), 42);
    assertEquals(params.tensors(), again.tensors());
    double bound = 1 / Math.sqrt(12);
    for (double w : params.wIn(0)) {
      assertTrue(Math.abs(w) <= bound);
    }
    assertTrue(params.maxAbsDifference(SnnParameters.initialise(params.config(), 43)) > 0);
  }
}
