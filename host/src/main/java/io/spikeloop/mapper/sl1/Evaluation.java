package io.spikeloop.mapper.sl1;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spikeloop.data.SpikeDataset;
import io.spikeloop.data.SpikeSample;
import io.spikeloop.device.Device;
import io.spikeloop.device.ReadoutLevel;
import io.spikeloop.device.SpikeFrame;
import io.spikeloop.device.StepResult;
import io.spikeloop.device.Telemetry;
import io.spikeloop.mapper.EvaluationReport;
import io.spikeloop.mapper.FloatReference;
import io.spikeloop.model.SnnParameters;
import io.spikeloop.target.sl1.LayerConfig;
import io.spikeloop.target.sl1.Sl1Target;
import io.spikeloop.train.Readout;
import io.spikeloop.train.SampleOutputs;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.IntConsumer;

/**
 * Runs the float model and a device loaded with its mapped network on the same samples, side by
 * side, and compares them. Both predict by the readout the model was trained with (the output at
 * the last step, or summed over the steps). The device is reset before each sample.
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
                           SpikeDataset data, Readout readout, int limit,
                           IntConsumer progress) {
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
    int outputs = params.config().outputs();
    SampleOutputs floatOutputs = new SampleOutputs(outputs);
    SampleOutputs fixedOutputs = new SampleOutputs(outputs);
    Telemetry before = device.telemetry();
    for (int s = 0; s < n; s++) {
      SpikeSample sample = data.sample(s);
      List<SpikeFrame> frames = sample.frames(SpikeFrame.NO_LABEL);
      device.reset();
      ref.reset();
      List<StepResult> results = device.run(frames, ReadoutLevel.SPIKES);
      int[] offsets = sample.offsets();
      floatOutputs.startSample();
      fixedOutputs.startSample();
      for (int t = 0; t < sample.steps(); t++) {
        ref.step(sample.channels(), offsets[t], offsets[t + 1]);
        int[] o = results.get(t).outputs();
        for (int k = 0; k < outputs; k++) {
          floatOutputs.put(k, ref.output(k));
          fixedOutputs.put(k, o[k]);
        }
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
      int floatPrediction = floatOutputs.predict(readout);
      int fixedPrediction = fixedOutputs.predict(readout);
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

  /**
   * {@code eval}'s report on an SL-1 device: the mapping in SL-1's terms (widths, every layer's
   * threshold, decay and weight exponent, the output's, every tensor's step and error), then
   * both accuracies, spike agreement, cost per sample, saturations, FIFO overflows and deadline
   * misses.
   */
  public static EvaluationReport report(Result r, MappedNetwork m, QuantizationOptions q) {
    List<String> lines = new ArrayList<>();
    lines.add(String.format(Locale.ROOT, "mapping: %d-bit weights, uBits %d, oBits %d, headroom "
            + "%d bits, exponents from the %s of |w|", q.weightBits(), q.membraneBits(),
        q.outputBits(), q.headroomBits(),
        q.clipPercentile() >= 100 ? "maximum" : q.clipPercentile() + "th percentile"));
    for (int l = 0; l < m.config().layers().size(); l++) {
      LayerConfig c = m.config().layers().get(l);
      lines.add(String.format(Locale.ROOT, "  layer %d: theta %d, alpha %d/4096, wExp %d", l,
          c.theta(), c.alpha(), c.wExp()));
    }
    lines.add(String.format(Locale.ROOT, "  output: kappa %d/4096, wExp %d, scale %.4g",
        m.config().output().kappa(), m.config().output().wExp(), m.outputScale()));
    for (TensorReport t : m.tensors()) {
      lines.add(String.format(Locale.ROOT, "  %-12s step %.3g  max|x| %.3g  max error %.3g  "
              + "clipped %d of %d", t.name(), t.step(), t.maxAbsFloat(), t.maxAbsError(),
          t.clipped(), t.values()));
    }
    lines.add(String.format(Locale.ROOT, "float accuracy        %.2f%%", 100 * r.floatAccuracy()));
    lines.add(String.format(Locale.ROOT, "fixed-point accuracy  %.2f%% (%+.2f points)",
        100 * r.fixedAccuracy(), 100 * (r.fixedAccuracy() - r.floatAccuracy())));
    lines.add(String.format(Locale.ROOT, "same prediction       %.2f%% of samples",
        100 * r.predictionAgreement()));
    lines.add(String.format(Locale.ROOT, "spike agreement       %.4f of (neuron, step); overlap "
            + "%.4f; spikes/sample float %.1f, fixed %.1f", r.spikeAgreement(), r.spikeOverlap(),
        r.floatSpikesPerSample(), r.fixedSpikesPerSample()));
    lines.add(String.format(Locale.ROOT, "per sample            %.0f SOPs, %.0f cycles, %.3g J",
        r.sopsPerSample(), r.cyclesPerSample(), r.joulesPerSample()));
    lines.add(String.format(Locale.ROOT, "saturations %d, FIFO overflows %d, deadline misses %d",
        r.saturations(), r.fifoOverflows(), r.deadlineMisses()));
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("samples", r.samples())
        .put("weightBits", q.weightBits()).put("membraneBits", q.membraneBits())
        .put("outputBits", q.outputBits())
        .put("floatAccuracy", r.floatAccuracy()).put("fixedAccuracy", r.fixedAccuracy())
        .put("predictionAgreement", r.predictionAgreement())
        .put("spikeAgreement", r.spikeAgreement()).put("spikeOverlap", r.spikeOverlap())
        .put("floatSpikesPerSample", r.floatSpikesPerSample())
        .put("fixedSpikesPerSample", r.fixedSpikesPerSample())
        .put("sopsPerSample", r.sopsPerSample()).put("cyclesPerSample", r.cyclesPerSample())
        .put("energyJoulesPerSample", r.joulesPerSample())
        .put("saturations", r.saturations()).put("fifoOverflows", r.fifoOverflows())
        .put("deadlineMisses", r.deadlineMisses()).put("clipped", m.clipped());
    ArrayNode tensors = o.putArray("tensors");
    for (TensorReport t : m.tensors()) {
      tensors.addObject().put("name", t.name()).put("exponent", t.exponent()).put("step", t.step())
          .put("clipped", t.clipped()).put("maxAbsError", t.maxAbsError());
    }
    return new EvaluationReport(r.samples(), lines, o);
  }
}
