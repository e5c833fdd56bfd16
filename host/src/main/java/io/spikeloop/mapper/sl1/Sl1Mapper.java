package io.spikeloop.mapper.sl1;

import io.spikeloop.data.SpikeDataset;
import io.spikeloop.device.Device;
import io.spikeloop.mapper.ChipBackward;
import io.spikeloop.mapper.ChipCalibrator;
import io.spikeloop.mapper.ChipFloatModel;
import io.spikeloop.mapper.EvaluationReport;
import io.spikeloop.mapper.FloatReference;
import io.spikeloop.mapper.LearningOptions;
import io.spikeloop.mapper.MappedTensor;
import io.spikeloop.mapper.MappingLoss;
import io.spikeloop.mapper.MappingOptions;
import io.spikeloop.mapper.MappingRefusedException;
import io.spikeloop.mapper.NearChipLearning;
import io.spikeloop.mapper.NirFixedPointLayout;
import io.spikeloop.mapper.OnChipLearningPlan;
import io.spikeloop.mapper.RandomNetworkSpec;
import io.spikeloop.mapper.RandomTargetNetwork;
import io.spikeloop.mapper.TargetMapper;
import io.spikeloop.mapper.TargetMapping;
import io.spikeloop.model.ParameterTensor;
import io.spikeloop.model.SnnConfig;
import io.spikeloop.model.SnnParameters;
import io.spikeloop.train.Readout;
import io.spikeloop.target.TargetNetwork;
import io.spikeloop.target.TargetState;
import io.spikeloop.target.sl1.FixedPoint;
import io.spikeloop.target.sl1.NetworkConfig;
import io.spikeloop.target.sl1.Sl1Target;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntConsumer;

/**
 * SL-1's mapper: {@link Quantizer} (every option of {@link MappingOptions} applies), so that the
 * integers are those {@code eval} and the placements have always used. With a weight headroom
 * {@code h > 1} the scales are chosen for the parameters times {@code h} and the parameters
 * themselves quantized on them (round to nearest, saturating: what a training placement starts
 * from). The chip's float model is the float model itself ({@link FloatReference}: SL-1 computes
 * spikeloop's equations); its backward is {@link Sl1ReadoutGradient}. With device limits given,
 * the design rules are checked here ({@code DesignRuleViolation} naming the rule), before
 * anything loads.
 */
public final class Sl1Mapper implements TargetMapper {
  @Override
  public String targetId() {
    return Sl1Target.ID;
  }

  @Override
  public TargetMapping map(SnnParameters params, MappingOptions options,
                           Map<String, Long> limits) {
    QuantizationOptions q = quantizationOptions(options);
    MappedNetwork mapped = options.weightHeadroom() == 1 ? Quantizer.map(params, q)
        : withHeadroom(params, q, options.weightHeadroom());
    if (!limits.isEmpty()) {
      new Sl1Target().checkDesignRules(mapped.config(), limits);
    }
    return toMapping(params.config(), mapped);
  }

  /**
   * The quantizer's options for {@code options} (the headroom defaulting to the membrane
   * width's); a value SL-1 cannot honour is refused by name.
   *
   * @throws MappingRefusedException naming the value
   */
  public static QuantizationOptions quantizationOptions(MappingOptions options) {
    try {
      return new QuantizationOptions(options.weightBits(), options.membraneBits(),
          options.outputBits(), options.headroomBits() != null ? options.headroomBits()
              : QuantizationOptions.defaultHeadroom(options.membraneBits()),
          options.clipPercentile());
    } catch (IllegalArgumentException e) {
      throw new MappingRefusedException(Sl1Target.ID, List.of(e.getMessage()));
    }
  }

  /**
   * Scales chosen for {@code headroom} times the parameters (weights grow while learning), the
   * parameters quantized on them: {@code round(v / lsb)} saturated to the tensor's width.
   */
  private static MappedNetwork withHeadroom(SnnParameters init, QuantizationOptions q,
                                            double headroom) {
    SnnParameters scaled = init.copy();
    for (ParameterTensor t : scaled.tensors()) {
      double[] v = t.values();
      for (int i = 0; i < v.length; i++) {
        v[i] *= headroom;
      }
    }
    MappedNetwork shape = Quantizer.map(scaled, q);
    Map<String, int[]> values = new LinkedHashMap<>();
    for (TensorReport r : shape.tensors()) {
      double[] v = init.tensor(r.name()).values();
      int[] out = new int[v.length];
      for (int i = 0; i < v.length; i++) {
        out[i] = (int) FixedPoint.sat((long) Math.rint(v[i] / r.step()), r.bits());
      }
      values.put(r.name(), out);
    }
    return new MappedNetwork(shape.config(), values, shape.tensors(), shape.membraneScale(),
        shape.outputScale());
  }

  /**
   * The generic view of an SL-1 mapping (tensor names are the float model's; clipped tensors
   * are listed as losses).
   */
  public static TargetMapping toMapping(SnnConfig model, MappedNetwork m) {
    List<MappedTensor> tensors = new ArrayList<>();
    List<MappingLoss> losses = new ArrayList<>();
    for (TensorReport r : m.tensors()) {
      tensors.add(new MappedTensor(r.name(), r.name(), r.bits(), r.step(), r.exponent(),
          m.weights().get(r.name()), r.clipped(), r.maxAbsFloat(), r.maxAbsError()));
      if (r.clipped() > 0) {
        losses.add(new MappingLoss(r.name(), MappingLoss.Kind.CLIPPED, String.format(Locale.ROOT,
            "%d of %d values saturated to %d bits", r.clipped(), r.values(), r.bits())));
      }
    }
    return new TargetMapping(model, m.config(), tensors, m.membraneScale(),
        m.outputScale(), losses);
  }

  /** The SL-1 records of a mapping this mapper made; another target's is refused by name. */
  public static MappedNetwork mappedNetwork(TargetMapping mapping) {
    if (!(mapping.network() instanceof NetworkConfig config)) {
      throw new IllegalArgumentException("expected a mapping onto target sl1, got one onto "
          + mapping.targetId());
    }
    Map<String, int[]> weights = new LinkedHashMap<>();
    List<TensorReport> reports = new ArrayList<>();
    for (MappedTensor t : mapping.tensors()) {
      weights.put(t.name(), t.values());
      reports.add(new TensorReport(t.name(), t.lsb(), t.exponent(), t.bits(), t.values().length,
          t.clipped(), t.maxAbsFloat(), t.maxAbsError()));
    }
    return new MappedNetwork(config, weights, reports, mapping.membraneScale(),
        mapping.outputScale());
  }

  @Override
  public ChipFloatModel floatModel(TargetMapping mapping, SnnParameters params) {
    return new FloatReference(params);
  }

  /** SL-1's learning engine: tBPTT1 with quantized Adam ({@link Sl1OnChipLearning}). */
  @Override
  public OnChipLearningPlan onChipLearning(TargetMapping mapping, LearningOptions options) {
    return new Sl1OnChipLearning(mapping, options);
  }

  @Override
  public ChipBackward backward(TargetMapping mapping, double[] outputWeights) {
    return new Sl1ReadoutGradient(mapping, outputWeights);
  }

  /** e-prop beside SL-1: float traces from the membrane and spike readout ({@link Sl1ReadoutEprop}). */
  @Override
  public ChipBackward epropBackward(TargetMapping mapping, double[] outputWeights) {
    return new Sl1ReadoutEprop(mapping, outputWeights);
  }

  /**
   * SL-1's {@code eval}: {@link Evaluation} (the float model and the device side by side, spike
   * agreement per neuron and step, saturations) reported with the mapping in SL-1's terms.
   */
  @Override
  public EvaluationReport evaluate(TargetMapping mapping, MappingOptions options,
                                   SnnParameters params, Device device, SpikeDataset data,
                                   Readout readout, int limit, IntConsumer progress) {
    MappedNetwork mapped = mappedNetwork(mapping);
    return Evaluation.report(Evaluation.run(params, mapped, device, data, readout, limit,
            progress),
        mapped, quantizationOptions(options));
  }

  /** SL-1's learner beside the chip: the engine's geometry, rates and image. */
  @Override
  public NearChipLearning nearChipLearning(TargetMapping mapping, LearningOptions options) {
    return new Sl1NearChipLearning(mapping, options);
  }

  /** SL-1's layout in NIR's fixed-point group, the only one every file so far has. */
  @Override
  public Optional<NirFixedPointLayout> nirFixedPointLayout() {
    return Optional.of(new Sl1NirFixedPointLayout());
  }

  /** SL-1's seeded random network ({@link Sl1LockstepRuns#randomNetwork}). */
  @Override
  public RandomTargetNetwork randomNetwork(RandomNetworkSpec spec,
                                           List<Map<String, Long>> deviceLimits) {
    return Sl1LockstepRuns.randomNetwork(spec, deviceLimits);
  }

  /** The engine's lock-step configuration ({@link Sl1LockstepRuns#lockstepLearning}). */
  @Override
  public TargetState lockstepLearning(TargetNetwork network, Map<String, String> settings) {
    return Sl1LockstepRuns.lockstepLearning(network, settings);
  }

  /** Register-by-register probes of an SL-1 chip ({@link Sl1ChipCalibration}). */
  @Override
  public Optional<ChipCalibrator> calibrator() {
    return Optional.of(Sl1ChipCalibration::measure);
  }
}
