package io.spikeloop.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spikeloop.data.SpikeSample;
import io.spikeloop.model.SnnConfig;
import io.spikeloop.model.SnnParameters;
import io.spikeloop.model.Surrogate;
import io.spikeloop.train.ReferenceTrainer;
import io.spikeloop.train.TrainingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class QuantizedAdamOptimizerTest {
  private static double[][] randomParams(SplittableRandom rnd, int[] sizes, double scale) {
    double[][] p = new double[sizes.length][];
    for (int i = 0; i < sizes.length; i++) {
      p[i] = new double[sizes[i]];
      for (int j = 0; j < sizes[i]; j++) {
        p[i][j] = (2 * rnd.nextDouble() - 1) * scale;
      }
    }
    return p;
  }

  private static double[][] copy(double[][] p) {
    double[][] c = new double[p.length][];
    for (int i = 0; i < p.length; i++) {
      c[i] = p[i].clone();
    }
    return c;
  }

  @Test
  void followsFloatAdamOnFloatTensors() {
    int[] sizes = {700, 64, 10};
    SplittableRandom rnd = new SplittableRandom(3);
    double[][] init = randomParams(rnd, sizes, 0.05);
    double[][] pf = copy(init);
    double[][] pq = copy(init);
    Optimizer adam = new OptimizerSpec.Adam(1e-3, 0.9, 0.999, 1e-8).create(sizes);
    Optimizer qadam = OptimizerSpec.QuantizedAdam.of(1e-3, 8, 64, 1).create(sizes);
    double[][] g = new double[sizes.length][];
    for (int t = 0; t < 150; t++) {
      for (int i = 0; i < sizes.length; i++) {
        g[i] = new double[sizes[i]];
        for (int j = 0; j < sizes[i]; j++) {
          g[i][j] = (rnd.nextGaussian() + (j % 3 == 0 ? 0.5 : 0)) * 1e-2 / (i + 1);
        }
      }
      adam.step(pf, g);
      qadam.step(pq, g);
    }
    assertEquals(150, qadam.steps());
    for (int i = 0; i < sizes.length; i++) {
      double dot = 0;
      double nf = 0;
      double nq = 0;
      for (int j = 0; j < sizes[i]; j++) {
        double df = pf[i][j] - init[i][j];
        double dq = pq[i][j] - init[i][j];
        dot += df * dq;
        nf += df * df;
        nq += dq * dq;
      }
      double cosine = dot / Math.sqrt(nf * nq);
      double ratio = Math.sqrt(nq / nf);
      assertTrue(cosine > 0.98, "tensor " + i + " displacement cosine " + cosine);
      assertTrue(Math.abs(ratio - 1) < 0.1, "tensor " + i + " displacement norm ratio " + ratio);
    }
  }

  @Test
  void firstStepAdoptsParametersOnTheMasterGrid() {
    int[] sizes = {100, 5};
    double[][] p = randomParams(new SplittableRandom(4), sizes, 0.3);
    p[1] = new double[5]; // an all-zero tensor gets range 1
    double[][] before = copy(p);
    Optimizer q = OptimizerSpec.QuantizedAdam.of(1e-3, 4, 32, 9).create(sizes);
    q.step(p, new double[][] {new double[100], new double[5]}); // zero gradient: no move
    // range 16 * 0.3 -> LSB 2^-4 for int8 weights (127 * 2^-4 >= 4.8), master LSB 2^-12
    for (int j = 0; j < 100; j++) {
      assertEquals(before[0][j], p[0][j], Math.scalb(1.0, -13) + 1e-15);
      assertEquals(0.0, Math.IEEEremainder(p[0][j], Math.scalb(1.0, -12)), 0.0);
    }
    assertEquals(0.0, p[1][0]);
  }

  @Test
  void trainsAnSnnOnTheReferenceTrainer() {
    SnnConfig config = new SnnConfig(6, List.of(12), false, 2, 0.9, 0.9, 1.0, Surrogate.DEFAULT);
    List<SpikeSample> batch = new ArrayList<>();
    SplittableRandom rnd = new SplittableRandom(5);
    for (int s = 0; s < 8; s++) {
      int label = s % 2;
      int[] offsets = new int[21];
      List<Integer> channels = new ArrayList<>();
      for (int t = 0; t < 20; t++) {
        for (int c = 0; c < 6; c++) {
          if ((c < 3) == (label == 0) && rnd.nextDouble() < 0.4) {
            channels.add(c);
          }
        }
        offsets[t + 1] = channels.size();
      }
      batch.add(new SpikeSample(label, offsets,
          channels.stream().mapToInt(Integer::intValue).toArray(), -1));
    }
    double[] finalLoss = new double[2];
    double firstLoss = 0;
    for (int v = 0; v < 2; v++) {
      OptimizerSpec spec = v == 0 ? new OptimizerSpec.Adam(1e-2, 0.9, 0.999, 1e-8)
          : OptimizerSpec.QuantizedAdam.of(1e-2, 8, 64, 2);
      ReferenceTrainer trainer = new ReferenceTrainer(SnnParameters.initialise(config, 1),
          Surrogate.DEFAULT, TrainingMode.TBPTT1, spec);
      for (int epoch = 0; epoch < 15; epoch++) {
        double loss = trainer.train(batch).meanLoss();
        if (epoch == 0) {
          firstLoss = loss;
        }
        finalLoss[v] = loss;
      }
    }
    assertTrue(finalLoss[0] < 0.7 * firstLoss, "float Adam learns: " + finalLoss[0]);
    assertTrue(finalLoss[1] < 0.7 * firstLoss && finalLoss[1] < finalLoss[0] * 1.3 + 0.02,
        "8-bit quantized Adam learns like float Adam: " + finalLoss[1] + " vs " + finalLoss[0]);
  }

  @Test
  void theFusedFloat32PathRefusesQuantizedAdam() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new FusedUpdate(OptimizerSpec.QuantizedAdam.of(1e-3, 8, 64, 1)));
    assertTrue(e.getMessage().contains("reference trainer"), e.getMessage());
  }

  @Test
  void memoryFiguresAndValidation() {
    int[] sizes = {6400, 100};
    assertEquals(2.03, OptimizerSpec.QuantizedAdam.of(1e-3, 8, 64, 1).memory(sizes)
        .stateBytesPerParameterMeasured(), 0.01);
    assertEquals(1.03, OptimizerSpec.QuantizedAdam.of(1e-3, 4, 64, 1).memory(sizes)
        .stateBytesPerParameterMeasured(), 0.01);
    assertThrows(IllegalArgumentException.class, () -> OptimizerSpec.QuantizedAdam.of(1e-3, 5,
        64, 1));
    assertThrows(IllegalArgumentException.class, () -> new OptimizerSpec.QuantizedAdam(1e-3, 0.9,
        0.999, 1e-8, 8, 64, 8, 8, 0.5, 1));
    // lr 10 on weights of range 16 * 1e-3 is far more than 256 master LSBs per step
    Optimizer q = OptimizerSpec.QuantizedAdam.of(10, 8, 64, 1).create(new int[] {3});
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> q.step(new double[][] {{1e-3, 0, 0}}, new double[][] {{1, 1, 1}}));
    assertTrue(e.getMessage().contains("tensor 0") && e.getMessage().contains("256"),
        e.getMessage());
  }
}
