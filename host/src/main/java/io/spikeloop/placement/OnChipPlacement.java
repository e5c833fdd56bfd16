package io.spikeloop.placement;

import io.spikeloop.checkpoint.StateMap;
import io.spikeloop.data.SpikeSample;
import io.spikeloop.device.Capability;
import io.spikeloop.device.Device;
import io.spikeloop.device.OnChipLearning;
import io.spikeloop.device.ReadoutLevel;
import io.spikeloop.device.SpikeFrame;
import io.spikeloop.device.StepResult;
import io.spikeloop.device.UnsupportedCapabilityException;
import io.spikeloop.mapper.OnChipLearningPlan;
import io.spikeloop.mapper.TargetMapper;
import io.spikeloop.mapper.TargetMapping;
import io.spikeloop.mapper.TensorLearning;
import io.spikeloop.target.TargetState;
import io.spikeloop.train.Softmax;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code on-chip}: the host streams input spikes with the label; the chip's own learning rule
 * does the learning (SL-1: tBPTT1 with quantized Adam in its learning engine; ReckOn: e-prop).
 * What the rule is configured with comes from the target's mapper ({@link
 * TargetMapper#onChipLearning}: float hyper-parameters to the target's {@code learning-config}),
 * and the placement handles it only as {@link TargetState} bytes through the device's {@link
 * OnChipLearning} extension. The host reads outputs (for the online prediction and the loss it
 * reports, in float units through the mapping's output scale), telemetry and, for evaluation,
 * the weights.
 *
 * <p>Checkpoints hold the learning-state image's bytes under {@value #LEARNING_ENTRY} and what
 * they are under {@value #LEARNING_TARGET_ENTRY}, {@value #LEARNING_KIND_ENTRY} and
 * {@value #LEARNING_VERSION_ENTRY} (target id, payload kind, format version); a checkpoint
 * written before payloads were named (an SL-1 image alone) is read as the device's own
 * learning-state kind and version, so the image's own format and CRC checks apply.
 */
public final class OnChipPlacement extends DevicePlacement {
  /**
   * Checkpoint entry of the learning-state image's bytes (on-chip; near-chip's SL-1 learner and
   * {@code fault.LearningCheckpoint} write SL-1's image there too).
   */
  public static final String LEARNING_ENTRY = "learning.image";
  /** Checkpoint entries naming the image: target id, payload kind, format version. */
  public static final String LEARNING_TARGET_ENTRY = "learning.image.target";
  public static final String LEARNING_KIND_ENTRY = "learning.image.kind";
  public static final String LEARNING_VERSION_ENTRY = "learning.image.version";

  /** The learning the mapper made; {@link #plan} is it or a tensor selection of it. */
  private final OnChipLearningPlan mapperPlan;
  private OnChipLearningPlan plan;
  private final OnChipLearning learning;
  /** The configuration enabled last. */
  private TargetState enabledConfig;
  /**
   * The learning state right after enabling (null without {@link Capability#LEARNING_STATE}):
   * what a restored state must fit. Read now, since a restarted remote device cannot be asked
   * later (it refuses until the state is restored).
   */
  private TargetState enabledLayout;

  /** Drives the on-chip learning {@code mapper} makes for {@code mapping} from the settings. */
  public OnChipPlacement(Device device, TargetMapping mapping, TargetMapper mapper,
                         PlacementSettings settings) {
    super(device, mapping, settings, Capability.ON_CHIP_LEARNING);
    mapperPlan = mapper.onChipLearning(mapping, settings.learningOptions());
    plan = mapperPlan;
    learning = device.extension(OnChipLearning.class).orElseThrow(() ->
        new UnsupportedCapabilityException(device.info().name(), Capability.ON_CHIP_LEARNING,
            "on-chip placement"));
    enable(plan.config(0));
    enabledLayout = readLayout();
  }

  @Override
  public String name() {
    return "on-chip";
  }

  /** The learning configuration enabled last (the target's {@code learning-config} payload). */
  public TargetState learning() {
    return enabledConfig;
  }

  /** The target's on-chip learning this placement drives. */
  public OnChipLearningPlan plan() {
    return plan;
  }

  @Override
  public String notCheckpointable() {
    return plan.notCheckpointable();
  }

  private void requireCheckpointable() {
    String why = plan.notCheckpointable();
    if (why != null) {
      throw new IllegalStateException(why);
    }
  }

  private void enable(TargetState config) {
    learning.enable(config);
    enabledConfig = config;
  }

  @Override
  protected double trainSample(SpikeSample sample, int[] prediction) {
    TargetState config = plan.config(trainedSamples());
    if (plan.reconfiguresEverySample() || !config.equals(enabledConfig)) {
      enable(config);
    }
    List<SpikeFrame> frames = sample.frames(sample.label());
    int unlabelled = Math.min(plan.firstLabelledStep(), frames.size());
    if (unlabelled > 0) {
      frames = new ArrayList<>(frames);
      for (int t = 0; t < unlabelled; t++) {
        frames.set(t, new SpikeFrame(sample.spikesAt(t)));
      }
    }
    List<StepResult> results = device.run(frames, ReadoutLevel.OUTPUTS);
    double loss = 0;
    long[] total = new long[results.get(0).outputs().length];
    for (StepResult r : results) {
      loss += Softmax.crossEntropy(floatOutputs(r.outputs()), sample.label());
      addOutputs(total, r.outputs());
    }
    prediction[0] = results.get(results.size() - 1).argmaxOutput();
    prediction[1] = argmax(total);
    if (plan.reconfiguresEverySample()) {
      device.reset(); // end the sample: what a checkpoint after it needs is weights and learning
    }
    return loss / results.size();
  }

  @Override
  protected boolean samplesStartAfresh() {
    return plan.reconfiguresEverySample();
  }

  @Override
  protected String[] checkpointNeeds() {
    return plan.reconfiguresEverySample()
        ? new String[] {Capability.WEIGHT_READBACK, Capability.LEARNING_STATE}
        : new String[] {Capability.WEIGHT_READBACK, Capability.SNAPSHOT,
            Capability.LEARNING_STATE};
  }

  /** The learning state, read from the device: its bytes and what they are. */
  @Override
  protected void saveLearner(StateMap s) {
    requireCheckpointable();
    TargetState state = learning.state();
    s.putBytes(LEARNING_ENTRY, state.bytes());
    s.putText(LEARNING_TARGET_ENTRY, state.targetId());
    s.putText(LEARNING_KIND_ENTRY, state.kind());
    s.putLong(LEARNING_VERSION_ENTRY, state.formatVersion());
  }

  /**
   * Checks the saved state against the learning now enabled (same target, kind, network,
   * configuration and tensors); applying it re-enables learning on the restored weights and
   * restores the state.
   */
  @Override
  protected Runnable prepareLearner(StateMap s) {
    requireCheckpointable();
    TargetState saved = savedLearningState(s);
    if (!saved.targetId().equals(mapping.targetId())
        || !saved.kind().equals(TargetState.KIND_LEARNING_STATE)) {
      throw new IllegalArgumentException("the checkpoint's learning state is a "
          + saved.targetId() + " " + saved.kind() + "; this run learns on target "
          + mapping.targetId());
    }
    plan.checkRestorable(saved, enabledLayout);
    TargetState config = plan.config(s.getLong(SAMPLES_ENTRY));
    return () -> {
      enable(config);
      learning.restore(saved);
    };
  }

  private TargetState savedLearningState(StateMap s) {
    byte[] image = s.bytes(LEARNING_ENTRY, -1);
    if (s.has(LEARNING_TARGET_ENTRY)) {
      long version = s.getLong(LEARNING_VERSION_ENTRY);
      if (version < 1 || version > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(LEARNING_VERSION_ENTRY + " is " + version);
      }
      return new TargetState(s.text(LEARNING_TARGET_ENTRY), s.text(LEARNING_KIND_ENTRY),
          (int) version, image);
    }
    if (enabledLayout == null) {
      throw new IllegalArgumentException("the checkpoint's learning image does not name its "
          + "target, and device " + device.info().name() + " hands out no learning state to "
          + "read it as");
    }
    // written before payloads were named: an image of the device's own learning-state format
    return new TargetState(enabledLayout.targetId(), enabledLayout.kind(),
        enabledLayout.formatVersion(), image);
  }

  @Override
  public double optimizerStateBytesPerParameter() {
    return plan.stateBytesPerParameter();
  }

  @Override
  public String memoryReport() {
    return "on-chip learning memory (on the core): " + plan.memoryReport()
        + (enabledLayout == null ? "" : "; learning-state image " + enabledLayout.bytes().length
        + " B per checkpoint");
  }

  /** The network on the device, as the target's mapper made it. */
  public TargetMapping mapping() {
    return mapping;
  }

  /**
   * From the next sample on, only the tensors {@code tensors} lists learn, at the mapper's rates
   * divided as it says ({@link OnChipLearningPlan#withTensors} of the plan the mapper made); the
   * new configuration is enabled now, which restarts the chip's learning state. Checkpoints do
   * not record the selection: a placement restoring one learns the mapper's plan (SL-1 refuses
   * a state saved under a selection, naming the configuration field that differs).
   *
   * @throws MappingRefusedException naming what the target's learning cannot express
   */
  public void learnTensors(TensorLearning tensors) {
    plan = mapperPlan.withTensors(tensors);
    enable(plan.config(trainedSamples()));
    enabledLayout = readLayout();
  }

  /** The learning state right after enabling, when the device hands one out and it is kept. */
  private TargetState readLayout() {
    return device.info().has(Capability.LEARNING_STATE) && plan.notCheckpointable() == null
        ? learning.state() : null;
  }
}
