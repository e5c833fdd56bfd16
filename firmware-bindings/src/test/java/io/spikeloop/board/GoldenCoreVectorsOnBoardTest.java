package io.spikeloop.board;

import static org.junit.jupiter.api.Assertions.assertFalse;

import io.spikeloop.device.Device;
import io.spikeloop.device.Devices;
import io.spikeloop.sim.golden.CoreVector;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every core golden vector (folder: system property {@code spikeloop.golden.core}), run on the
 * reference firmware through JNA, matches exactly: spikes, membranes, outputs, SOP and spike
 * totals, saturations. One dynamic test per file, named after it.
 */
class GoldenCoreVectorsOnBoardTest {

  @TestFactory
  Stream<DynamicTest> everyCoreVectorMatchesOnTheBoard() {
    List<Path> files = CoreVector.files(CoreVector.folder());
    assertFalse(files.isEmpty(), "no *.json golden vectors in " + CoreVector.folder());
    return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
      try (Device board = Devices.open("board:ref")) {
        CoreVector.load(f).assertMatches(board);
      }
    }));
  }
}
