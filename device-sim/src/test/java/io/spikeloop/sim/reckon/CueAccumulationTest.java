package io.spikeloop.sim.reckon;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.spikeloop.target.reckon.ReckonTensor;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The upstream task on a few samples (the 3-epoch run is the command CueAccumulation). */
class CueAccumulationTest {

  @Test
  void fewTrainingSamplesLearnDeterministicallyInSmallSteps() {
    assumeTrue(ReckonUpstream.src().isPresent(), ReckonUpstream.ABSENT);
    Path data = ReckonUpstream.src().get().resolve("data");
    List<CueAccumulation.Sample> train = CueAccumulation.readDataset(data.resolve("dataset_cueAcc_train.dat"));
    assertEquals(50, train.size());
    assertTrue(train.stream().allMatch(s -> s.label() == 0 || s.label() == 1));
    byte[][] first = runFour(data, train);
    byte[][] second = runFour(data, train);
    for (int t = 0; t < 3; t++) {
      assertArrayEquals(first[t], second[t], "run is deterministic, tensor " + t);
    }
    byte[] initialOut = CueAccumulation.readWeights(data.resolve("init_rand_weights_out_cueAcc.dat"), 200);
    assertNotEquals(Arrays.toString(initialOut), Arrays.toString(first[2]), "W_out learned");
    int moved = 0;
    for (int i = 0; i < 200; i++) {
      moved += Math.abs(first[2][i] - initialOut[i]);
    }
    assertTrue(moved > 0 && moved < 200 * 4 * 150, "steps of one LSB per learning tick: " + moved);
  }

  private static byte[][] runFour(Path data, List<CueAccumulation.Sample> train) {
    try (ReckonModel chip = new ReckonModel()) {
      CueAccumulation.load(chip, data);
      CueAccumulation.pass(chip, train.subList(0, 4), true, new long[2]);
      return new byte[][] {chip.readWeights(ReckonTensor.INPUT),
          chip.readWeights(ReckonTensor.RECURRENT), chip.readWeights(ReckonTensor.OUTPUT)};
    }
  }
}
