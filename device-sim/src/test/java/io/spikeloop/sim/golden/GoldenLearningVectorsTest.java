package io.spikeloop.sim.golden;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spikeloop.sim.SimDevice;
import io.spikeloop.target.sl1.LearningRule;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every golden learning vector (from the independent integer reference {@code
 * make_learning_vectors.py}), each its own test, on the simulator's learning engine: every
 * spike, membrane and output and every learned tensor after every step.
 */
class GoldenLearningVectorsTest {

  @TestFactory
  Stream<DynamicTest> everyLearningVectorMatchesBitForBit() {
    List<Path> files = LearningVector.files(LearningVector.folder());
    assertFalse(files.isEmpty(), "no golden vectors in " + LearningVector.folder().toAbsolutePath());
    return files.stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
      try (SimDevice device = new SimDevice()) {
        LearningVector.load(file).assertMatches(device);
      }
    }));
  }

  @Test
  void theVectorsCoverBothRules() {
    List<LearningRule> rules = LearningVector.files(LearningVector.folder()).stream()
        .map(f -> LearningVector.load(f).learning().rule()).toList();
    assertTrue(rules.stream().filter(r -> r == LearningRule.EPROP).count() >= 2, rules.toString());
    assertTrue(rules.contains(LearningRule.TBPTT1), rules.toString());
  }
}
