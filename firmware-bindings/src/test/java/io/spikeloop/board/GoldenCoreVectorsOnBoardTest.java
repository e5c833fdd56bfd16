package io.spikeloop.board;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spikeloop.device.Device;
import io.spikeloop.device.Devices;
import io.spikeloop.device.ReadoutLevel;
import io.spikeloop.device.StepResult;
import io.spikeloop.device.Telemetry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Every core golden vector, run on the reference firmware through JNA, must match exactly. */
class GoldenCoreVectorsOnBoardTest {

  @TestFactory
  Stream<DynamicTest> everyCoreVectorMatchesOnTheBoard() throws IOException {
    List<Path> files = CoreVector.files();
    assertFalse(files.isEmpty(), "no *.json golden vectors in " + CoreVector.folder());
    return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(),
        () -> check(CoreVector.read(f))));
  }

  private static void check(CoreVector v) {
    try (Device board = Devices.open("board:ref")) {
      board.configure(v.config());
      for (Map.Entry<String, int[]> w : v.weights().entrySet()) {
        board.writeWeights(w.getKey(), w.getValue());
      }
      List<StepResult> results = board.run(v.inputs(), ReadoutLevel.FULL);
      long sops = 0;
      for (int t = 0; t < results.size(); t++) {
        StepResult r = results.get(t);
        String at = v.name() + " step " + t;
        assertEquals(t, r.step(), at);
        for (int l = 0; l < v.config().layers().size(); l++) {
          assertArrayEquals(v.spikes().get(t)[l], r.spikes()[l], at + " layer " + l + " spikes");
          assertArrayEquals(v.membranes().get(t)[l], r.membranes()[l], at + " layer " + l + " u");
        }
        assertArrayEquals(v.outputs().get(t), r.outputs(), at + " outputs");
        sops += r.sops();
      }
      assertEquals(v.totalSops(), sops, v.name() + " SOPs summed over steps");
      Telemetry tm = board.telemetry();
      assertEquals(v.totalSops(), tm.sops(), v.name() + " telemetry SOPs");
      assertEquals(v.inputs().size(), tm.steps(), v.name() + " telemetry steps");
      if (v.totalHiddenSpikes() != null) {
        assertEquals(v.totalHiddenSpikes(), tm.hiddenSpikes(), v.name() + " hidden spikes");
      }
      if (v.totalSaturatedU() != null) {
        // telemetry counts output saturations too, which the vectors do not report
        assertTrue(tm.saturations() >= v.totalSaturatedU(), v.name() + " saturations "
            + tm.saturations() + " < saturated u " + v.totalSaturatedU());
      }
    }
  }
}
