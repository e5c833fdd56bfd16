package io.spikeloop.diff;

import io.spikeloop.data.SpikeDataset;
import io.spikeloop.data.SpikeSample;
import io.spikeloop.device.Capability;
import io.spikeloop.device.Device;
import io.spikeloop.device.ReadoutLevel;
import io.spikeloop.device.SpikeFrame;
import io.spikeloop.device.StepResult;
import io.spikeloop.device.UnsupportedCapabilityException;
import io.spikeloop.device.WeightTensor;
import io.spikeloop.device.OnChipLearning;
import io.spikeloop.target.StateDifference;
import io.spikeloop.target.TargetLearning;
import io.spikeloop.target.TargetNetwork;
import io.spikeloop.target.TargetState;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Two devices learning on chip side by side: the same network, weights and inputs, frames
 * labelled with their sample's class, both learning engines on (through {@link OnChipLearning}
 * with the target's {@code learning-config} payloads, so any target that learns on chip). After
 * every checked step these are compared by 64-bit hash, in causal order: the step's readout, the
 * core weights of every tensor, the learning-state image, and the device state where the
 * target's learning reads it ({@link TargetLearning#learnsFromDeviceState()}: e-prop's
 * eligibility traces, which the next step's learning pass reads). The first mismatch is located: a readout
 * difference as in {@link LockstepDiff}, a weight by tensor and index, a device-state or
 * learning-state difference by the target's {@link TargetLearning} (tensor, variable, index).
 * The states are also compared once before the first step (step -1), which catches a different
 * configuration or seed where the target's learning state holds them.
 *
 * <p>Each step is one call per device plus the readbacks (every tensor and the learning-state
 * image), so this mode suits the small networks an engine check needs; {@link
 * Options#checkEvery} spaces the readbacks out for long runs (the readout is still compared on
 * every step).
 */
public final class LearningLockstep {
  private LearningLockstep() {}

  /** Which part of the devices a {@link StateDivergence} is in. */
  public enum Part {
    /** A core weight read back with {@link Device#readWeights}. */
    WEIGHT,
    /** The learning-state image ({@link OnChipLearning#state()}). */
    LEARNING_STATE,
    /** The dynamic state the learning reads ({@link Device#state()}). */
    DEVICE_STATE
  }

  /**
   * Where learning first differs in the device state, the weights or the learning state.
   *
   * @param step       global step after which the states differ; -1 before the first step
   * @param sample     sample being fed (-1 before the first step)
   * @param sampleStep step within it
   * @param part       weights, learning state or device state
   * @param tensor     the tensor ({@code null} for a header field or a value of no tensor)
   * @param variable   {@code w} (core weight), a learning-state field (SL-1: masters, mCodes,
   *                   mScales, rCodes, rScales, step, beta1Pow, beta2Pow, rng, or a configuration
   *                   field such as lrQ16, stateBits; ReckOn: w, rows, columns) or a device-state
   *                   variable (ReckOn: u, o, traceIn, traceRec, traceOut)
   * @param index      element (array index; code arrays index bytes), -1 for scalar fields
   * @param a          value on device a
   * @param b          value on device b
   */
  public record StateDivergence(long step, int sample, int sampleStep, Part part, String tensor,
                                String variable, int index, long a, long b) {
    public String describe() {
      String when = step < 0 ? "before the first step" : "after step " + step + " (sample "
          + sample + ", step " + sampleStep + ")";
      String element = (tensor == null ? "" : "tensor " + tensor + " ") + variable
          + (index >= 0 ? "[" + index + "]" : "");
      String what = switch (part) {
        case WEIGHT -> "core weight " + tensor + "[" + index + "]";
        case LEARNING_STATE -> "learning state " + element;
        case DEVICE_STATE -> "device state " + element;
      };
      return when + ": " + what + ": a=" + a + ", b=" + b;
    }
  }

  /**
   * What a learning run found.
   *
   * @param steps         steps compared
   * @param level         readout compared
   * @param readout       the first readout difference (forward pass), or null
   * @param state         the first device-state, weight or learning-state difference, or null
   * @param hashA         running hash over device a's readouts, states, weights and learning
   *                      states
   * @param hashB         the same for device b
   * @param updates       the learning updates device a's telemetry counts (SL-1: parameter
   *                      updates; ReckOn: ticks with e-prop)
   * @param weightChanges weights of device a that changed from one checked step to the next,
   *                      summed over the run (a run that learns nothing proves little)
   * @param checks        times the states were read back and compared (the step -1 check
   *                      included)
   * @param seconds       wall-clock time
   */
  public record Report(long steps, ReadoutLevel level, Divergence readout, StateDivergence state,
                       long hashA, long hashB, long updates, long weightChanges, long checks,
                       double seconds) {
    public boolean agreed() {
      return readout == null && state == null;
    }
  }

  /**
   * How a run feeds labels and reads states back.
   *
   * @param labelFrom     the first step of each sample whose frame carries the sample's label
   *                      (0: every step learns, as SL-1's engine can; a ReckOn chip loses a
   *                      label sent before the first tick of a sample, so 1 or later there)
   * @param foldLabels    a dataset with more classes than the network has outputs is folded
   *                      onto them (label {@code c} becomes {@code c mod outputs}, as channels
   *                      are folded onto inputs); false: such a dataset is refused
   * @param checkEvery    the states are read back and compared after every this many steps
   *                      (and after the last); 1 locates a difference at its step
   * @param progressEvery steps between two calls of the progress listener (0: never)
   */
  public record Options(int labelFrom, boolean foldLabels, int checkEvery, long progressEvery) {
    /** SL-1's learning diff: every step labelled, classes must fit, states after every step. */
    public static final Options EVERY_STEP = new Options(0, false, 1, 0);

    public Options {
      if (labelFrom < 0) {
        throw new IllegalArgumentException("labelFrom must be >= 0, got " + labelFrom);
      }
      if (checkEvery < 1) {
        throw new IllegalArgumentException("checkEvery must be >= 1, got " + checkEvery);
      }
      if (progressEvery < 0) {
        throw new IllegalArgumentException("progressEvery must be >= 0, got " + progressEvery);
      }
    }
  }

  /** Hears how far an agreeing run has got (for long runs that may be stopped). */
  @FunctionalInterface
  public interface Progress {
    void agreed(long steps, long weightChanges, double seconds);
  }

  /**
   * Loads {@code network} and {@code weights} into both devices (of one target), enables their
   * on-chip learning with the target's {@code learning-config} payloads {@code learningA} and
   * {@code learningB} and compares {@code steps} steps of {@code data} as {@code options} say.
   *
   * @param progress told every {@link Options#progressEvery} agreeing steps; may be null
   */
  public static Report run(Device a, Device b, TargetNetwork network, Map<String, int[]> weights,
                           TargetState learningA, TargetState learningB, SpikeDataset data,
                           long steps, Options options, Progress progress) {
    if (steps < 1) {
      throw new IllegalArgumentException("steps must be >= 1, got " + steps);
    }
    if (data.size() == 0) {
      throw new IllegalArgumentException("dataset " + data.name() + " has no samples");
    }
    if (!a.info().target().equals(b.info().target())) {
      throw new IllegalArgumentException("diff --learning compares two devices of one target; "
          + a.info().name() + " is " + a.info().target() + ", " + b.info().name() + " is "
          + b.info().target());
    }
    for (Device d : List.of(a, b)) {
      for (String c : List.of(Capability.ON_CHIP_LEARNING, Capability.LEARNING_STATE,
          Capability.WEIGHT_READBACK)) {
        if (!d.info().has(c)) {
          throw new UnsupportedCapabilityException(d.info().name(), c, "diff --learning");
        }
      }
    }
    TargetLearning learning = a.target().onChipLearning().orElseThrow(() ->
        new IllegalArgumentException("target " + a.info().target() + " has no on-chip learning"));
    if (!options.foldLabels() && data.classes() > network.outputs()) {
      throw new IllegalArgumentException("dataset " + data.name() + " has " + data.classes()
          + " classes, the network " + network.outputs() + " outputs");
    }
    LockstepDiff.load(a, network, weights);
    LockstepDiff.load(b, network, weights);
    learning(a).enable(learningA);
    learning(b).enable(learningB);
    boolean deviceState = learning.learnsFromDeviceState();
    // Where the device state is compared it carries the membranes: no second readback for FULL.
    ReadoutLevel level = !deviceState && a.info().has(Capability.MEMBRANE_READOUT)
        && b.info().has(Capability.MEMBRANE_READOUT) ? ReadoutLevel.FULL : ReadoutLevel.SPIKES;
    Comparison states = new Comparison(a, b, learning, deviceState,
        network.tensors().stream().map(WeightTensor::name).toArray(String[]::new));
    long start = System.nanoTime();
    long[] hash = new long[2];
    StateDivergence initial = states.compare(hash, -1, -1, -1);
    if (initial != null) {
      return report(0, level, null, initial, hash, a, states, start);
    }
    int inputs = network.inputs();
    int outputs = network.outputs();
    long done = 0;
    int sample = 0;
    int sampleStep = 0;
    while (done < steps) {
      SpikeSample s = data.sample(sample % data.size());
      if (sampleStep == 0) {
        a.reset();
        b.reset();
      }
      int[] ids = s.spikesAt(sampleStep);
      int label = sampleStep < options.labelFrom() ? SpikeFrame.NO_LABEL
          : options.foldLabels() ? s.label() % outputs : s.label();
      SpikeFrame frame = data.channels() <= inputs ? new SpikeFrame(ids, label)
          : SpikeFrame.ofUnsorted(LockstepDiff.fold(ids, inputs), label);
      StepResult ra = a.step(frame, level);
      StepResult rb = b.step(frame, level);
      // Hidden spikes, and the SOPs they cause, only where both devices see them (a ReckOn
      // board's hidden spikes never reach its pins).
      if ((ra.spikes() == null) != (rb.spikes() == null)) {
        ra = LockstepDiff.withoutSpikes(List.of(ra)).get(0);
        rb = LockstepDiff.withoutSpikes(List.of(rb)).get(0);
      }
      long ha = StepHash.of(ra);
      long hb = StepHash.of(rb);
      hash[0] = StepHash.chain(hash[0], ha);
      hash[1] = StepHash.chain(hash[1], hb);
      if (ha != hb) {
        return report(done + 1, level, LockstepDiff.locate(ra, rb, done, sample, sampleStep),
            null, hash, a, states, start);
      }
      if ((done + 1) % options.checkEvery() == 0 || done + 1 == steps) {
        StateDivergence d = states.compare(hash, done, sample, sampleStep);
        if (d != null) {
          return report(done + 1, level, null, d, hash, a, states, start);
        }
      }
      done++;
      if (progress != null && options.progressEvery() > 0 && done % options.progressEvery() == 0) {
        progress.agreed(done, states.weightChanges, LockstepDiff.seconds(start));
      }
      if (++sampleStep == s.steps()) {
        sampleStep = 0;
        sample++;
      }
    }
    return report(done, level, null, null, hash, a, states, start);
  }

  private static OnChipLearning learning(Device d) {
    return OnChipLearning.of(d, "diff --learning");
  }

  private static Report report(long steps, ReadoutLevel level, Divergence readout,
                               StateDivergence state, long[] hash, Device a, Comparison states,
                               long start) {
    return new Report(steps, level, readout, state, hash[0], hash[1],
        a.telemetry().learningUpdates(), states.weightChanges, states.checks,
        LockstepDiff.seconds(start));
  }

  /** Reads back and compares what learning changes; counts the weights that moved on a. */
  private static final class Comparison {
    private final Device a;
    private final Device b;
    private final TargetLearning learning;
    private final boolean deviceState;
    private final String[] tensors;
    private int[][] previousA;
    long weightChanges;
    long checks;

    Comparison(Device a, Device b, TargetLearning learning, boolean deviceState,
               String[] tensors) {
      this.a = a;
      this.b = b;
      this.learning = learning;
      this.deviceState = deviceState;
      this.tensors = tensors;
    }

    /** Core weights, the learning state, then the device state; chains every hash into {@code hash}. */
    StateDivergence compare(long[] hash, long step, int sample, int sampleStep) {
      checks++;
      int[][] wa = new int[tensors.length][];
      int[][] wb = new int[tensors.length][];
      for (int t = 0; t < tensors.length; t++) {
        wa[t] = a.readWeights(tensors[t]);
        wb[t] = b.readWeights(tensors[t]);
      }
      if (previousA != null) {
        for (int t = 0; t < tensors.length; t++) {
          for (int i = 0; i < wa[t].length; i++) {
            if (wa[t][i] != previousA[t][i]) {
              weightChanges++;
            }
          }
        }
      }
      previousA = wa;
      long ha = StepHash.of(wa);
      long hb = StepHash.of(wb);
      TargetState sa = learning(a).state();
      TargetState sb = learning(b).state();
      learning.checkState(sa);
      learning.checkState(sb);
      long la = StepHash.ofPayload(sa.bytes());
      long lb = StepHash.ofPayload(sb.bytes());
      hash[0] = StepHash.chain(StepHash.chain(hash[0], ha), la);
      hash[1] = StepHash.chain(StepHash.chain(hash[1], hb), lb);
      if (ha != hb) {
        for (int t = 0; t < tensors.length; t++) {
          int i = Arrays.mismatch(wa[t], wb[t]);
          if (i >= 0) {
            return new StateDivergence(step, sample, sampleStep, Part.WEIGHT, tensors[t], "w", i,
                wa[t][i], wb[t][i]);
          }
        }
      }
      if (la != lb) {
        StateDifference d = learning.firstDifference(sa, sb);
        if (d != null) {
          return divergence(Part.LEARNING_STATE, d, step, sample, sampleStep);
        }
      }
      // Last: within a step the learning pass reads the state the previous step left (compared
      // then) and moves weights before the step's inputs change the state again.
      if (deviceState) {
        TargetState da = a.state();
        TargetState db = b.state();
        hash[0] = StepHash.chain(hash[0], StepHash.ofPayload(da.bytes()));
        hash[1] = StepHash.chain(hash[1], StepHash.ofPayload(db.bytes()));
        if (!Arrays.equals(da.bytes(), db.bytes())) {
          StateDifference d = learning.firstDeviceStateDifference(da, db);
          if (d != null) {
            return divergence(Part.DEVICE_STATE, d, step, sample, sampleStep);
          }
        }
      }
      return null;
    }

    private static StateDivergence divergence(Part part, StateDifference d, long step, int sample,
                                              int sampleStep) {
      return new StateDivergence(step, sample, sampleStep, part, d.tensor(), d.variable(),
          d.index(), d.a(), d.b());
    }
  }
}
