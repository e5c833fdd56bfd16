package io.spikeloop.board;

import static org.junit.jupiter.api.Assertions.assertFalse;

import io.spikeloop.device.Device;
import io.spikeloop.device.Devices;
import io.spikeloop.sim.golden.LearningVector;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every golden learning vector (folder: system property {@code spikeloop.golden.learning}: e-prop
 * and tBPTT1 from the independent integer reference), run on the reference firmware's C engine
 * through JNA: every spike, membrane, output and learned weight after every step. One dynamic
 * test per file.
 */
class GoldenLearningVectorsOnBoardTest {

  @TestFactory
  Stream<DynamicTest> everyLearningVectorMatchesOnTheBoard() {
    List<Path> files = LearningVector.files(LearningVector.folder());
    assertFalse(files.isEmpty(), "no *.json golden vectors in " + LearningVector.folder());
    return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
      try (Device board = Devices.open("board:ref")) {
        LearningVector.load(f).assertMatches(board);
      }
    }));
  }
}
