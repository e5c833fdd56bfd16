package io.spikeloop.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs every e-prop vector ({@code mode: eprop}) among the {@code *.json} of the golden train
 * folder (system property {@code spikeloop.golden.train}; written by the independent float64
 * reference {@code make_eprop_vectors.py}) through the float32 {@link EpropTrainer}, step by
 * step: every step's loss (1e-4 relative), outputs (1e-5 absolute plus 1e-4 relative) and the
 * parameters after every step's update (1e-6 absolute plus 1e-4 relative), then the final ones.
 */
class EpropGoldenVectorsTest {

  static List<Path> epropFiles() throws IOException {
    List<Path> files = new ArrayList<>();
    for (Path p : GoldenTrainVectorsTest.allVectorFiles()) {
      if (GoldenTrainVector.isEprop(p)) {
        files.add(p);
      }
    }
    assertFalse(files.isEmpty(), "no e-prop golden train vectors");
    return files;
  }

  @TestFactory
  Stream<DynamicTest> epropTrainerMatchesEveryVectorStepByStep() throws IOException {
    return epropFiles().stream().map(file -> dynamicTest(file.getFileName().toString(), () -> {
      GoldenTrainVector v = GoldenTrainVector.read(file);
      assertNotNull(v.afterStep(), "an e-prop vector carries expect.afterStep");
      EpropTrainer trainer = new EpropTrainer(v.init(), v.optimizer(), v.labels().length,
          TrainingObjective.PLAIN, v.feedback());
      EpropTrainer.Trace trace = trainer.trainTrace(v.samples());
      int steps = v.loss().length;
      assertEquals(steps, trace.losses().length);
      var lossTol = new GoldenTrainVectorsTest.Tolerance(1e-7, 1e-4);
      var outputTol = new GoldenTrainVectorsTest.Tolerance(1e-5, 1e-4);
      var paramTol = new GoldenTrainVectorsTest.Tolerance(1e-6, 1e-4);
      for (int t = 0; t < steps; t++) {
        lossTol.check("loss at step " + t, new double[] {trace.losses()[t]},
            new double[] {v.loss()[t]});
        for (int b = 0; b < v.labels().length; b++) {
          outputTol.check("output at step " + t + " sample " + b, trace.outputs()[t][b],
              v.output()[t][b]);
        }
        paramTol.check("parameters after step " + t, trace.afterStep().get(t),
            v.afterStep().get(t));
      }
      paramTol.check("final", trainer.parameters(), v.finalParams());
    }));
  }
}
