package io.spikeloop.sim.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.spikeloop.sim.SimDevice;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Every golden core vector, each its own test, on the simulator. */
class GoldenCoreVectorsTest {

  @TestFactory
  Stream<DynamicTest> everyVectorMatchesBitForBit() {
    List<Path> files = CoreVector.files(CoreVector.folder());
    assertFalse(files.isEmpty(), "no golden vectors in " + CoreVector.folder().toAbsolutePath());
    return files.stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
      CoreVector v = CoreVector.load(file);
      try (SimDevice device = new SimDevice()) {
        v.assertMatches(device);
        // The simulator counts membrane clamps on their own: check them exactly.
        if (v.saturatedU().isPresent()) {
          assertEquals(v.saturatedU().getAsLong(), device.membraneSaturations(),
              v.name() + ": membrane saturations");
        }
      }
    }));
  }
}
