package io.spikeloop.mapper;

import io.spikeloop.data.SpikeDataset;
import io.spikeloop.device.Device;
import io.spikeloop.model.SnnParameters;
import io.spikeloop.train.Readout;
import io.spikeloop.target.TargetNetwork;
import io.spikeloop.target.TargetState;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import java.util.Optional;

/**
 * Maps spikeloop's float model onto one target and back. Stateless; registered in
 * {@code META-INF/services/io.spikeloop.mapper.TargetMapper} and found by {@link #targetId()}.
 */
public interface TargetMapper {
  /** The target this maps onto ({@code Target.id()}). */
  String targetId();

  /**
   * The target network and integer tensors standing for {@code params}.
   *
   * @param limits the device's named limits ({@code DeviceInfo.limits()}); empty for the target's
   *     own maxima
   * @throws MappingRefusedException naming every part of the model that cannot map (before
   *     anything is loaded); what maps with a loss is listed in {@link TargetMapping#losses()}
   */
  TargetMapping map(SnnParameters params, MappingOptions options, Map<String, Long> limits);

  /**
   * The float model of the chip's dynamics for {@code mapping} run with {@code params} (usually
   * {@link TargetMapping#floatParameters()}): what the chip computes, in float units, without its
   * rounding and saturation. Its outputs line up with the device's outputs step by step.
   */
  ChipFloatModel floatModel(TargetMapping mapping, SnnParameters params);

  /**
   * The backward pass a learner beside the chip runs after every device step (hil, near-chip): the
   * tBPTT1 gradient through the chip's float model, fed with the chip's recorded readout.
   *
   * @param outputWeights the learner's float output weights ({@code out.w}, {@code [K][N]}), read
   *     at every step (the learner updates them in place)
   * @throws MappingRefusedException when the network has a shape this backward does not cover
   */
  ChipBackward backward(TargetMapping mapping, double[] outputWeights);

  /**
   * As {@link #backward}, with e-prop's gradient instead of tBPTT1's (hil and near-chip with
   * {@code --mode eprop}): eligibility traces the learner keeps from the chip's readout. The
   * default refuses, naming the target: a target offers it where its readout lines up with the
   * rule (SL-1); a target's own on-chip rule is {@link #onChipLearning}'s.
   *
   * @throws MappingRefusedException for a target without it, or a shape it does not cover
   */
  default ChipBackward epropBackward(TargetMapping mapping, double[] outputWeights) {
    throw new MappingRefusedException(targetId(), List.of("e-prop beside the chip (hil, "
        + "near-chip): target " + targetId() + " offers tBPTT1 there only"));
  }

  /**
   * The target's on-chip learning of {@code mapping} for float hyper-parameters: its
   * {@code learning-config} payloads and what the on-chip placement needs to drive them.
   *
   * @throws MappingRefusedException naming why, for a target without on-chip learning or a
   *     network its learning cannot train
   */
  default OnChipLearningPlan onChipLearning(TargetMapping mapping, LearningOptions options) {
    throw new MappingRefusedException(targetId(), List.of("on-chip learning: target "
        + targetId() + " has none"));
  }

  /**
   * Whether the chip takes weight writes only between samples (ReckOn: its SRAMs change only
   * while it is idle). A learner beside it then updates its masters at every step and writes the
   * tensors that changed after the sample, so the chip runs a sample on the weights it started
   * with.
   */
  default boolean writesWeightsBetweenSamplesOnly() {
    return false;
  }

  /**
   * {@code eval --device}: runs {@code mapping} (already made for {@code device}) on the device
   * beside the float models over the first {@code limit} samples of {@code data} (all when
   * {@code limit <= 0}) and reports the mapping and the results in the target's terms. The
   * default is {@link ChipComparison}: the device against the chip's float model and spikeloop's.
   *
   * @param options  the options {@code mapping} was made with (what the report names)
   * @param params   the float parameters the mapping stands for (spikeloop's float model)
   * @param readout  how every model's class is read (as the model was trained: last step or
   *                 summed over steps)
   * @param progress told the number of samples done after each sample
   */
  default EvaluationReport evaluate(TargetMapping mapping, MappingOptions options,
                                    SnnParameters params, Device device, SpikeDataset data,
                                    Readout readout, int limit, IntConsumer progress) {
    return ChipComparison.report(mapping,
        ChipComparison.run(this, mapping, params, device, data, readout, limit, progress));
  }

  /**
   * What a learner beside the chip ({@code near-chip}) runs on {@code mapping}: per tensor its
   * quantized Adam and the shift to the chip's values, and the codec of its checkpoints. The
   * default is {@link NearChipLearning#uniform} (no checkpoints); a target whose own learning
   * engine the learner should match bit for bit gives its engine's geometry and image (SL-1).
   */
  default NearChipLearning nearChipLearning(TargetMapping mapping, LearningOptions options) {
    return NearChipLearning.uniform(mapping, options);
  }

  /**
   * This target's layout in NIR's {@code /spikeloop/fixed_point} group, where it has one
   * ({@code export --fixed-point}, {@code eval --nir}); empty by default, and
   * {@code export --fixed-point --target} refuses such a target naming why.
   */
  default Optional<NirFixedPointLayout> nirFixedPointLayout() {
    return Optional.empty();
  }

  /**
   * A seeded random network of this target for lock-step runs ({@code diff} without a trained
   * model, the fault soak), sized within every device's limits.
   *
   * @param deviceLimits the named limits of the devices it must fit ({@code DeviceInfo.limits()});
   *     empty: the target's own maxima
   * @throws MappingRefusedException naming each part of {@code spec} this target cannot draw,
   *     or for a target without random networks
   */
  default RandomTargetNetwork randomNetwork(RandomNetworkSpec spec,
                                            List<Map<String, Long>> deviceLimits) {
    throw new MappingRefusedException(targetId(), List.of("random network: target "
        + targetId() + " draws none"));
  }

  /**
   * The learning configuration ({@code learning-config} payload) a lock-step check of two
   * devices enables on an integer network that has no float model (a random network, a mapped
   * run without its training settings: {@code diff --learning}), from named settings ({@code
   * diff}'s option names without {@code --}; empty: the target's defaults).
   *
   * @throws IllegalArgumentException naming each setting the target does not know or a value it
   *     cannot take, or for a target without on-chip learning
   */
  default TargetState lockstepLearning(TargetNetwork network, Map<String, String> settings) {
    throw new IllegalArgumentException("lock-step learning: target " + targetId()
        + " has no on-chip learning");
  }

  /**
   * The target's per-instance calibration without training, where it has one (SL-1: register
   * by register probes of its weights, thresholds and outputs); empty otherwise.
   */
  default Optional<ChipCalibrator> calibrator() {
    return Optional.empty();
  }
}
