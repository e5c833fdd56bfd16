package io.spikeloop.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spikeloop.data.SpikeSample;
import io.spikeloop.model.SnnConfig;
import io.spikeloop.model.SnnParameters;
import io.spikeloop.model.Surrogate;
import io.spikeloop.optim.OptimizerSpec;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The predictions a training batch reports follow the readout: with the summed readout, online
 * training accuracy must count the arg max of the output summed over the steps as it was computed
 * during training, not the last step's (on speech, whose last steps are silence, the two differ
 * for most samples).
 */
class OnlinePredictionTest {

  @Test
  void summedPredictionsAreTheArgMaxOfTheTrainingOutputsSummedOverSteps() {
    SnnConfig config = new SnnConfig(15, List.of(12), true, 4, 0.9, 0.6, 1.0, Surrogate.DEFAULT);
    SnnParameters init = FastTrainerTest.strongInit(config, 5);
    OptimizerSpec spec = new OptimizerSpec.Adam(1e-2, 0.9, 0.99, 1e-8);
    List<SpikeSample> samples = FastTrainerTest.randomBatch(new SplittableRandom(4), 16, 10, 15,
        4, 0.3);
    ReferenceTrainer traced = new ReferenceTrainer(init.copy(), Surrogate.DEFAULT,
        TrainingMode.TBPTT1, spec);
    ReferenceTrainer.Trace trace = traced.trainTrace(traced.dense(samples),
        ReferenceTrainer.labels(samples));
    int[] want = new int[samples.size()];
    for (int b = 0; b < want.length; b++) {
      double[] total = new double[config.outputs()];
      for (double[][] o : trace.outputs()) {
        for (int k = 0; k < total.length; k++) {
          total[k] += o[b][k];
        }
      }
      want[b] = Softmax.argmax(total);
    }
    boolean readoutsDiffer = false;
    for (int b = 0; b < want.length; b++) {
      readoutsDiffer |= want[b] != trace.predictions()[b];
    }
    assertTrue(readoutsDiffer, "the batch must tell the summed from the last-step readout");

    SnnTrainer.BatchResult reference = new ReferenceTrainer(init.copy(), Surrogate.DEFAULT,
        TrainingMode.TBPTT1, spec).train(samples);
    SnnTrainer.BatchResult fast = new FastTrainer(init.copy(), TrainingMode.TBPTT1, spec,
        samples.size()).train(samples);
    assertArrayEquals(want, reference.predictions(Readout.SUM));
    assertArrayEquals(want, fast.predictions(Readout.SUM));
    assertArrayEquals(trace.predictions(), fast.predictions(Readout.LAST));
    assertSame(fast.summedPredictions(), fast.predictions(Readout.SUM));
  }
}
