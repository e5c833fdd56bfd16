package io.spikeloop.mapper.sl1;

import io.spikeloop.data.SpikeDataset;
import io.spikeloop.data.SpikeSample;
import io.spikeloop.device.Device;
import io.spikeloop.device.ReadoutLevel;
import io.spikeloop.device.SpikeFrame;
import io.spikeloop.device.StepResult;
import io.spikeloop.device.Telemetry;
import io.spikeloop.mapper.FloatReference;
import io.spikeloop.model.SnnParameters;
import io.spikeloop.target.sl1.Sl1Target;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * Runs the float model and a device loaded with its mapped network on the same samples, side by
 * side, and compares them. Predictions are the argmax of the output at the last step. The device
 * is reset before each sample.
 */
public final class Evaluation {
  private Evaluation() {}

  /**
   * What an evaluation measured.
   *
   * @param spikeAgreement  fraction of (layer, neuron, step) where device and float model agree
   *                        on spiking or not
   * @param spikeOverlap    spikes both emitted / spikes either emitted (1 when neither spiked)
   * @param predictionAgreement fraction of samples where both predict the same class
   */
  public record Result(int samples, double floatAccuracy, double fixedAccuracy,
                       double predictionAgreement, double spikeAgreement, double spikeOverlap,
                       double floatSpikesPerSample, double fixedSpikesPerSample,
                       double sopsPerSample, double cyclesPerSample, double joulesPerSample,
                       long deadlineMisses, long saturations, long fifoOverflows) {}

  /**
   * Evaluates the first {@code limit} samples of {@code data} (all when {@code limit <= 0}).
   *
   * @param progress told the number of samples done after each sample
   */
  public static Result run(SnnParameters params, MappedNetwork mapped, Device device,
                           SpikeDataset data, int limit, IntConsumer progress) {
    if (data.channels() != params.config().inputs()) {
      throw new IllegalArgumentException("dataset " + data.name() + " has " + data.channels()
          + " channels but the model has " + params.config().inputs() + " inputs");
    }
    if (data.classes() > params.config().outputs()) {
      throw new IllegalArgumentException("dataset " + data.name() + " has " + data.classes()
          + " classes but the model only " + params.config().outputs() + " outputs");
    }
    int n = limit > 0 ? Math.min(limit, data.size()) : data.size();
    mapped.loadInto(device);
    FloatReference ref = new FloatReference(params);
    int layers = params.config().layers();
    long floatCorrect = 0;
    long fixedCorrect = 0;
    long samePrediction = 0;
    long agreeing = 0;
    long compared = 0;
    long both = 0;
    long either = 0;
    long floatSpikes = 0;
    long fixedSpikes = 0;
    Telemetry before = device.telemetry();
    for (int s = 0; s < n; s++) {
      SpikeSample sample = data.sample(s);
      List<SpikeFrame> frames = sample.frames(SpikeFrame.NO_LABEL);
      device.reset();
      ref.reset();
      List<StepResult> results = device.run(frames, ReadoutLevel.SPIKES);
      int[] offsets = sample.offsets();
      for (int t = 0; t < sample.steps(); t++) {
        ref.step(sample.channels(), offsets[t], offsets[t + 1]);
        int[][] spikes = results.get(t).spikes();
        for (int l = 0; l < layers; l++) {
          int size = params.config().hiddenSize(l);
          int floatCount = ref.spikeCount(l);
          int common = 0;
          for (int id : spikes[l]) {
            if (ref.fired(l, id)) {
              common++;
            }
          }
          floatSpikes += floatCount;
          fixedSpikes += spikes[l].length;
          both += common;
          either += floatCount + spikes[l].length - common;
          agreeing += size - (floatCount - common) - (spikes[l].length - common);
          compared += size;
        }
      }
      int floatPrediction = ref.argmaxOutput();
      int fixedPrediction = results.get(results.size() - 1).argmaxOutput();
      floatCorrect += floatPrediction == sample.label() ? 1 : 0;
      fixedCorrect += fixedPrediction == sample.label() ? 1 : 0;
      samePrediction += floatPrediction == fixedPrediction ? 1 : 0;
      progress.accept(s + 1);
    }
    Telemetry t = device.telemetry().minus(before);
    double per = Math.max(1, n);
    return new Result(n, floatCorrect / per, fixedCorrect / per, samePrediction / per,
        compared == 0 ? 1 : agreeing / (double) compared, either == 0 ? 1 : both / (double) either,
        floatSpikes / per, fixedSpikes / per, t.sops() / per, t.cycles() / per,
        t.energyJoules() / per, t.deadlineMisses(), t.count(Sl1Target.SATURATIONS), t.fifoOverflows());
  }
}
