package io.spikeloop.placement;

import io.spikeloop.checkpoint.DeviceSnapshot;
import io.spikeloop.checkpoint.StateMap;
import io.spikeloop.data.SpikeSample;
import io.spikeloop.device.Capability;
import io.spikeloop.device.Device;
import io.spikeloop.device.ReadoutLevel;
import io.spikeloop.device.SpikeFrame;
import io.spikeloop.device.StepResult;
import io.spikeloop.device.Telemetry;
import io.spikeloop.device.UnsupportedCapabilityException;
import io.spikeloop.device.WeightTensor;
import io.spikeloop.mapper.TargetMapping;
import io.spikeloop.model.SnnParameters;
import io.spikeloop.target.CostModel;
import io.spikeloop.wire.WireMapping;
import java.util.List;

/**
 * What the device placements share: the mapped network loaded onto the device, inference on the
 * device in fixed point (outputs converted to float units), the float parameters the device's
 * weights stand for, and the training cost read from telemetry. Samples train one at a time.
 */
abstract class DevicePlacement implements Placement {
  protected final Device device;
  /** The network on the device, as its target's mapper made it. */
  protected final TargetMapping mapping;
  protected final PlacementSettings settings;
  /** Telemetry spent training, summed over samples (cost comes from the target's cost model). */
  private Telemetry trainTelemetry = Telemetry.ZERO;
  private long trainedSamples;

  DevicePlacement(Device device, TargetMapping mapping, PlacementSettings settings,
                  String... needs) {
    for (String c : needs) {
      if (!device.info().has(c)) {
        throw new UnsupportedCapabilityException(device.info().name(), c, name() + " placement");
      }
    }
    this.device = device;
    this.mapping = mapping;
    this.settings = settings;
    mapping.loadInto(device);
  }

  /**
   * Trains one sample from a reset device; returns its mean per-step loss and stores the class
   * predicted from the last step's output in {@code prediction[0]} and from the output summed
   * over the steps in {@code prediction[1]}.
   */
  protected abstract double trainSample(SpikeSample sample, int[] prediction);

  /** Adds one step's integer outputs to a running sum (the summed readout). */
  protected static void addOutputs(long[] total, int[] outputs) {
    for (int k = 0; k < total.length; k++) {
      total[k] += outputs[k];
    }
  }

  /** Index of the largest sum (the first on ties, as {@code StepResult.argmaxOutput}). */
  protected static int argmax(long[] total) {
    int best = 0;
    for (int k = 1; k < total.length; k++) {
      if (total[k] > total[best]) {
        best = k;
      }
    }
    return best;
  }

  @Override
  public final BatchResult train(List<SpikeSample> batch) {
    int[] predictions = new int[batch.size()];
    int[] summedPredictions = new int[batch.size()];
    double loss = 0;
    int[] prediction = new int[2];
    for (int b = 0; b < batch.size(); b++) {
      device.reset();
      Telemetry before = device.telemetry();
      loss += trainSample(batch.get(b), prediction);
      predictions[b] = prediction[0];
      summedPredictions[b] = prediction[1];
      Telemetry spent = device.telemetry().minus(before);
      trainTelemetry = trainTelemetry.plus(spent);
      trainedSamples++;
    }
    return new BatchResult(loss / batch.size(), predictions, summedPredictions);
  }

  /** Samples trained so far (restored from a checkpoint). */
  protected final long trainedSamples() {
    return trainedSamples;
  }

  /**
   * Whether every sample starts from a chip this placement reconfigures, so that a checkpoint
   * between samples does not need the chip's dynamic state: it is taken with the sample ended
   * and resumed without {@link Device#restore} (a chip that cannot load its state back, such as
   * ReckOn, then checkpoints too). False by default: the dynamic state is saved and restored.
   */
  protected boolean samplesStartAfresh() {
    return false;
  }

  @Override
  public LearningCost learningCost() {
    if (trainedSamples == 0) {
      return LearningCost.NONE;
    }
    double n = trainedSamples;
    CostModel cost = device.target().costModel();
    return new LearningCost(trainedSamples, cost.cycles(trainTelemetry) / n,
        cost.energyJoules(trainTelemetry) / n, cost.learningCycles(trainTelemetry) / n,
        cost.learningJoules(trainTelemetry) / n, trainTelemetry.learningUpdates() / n);
  }



  /** Outputs in float units. */
  double[] floatOutputs(int[] o) {
    double[] out = new double[o.length];
    double s = mapping.outputScale();
    for (int k = 0; k < o.length; k++) {
      out[k] = o[k] / s;
    }
    return out;
  }

  @Override
  public Inference infer(List<SpikeSample> batch) {
    int n = batch.size();
    double[][] last = new double[n][];
    double[][] summed = new double[n][];
    long[] spikes = new long[n];
    long[] sops = new long[n];
    for (int b = 0; b < n; b++) {
      device.reset();
      List<StepResult> results = device.run(batch.get(b).frames(SpikeFrame.NO_LABEL),
          ReadoutLevel.SPIKES);
      double[] sum = new double[mapping.model().outputs()];
      for (StepResult r : results) {
        double[] o = floatOutputs(r.outputs());
        for (int k = 0; k < o.length; k++) {
          sum[k] += o[k];
        }
        if (r.spikes() != null) { // a board whose hidden spikes never reach its pins
          for (int[] layer : r.spikes()) {
            spikes[b] += layer.length;
          }
        }
        sops[b] += r.sops();
      }
      last[b] = floatOutputs(results.get(results.size() - 1).outputs());
      summed[b] = sum;
    }
    return new Inference(last, summed, spikes, sops);
  }

  @Override
  public SnnParameters parameters() {
    return mapping.floatParameters(device);
  }

  /** Checkpoint entry naming the placement that wrote it. */
  static final String PLACEMENT_ENTRY = "placement";
  /** Checkpoint entry of the training telemetry (a {@code spikeloop.v1.Telemetry} message). */
  static final String COST_ENTRY = "placement.cost.telemetry";
  /** Checkpoint entry of the number of samples trained. */
  static final String SAMPLES_ENTRY = "placement.cost.samples";

  /**
   * The run's state for a checkpoint: the device's weights, dynamic state and telemetry
   * ({@link DeviceSnapshot}, under {@code device.*}), the training-cost accumulators and the
   * learner's state ({@link #saveLearner}).
   */
  @Override
  public final StateMap saveState() {
    requireCheckpoints();
    if (samplesStartAfresh()) {
      device.reset(); // the next sample starts from a reconfigured chip anyway
    }
    StateMap s = new StateMap().putText(PLACEMENT_ENTRY, name());
    s.putAll(DeviceSnapshot.of(device).save());
    s.putBytes(COST_ENTRY, WireMapping.toProto(trainTelemetry).toByteArray());
    s.putLong(SAMPLES_ENTRY, trainedSamples);
    saveLearner(s);
    return s;
  }

  /**
   * Brings the device and the learner to where {@link #saveState} was taken: every entry is
   * read and checked first (placement, network shape, learner state), so a checkpoint of another
   * run changes nothing; then the device is configured afresh, its weights written, the learner
   * restored (on-chip: learning enabled and its state restored), the dynamic state restored
   * (unless {@link #samplesStartAfresh}: the next sample reconfigures the chip).
   */
  @Override
  public final void restoreState(StateMap s) {
    requireCheckpoints();
    String writer = s.text(PLACEMENT_ENTRY);
    if (!writer.equals(name())) {
      throw new IllegalArgumentException("the checkpoint was written by placement " + writer
          + "; this run uses " + name());
    }
    DeviceSnapshot snapshot = DeviceSnapshot.load(s, mapping.network());
    Telemetry trained = readTelemetry(s);
    long samples = s.getLong(SAMPLES_ENTRY);
    Runnable learner = prepareLearner(s);
    device.configure(mapping.network());
    for (WeightTensor t : mapping.network().tensors()) {
      device.writeWeights(t.name(), snapshot.weights().get(t.name()));
    }
    learner.run();
    if (!samplesStartAfresh()) {
      device.restore(snapshot.state());
    }
    trainTelemetry = trained;
    trainedSamples = samples;
  }

  private static Telemetry readTelemetry(StateMap s) {
    try {
      return WireMapping.fromProto(
          io.spikeloop.wire.v1.Telemetry.parseFrom(s.bytes(COST_ENTRY)));
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new IllegalArgumentException(COST_ENTRY + " is not a telemetry message: "
          + e.getMessage(), e);
    }
  }

  /** Capabilities a checkpoint of this placement needs from the device. */
  protected String[] checkpointNeeds() {
    return new String[] {Capability.WEIGHT_READBACK, Capability.SNAPSHOT};
  }

  private void requireCheckpoints() {
    for (String c : checkpointNeeds()) {
      if (!device.info().has(c)) {
        throw new UnsupportedCapabilityException(device.info().name(), c, name()
            + " placement checkpoints");
      }
    }
  }

  /** Adds the learner's state (masters, optimizer state) to a checkpoint. */
  protected abstract void saveLearner(StateMap s);

  /**
   * Reads and checks the learner's state from {@code s} without changing anything; returns the
   * step that applies it, run after the device's weights are restored.
   */
  protected abstract Runnable prepareLearner(StateMap s);

  @Override
  public void close() {
    // The caller owns the device and closes it.
  }
}
