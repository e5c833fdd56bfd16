package io.spikeloop.mapper;

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
import io.spikeloop.model.SnnParameters;
import io.spikeloop.target.CostModel;
import io.spikeloop.train.Readout;
import io.spikeloop.train.SampleOutputs;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.IntConsumer;

/**
 * Runs a mapped network on a device beside two float models, sample by sample from a reset
 * device: the chip's float model ({@link TargetMapper#floatModel}, with the mapped weights, so
 * the difference is the chip's rounding and saturation alone) step by step, and spikeloop's own
 * float model with the original parameters (what the host trained). All three predict by the
 * readout the model was trained with (the output at the last step, or summed over the steps).
 */
public final class ChipComparison {
  private ChipComparison() {}

  /**
   * What a comparison measured.
   *
   * @param floatAccuracy          spikeloop's float model, original parameters
   * @param chipModelAccuracy      the chip's float model, mapped parameters
   * @param deviceAccuracy         the device
   * @param predictionAgreement    samples where device and chip model predict the same class
   * @param meanAbsOutputDifference mean over (step, output) of |device - chip model|, float units
   * @param maxAbsOutputDifference largest such difference
   * @param meanAbsOutput          mean |device output|, float units (the scale of the above)
   * @param spikeDisagreement      (neuron, step) pairs where device and chip model differ on
   *                               spiking, over all pairs; NaN where the device shows no hidden
   *                               spikes
   */
  public record Result(int samples, double floatAccuracy, double chipModelAccuracy,
                       double deviceAccuracy, double predictionAgreement,
                       double meanAbsOutputDifference, double maxAbsOutputDifference,
                       double meanAbsOutput, double spikeDisagreement,
                       double deviceSpikesPerSample, double sopsPerSample,
                       double cyclesPerSample, double joulesPerSample) {}

  /**
   * Compares the first {@code limit} samples of {@code data} (all when {@code limit <= 0}); the
   * device is configured with {@code mapping} first.
   */
  public static Result run(TargetMapper mapper, TargetMapping mapping, SnnParameters original,
                           Device device, SpikeDataset data, Readout readout, int limit,
                           IntConsumer progress) {
    if (data.channels() != mapping.model().inputs()) {
      throw new IllegalArgumentException("dataset " + data.name() + " has " + data.channels()
          + " channels but the model has " + mapping.model().inputs() + " inputs");
    }
    int n = limit > 0 ? Math.min(limit, data.size()) : data.size();
    mapping.loadInto(device);
    ChipFloatModel chip = mapper.floatModel(mapping, mapping.floatParameters());
    FloatReference host = new FloatReference(original);
    int outputs = mapping.model().outputs();
    int[] hidden = mapping.network().hiddenLayerSizes();
    double scale = mapping.outputScale();
    long floatCorrect = 0;
    long chipCorrect = 0;
    long deviceCorrect = 0;
    long agree = 0;
    double absDiff = 0;
    double maxDiff = 0;
    double absOut = 0;
    long outputValues = 0;
    long spikeDiffer = 0;
    long spikePairs = 0;
    long deviceSpikes = 0;
    SampleOutputs deviceOutputs = new SampleOutputs(outputs);
    SampleOutputs chipOutputs = new SampleOutputs(outputs);
    SampleOutputs hostOutputs = new SampleOutputs(outputs);
    Telemetry before = device.telemetry();
    for (int s = 0; s < n; s++) {
      SpikeSample sample = data.sample(s);
      List<SpikeFrame> frames = sample.frames(SpikeFrame.NO_LABEL);
      device.reset();
      chip.reset();
      host.reset();
      List<StepResult> results = device.run(frames, ReadoutLevel.SPIKES);
      int[] offsets = sample.offsets();
      deviceOutputs.startSample();
      chipOutputs.startSample();
      hostOutputs.startSample();
      for (int t = 0; t < sample.steps(); t++) {
        chip.step(sample.channels(), offsets[t], offsets[t + 1]);
        host.step(sample.channels(), offsets[t], offsets[t + 1]);
        StepResult r = results.get(t);
        for (int k = 0; k < outputs; k++) {
          double d = r.outputs()[k] / scale;
          deviceOutputs.put(k, d);
          chipOutputs.put(k, chip.output(k));
          hostOutputs.put(k, host.output(k));
          double diff = Math.abs(d - chip.output(k));
          absDiff += diff;
          maxDiff = Math.max(maxDiff, diff);
          absOut += Math.abs(d);
        }
        outputValues += outputs;
        if (r.spikes() != null) {
          for (int l = 0; l < r.spikes().length; l++) {
            int[] ids = r.spikes()[l];
            int common = 0;
            for (int id : ids) {
              common += chip.fired(l, id) ? 1 : 0;
            }
            deviceSpikes += ids.length;
            spikeDiffer += (ids.length - common) + (chip.spikeCount(l) - common);
            spikePairs += hidden[l];
          }
        }
      }
      int devicePrediction = deviceOutputs.predict(readout);
      int chipPrediction = chipOutputs.predict(readout);
      floatCorrect += hostOutputs.predict(readout) == sample.label() ? 1 : 0;
      chipCorrect += chipPrediction == sample.label() ? 1 : 0;
      deviceCorrect += devicePrediction == sample.label() ? 1 : 0;
      agree += devicePrediction == chipPrediction ? 1 : 0;
      progress.accept(s + 1);
    }
    Telemetry spent = device.telemetry().minus(before);
    CostModel cost = device.target().costModel();
    double per = Math.max(1, n);
    double values = Math.max(1, outputValues);
    return new Result(n, floatCorrect / per, chipCorrect / per, deviceCorrect / per,
        agree / per, absDiff / values, maxDiff, absOut / values,
        spikePairs == 0 ? Double.NaN : spikeDiffer / (double) spikePairs,
        deviceSpikes / per, spent.sops() / per, cost.cycles(spent) / per,
        cost.energyJoules(spent) / per);
  }

  /**
   * {@code eval}'s report of a comparison: the mapping (scales, every tensor's exponent, LSB
   * and error, what was lost) and the three accuracies, the device against the chip's float
   * model, and the cost per sample.
   */
  public static EvaluationReport report(TargetMapping mapping, Result r) {
    List<String> lines = new ArrayList<>();
    lines.add(String.format(Locale.ROOT, "mapping onto %s: membrane scale %.4g, output scale %.4g",
        mapping.targetId(), mapping.membraneScale(0), mapping.outputScale()));
    for (MappedTensor t : mapping.tensors()) {
      lines.add(String.format(Locale.ROOT, "  %-8s <- %-12s exponent %d  LSB %.3g  max|w| %.3g  "
              + "max error %.3g  clipped %d of %d", t.name(), t.floatTensor(), t.exponent(),
          t.lsb(), t.maxAbsFloat(), t.maxAbsError(), t.clipped(), t.values().length));
    }
    for (MappingLoss loss : mapping.losses()) {
      lines.add("  lost: " + loss);
    }
    lines.add(String.format(Locale.ROOT, "float accuracy (spikeloop's model)  %.2f%%",
        100 * r.floatAccuracy()));
    lines.add(String.format(Locale.ROOT, "chip float model accuracy          %.2f%%",
        100 * r.chipModelAccuracy()));
    lines.add(String.format(Locale.ROOT, "device accuracy                    %.2f%% (%+.2f points)",
        100 * r.deviceAccuracy(), 100 * (r.deviceAccuracy() - r.floatAccuracy())));
    lines.add(String.format(Locale.ROOT, "device vs chip float model: same prediction %.2f%%, "
            + "mean |output difference| %.4g (mean |output| %.4g, max %.4g), spike "
            + "disagreement %s", 100 * r.predictionAgreement(), r.meanAbsOutputDifference(),
        r.meanAbsOutput(), r.maxAbsOutputDifference(), Double.isNaN(r.spikeDisagreement())
            ? "n/a (not visible)" : String.format(Locale.ROOT, "%.4f", r.spikeDisagreement())));
    lines.add(String.format(Locale.ROOT, "per sample            %.1f hidden spikes, %.0f SOPs, "
            + "%.0f cycles, %.3g J", r.deviceSpikesPerSample(), r.sopsPerSample(),
        r.cyclesPerSample(), r.joulesPerSample()));
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("samples", r.samples()).put("floatAccuracy", r.floatAccuracy())
        .put("chipModelAccuracy", r.chipModelAccuracy())
        .put("fixedAccuracy", r.deviceAccuracy())
        .put("predictionAgreement", r.predictionAgreement())
        .put("meanAbsOutputDifference", r.meanAbsOutputDifference())
        .put("maxAbsOutputDifference", r.maxAbsOutputDifference())
        .put("meanAbsOutput", r.meanAbsOutput())
        .put("spikeDisagreement", Double.isNaN(r.spikeDisagreement()) ? null
            : r.spikeDisagreement())
        .put("fixedSpikesPerSample", r.deviceSpikesPerSample())
        .put("sopsPerSample", r.sopsPerSample()).put("cyclesPerSample", r.cyclesPerSample())
        .put("energyJoulesPerSample", r.joulesPerSample()).put("clipped", mapping.clipped());
    ArrayNode tensors = o.putArray("tensors");
    for (MappedTensor t : mapping.tensors()) {
      tensors.addObject().put("name", t.name()).put("floatTensor", t.floatTensor())
          .put("exponent", t.exponent()).put("step", t.lsb()).put("clipped", t.clipped())
          .put("maxAbsError", t.maxAbsError());
    }
    ArrayNode lost = o.putArray("lost");
    for (MappingLoss loss : mapping.losses()) {
      lost.addObject().put("item", loss.item()).put("kind", loss.kind().name())
          .put("detail", loss.detail());
    }
    return new EvaluationReport(r.samples(), lines, o);
  }
}
