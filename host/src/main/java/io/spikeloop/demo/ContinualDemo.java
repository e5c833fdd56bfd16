package io.spikeloop.demo;

import io.spikeloop.data.SpikeSample;
import io.spikeloop.device.Capability;
import io.spikeloop.device.Device;
import io.spikeloop.device.Telemetry;
import io.spikeloop.device.UnsupportedCapabilityException;
import io.spikeloop.device.WeightTensor;
import io.spikeloop.model.SnnConfig;
import io.spikeloop.model.SnnParameters;
import io.spikeloop.placement.LearningCost;
import io.spikeloop.placement.Placement;
import io.spikeloop.placement.PlacementSettings;
import io.spikeloop.placement.Placements;
import io.spikeloop.target.sl1.Sl1Device;
import io.spikeloop.train.Readout;
import io.spikeloop.train.SnnTrainer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * Runs a {@link ContinualStream} through the core's on-chip learning engine and through a frozen
 * copy of the model as it stood after the first stage. The learning arm trains on every streamed
 * sample (one tBPTT1 update per time step, on the device); every {@code evalEvery} samples and at
 * the end of each stage both arms are evaluated on the evaluation sets of the stages seen so far.
 *
 * <p>The frozen arm is a second device that receives the learner's weights after stage 0 and
 * never learns again: it runs the rest of the stream forward only (so its energy is inference
 * energy), and since its weights no longer change, its accuracy per stage is measured once.
 */
public final class ContinualDemo {
  private ContinualDemo() {}

  /**
   * Runs the demo; {@code devices} opens a device per arm (both are closed here).
   *
   * @throws UnsupportedCapabilityException naming the device when it cannot learn on-chip
   */
  public static ContinualResult run(ContinualStream stream, int channels, int classes,
                                    Supplier<Device> devices, ContinualSettings s) {
    long started = System.nanoTime();
    SnnParameters init = SnnParameters.initialise(SnnConfig.of(channels, List.of(s.hidden()),
        false, classes, s.stepMillis(), ContinualSettings.TAU_MEM_MS,
        ContinualSettings.TAU_OUT_MS), s.seed());
    PlacementSettings ps = new PlacementSettings(s.weightBits(), s.adamBits(), 64, 8, s.lr(),
        0.9, 0.999, 1e-8, 16, s.seed());
    int stages = stream.stages().size();
    double[][] learnedMatrix = nanMatrix(stages);
    double[][] frozenMatrix = nanMatrix(stages);
    List<Checkpoint> learning = new ArrayList<>();
    List<Checkpoint> frozen = new ArrayList<>();
    try (Device learnerDevice = requireLearning(devices.get());
         Placement learner = Placements.onDevice("on-chip", learnerDevice, init, ps)) {
      Device frozenDevice = null;
      Placement frozenModel = null;
      double[] frozenAccuracy = null;
      try {
        long samples = 0;
        for (int i = 0; i < stages; i++) {
          List<SpikeSample> train = stream.stages().get(i).train();
          for (int start = 0; start < train.size(); start += s.evalEvery()) {
            List<SpikeSample> chunk = train.subList(start,
                Math.min(train.size(), start + s.evalEvery()));
            LearningCost before = learner.learningCost();
            learner.train(chunk);
            LearningCost after = learner.learningCost();
            samples += chunk.size();
            boolean end = start + chunk.size() == train.size();
            double[] now = evaluate(learner, stream, i);
            if (end) {
              learnedMatrix[i] = now.clone();
            }
            Checkpoint learned = new Checkpoint("learning", samples, i, end,
                seenAccuracy(stream, i, now), now, Forgetting.mean(learnedMatrix, i, now),
                perSample(after, before, true, false), perSample(after, before, true, true),
                perSample(after, before, false, false));
            learning.add(learned);
            if (frozenModel == null) {
              // stage 0: the frozen model is this very model
              frozen.add(new Checkpoint("frozen", samples, i, end, learned.seenAccuracy(), now,
                  0, learned.joulesPerSample(), learned.learningJoulesPerSample(),
                  learned.cyclesPerSample()));
              continue;
            }
            Telemetry t0 = frozenDevice.telemetry();
            frozenModel.infer(chunk);
            Telemetry spent = frozenDevice.telemetry().minus(t0);
            if (end) {
              frozenMatrix[i] = frozenAccuracy.clone();
            }
            frozen.add(new Checkpoint("frozen", samples, i, end,
                seenAccuracy(stream, i, masked(frozenAccuracy, i)), masked(frozenAccuracy, i),
                Forgetting.mean(frozenMatrix, i, frozenAccuracy),
                spent.energyJoules() / chunk.size(), 0, (double) spent.cycles() / chunk.size()));
          }
          if (i == 0) {
            frozenMatrix[0] = learnedMatrix[0].clone();
            frozenDevice = devices.get();
            frozenModel = freeze(learnerDevice, frozenDevice, init, ps);
            frozenAccuracy = evaluate(frozenModel, stream, stages - 1);
          }
        }
      } finally {
        if (frozenModel != null) {
          frozenModel.close();
        }
        if (frozenDevice != null) {
          frozenDevice.close();
        }
      }
      return new ContinualResult(stream.kind(),
          stream.stages().stream().map(ContinualStream.Stage::name).toList(),
          learnerDevice.info().name(), learning, frozen, learnedMatrix, frozenMatrix,
          (System.nanoTime() - started) * 1e-9);
    }
  }

  /** The device, or a clear error naming it and the missing capability (closing it). */
  static Device requireLearning(Device device) {
    if (!device.info().has(Capability.ON_CHIP_LEARNING)) {
      String name = device.info().name();
      device.close();
      throw new UnsupportedCapabilityException(name, Capability.ON_CHIP_LEARNING,
          "the continual-learning demo (it learns on the core)");
    }
    return device;
  }

  /** A second on-chip model with the learner's weights and its learning engine switched off. */
  private static Placement freeze(Device learner, Device target, SnnParameters init,
                                  PlacementSettings ps) {
    Placement copy = Placements.onDevice("on-chip", requireLearning(target), init, ps);
    Sl1Device.disableLearning(target);
    for (WeightTensor t : learner.config().tensors()) {
      target.writeWeights(t.name(), learner.readWeights(t.name()));
    }
    return copy;
  }

  /** Accuracy on the evaluation sets of stages 0..{@code upTo}; NaN for later stages. */
  static double[] evaluate(SnnTrainer model, ContinualStream stream, int upTo) {
    double[] accuracy = new double[stream.stages().size()];
    Arrays.fill(accuracy, Double.NaN);
    for (int j = 0; j <= upTo; j++) {
      List<SpikeSample> test = stream.stages().get(j).test();
      SnnTrainer.Inference inference = model.infer(test);
      int correct = 0;
      for (int b = 0; b < test.size(); b++) {
        if (Readout.LAST.predict(inference, b) == test.get(b).label()) {
          correct++;
        }
      }
      accuracy[j] = (double) correct / test.size();
    }
    return accuracy;
  }

  /** Accuracy over the union of the evaluation sets of stages 0..{@code stage}. */
  static double seenAccuracy(ContinualStream stream, int stage, double[] perStage) {
    double correct = 0;
    int total = 0;
    for (int j = 0; j <= stage; j++) {
      int n = stream.stages().get(j).test().size();
      correct += perStage[j] * n;
      total += n;
    }
    return correct / total;
  }

  private static double[] masked(double[] accuracy, int stage) {
    double[] out = accuracy.clone();
    Arrays.fill(out, stage + 1, out.length, Double.NaN);
    return out;
  }

  private static double[][] nanMatrix(int n) {
    double[][] m = new double[n][n];
    for (double[] row : m) {
      Arrays.fill(row, Double.NaN);
    }
    return m;
  }

  /** Energy (or cycles) per sample trained between two cumulative costs. */
  private static double perSample(LearningCost after, LearningCost before, boolean joules,
                                  boolean learningShare) {
    double a = joules ? (learningShare ? after.learningJoulesPerSample() : after.joulesPerSample())
        : after.cyclesPerSample();
    double b = joules ? (learningShare ? before.learningJoulesPerSample()
        : before.joulesPerSample()) : before.cyclesPerSample();
    long n = after.samples() - before.samples();
    return (a * after.samples() - b * before.samples()) / n;
  }
}
