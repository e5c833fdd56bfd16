package io.spikeloop.mapper;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.spikeloop.data.SpikeSample;
import io.spikeloop.model.SnnConfig;
import io.spikeloop.model.SnnParameters;
import io.spikeloop.model.Surrogate;
import io.spikeloop.optim.OptimizerSpec;
import io.spikeloop.train.ReferenceTrainer;
import io.spikeloop.train.TrainingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FloatReferenceTest {
  @Test
  void matchesTheTrainersFloat64Inference() {
    SnnConfig c = new SnnConfig(12, List.of(9, 7), true, 4, 0.9, 0.8, 1.0, Surrogate.DEFAULT);
    SnnParameters p = SnnParameters.initialise(c, 3);
    for (var t : p.tensors()) {
      for (int i = 0; i < t.values().length; i++) {
        t.values()[i] *= 3;
      }
    }
    SplittableRandom r = new SplittableRandom(9);
    List<SpikeSample> samples = new ArrayList<>();
    for (int s = 0; s < 4; s++) {
      double[] times = new double[60];
      int[] units = new int[60];
      for (int i = 0; i < 60; i++) {
        times[i] = r.nextInt(30);
        units[i] = r.nextInt(12);
      }
      samples.add(SpikeSample.bin(times, units, 1.0, 30, s % 4, -1));
    }
    var inference = new ReferenceTrainer(p.copy(), Surrogate.DEFAULT, TrainingMode.TBPTT1,
        OptimizerSpec.Adam.PAPER).infer(samples);
    FloatReference ref = new FloatReference(p);
    for (int s = 0; s < samples.size(); s++) {
      SpikeSample sample = samples.get(s);
      ref.reset();
      long spikes = 0;
      for (int t = 0; t < sample.steps(); t++) {
        ref.step(sample.channels(), sample.offsets()[t], sample.offsets()[t + 1]);
        spikes += ref.spikeCount(0) + ref.spikeCount(1);
      }
      for (int k = 0; k < 4; k++) {
        assertEquals(inference.lastOutput()[s][k], ref.output(k), 1e-9, "sample " + s + " output " + k);
      }
      assertEquals(inference.spikes()[s], spikes, "sample " + s + " spikes");
    }
  }
}
