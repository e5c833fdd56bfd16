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
import io.spikeloop.target.sl1.LayerConfig;
import io.spikeloop.target.sl1.LearningConfig;
import io.spikeloop.target.sl1.LearningState;
import io.spikeloop.target.sl1.NetworkConfig;
import io.spikeloop.target.sl1.Sl1Device;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Two devices learning on chip side by side: the same network, weights and inputs, each frame
 * labelled with its sample's class, both learning engines on. After every step three things are
 * compared by 64-bit hash, in causal order: the step's readout, the core weights of every tensor,
 * and the learning state (quantized Adam codes, scales, counters, RNG, masters:
 * {@link LearningState}). The first mismatch is located: a readout difference as in
 * {@link LockstepDiff}, a weight by tensor and index, a learning-state difference by
 * {@link LearningState#firstDifference} (tensor, variable, index). The states are also compared
 * once before the first step (step -1), which catches a different configuration or seed.
 *
 * <p>Each step is one call per device plus the readbacks (every tensor and the learning-state
 * image), so this mode suits the small networks an engine check needs, not long runs.
 */
public final class LearningLockstep {
  private LearningLockstep() {}

  /**
   * Where learning first differs in weights or learning state.
   *
   * @param step       global step after which the states differ; -1 before the first step
   * @param sample     sample being fed (-1 before the first step)
   * @param sampleStep step within it
   * @param tensor     the tensor ({@code null} for a learning-state header field)
   * @param variable   {@code w} (core weight) or a {@link LearningState} field: masters, mCodes,
   *                   mScales, rCodes, rScales, step, beta1Pow, beta2Pow, rng, or a
   *                   configuration field (lrQ16, stateBits, ...)
   * @param index      element (array index; code arrays index bytes), -1 for scalar fields
   * @param a          value on device a
   * @param b          value on device b
   */
  public record StateDivergence(long step, int sample, int sampleStep, String tensor,
                                String variable, int index, long a, long b) {
    public String describe() {
      String when = step < 0 ? "before the first step" : "after step " + step + " (sample "
          + sample + ", step " + sampleStep + ")";
      String what = variable.equals("w") ? "core weight " + tensor + "[" + index + "]"
          : "learning state " + (tensor == null ? "" : "tensor " + tensor + " ") + variable
              + (index >= 0 ? "[" + index + "]" : "");
      return when + ": " + what + ": a=" + a + ", b=" + b;
    }
  }

  /**
   * What a learning run found.
   *
   * @param steps      steps compared
   * @param level      readout compared
   * @param readout    the first readout difference (forward pass), or null
   * @param state      the first weight or learning-state difference, or null
   * @param hashA      running hash over device a's readouts, weights and learning states
   * @param hashB      the same for device b
   * @param updates    parameter updates device a's engine made (a run that learns nothing
   *                   proves little)
   * @param seconds    wall-clock time
   */
  public record Report(long steps, ReadoutLevel level, Divergence readout, StateDivergence state,
                       long hashA, long hashB, long updates, double seconds) {
    public boolean agreed() {
      return readout == null && state == null;
    }
  }

  /**
   * Loads {@code network} and {@code weights} into both devices, enables learning with
   * {@code learningA} and {@code learningB} (normally equal; differing on purpose shows what
   * the diff reports) and compares {@code steps} labelled steps of {@code data}.
   */
  public static Report run(Device a, Device b, NetworkConfig network, Map<String, int[]> weights,
                           LearningConfig learningA, LearningConfig learningB, SpikeDataset data,
                           long steps) {
    if (steps < 1) {
      throw new IllegalArgumentException("steps must be >= 1, got " + steps);
    }
    if (data.size() == 0) {
      throw new IllegalArgumentException("dataset " + data.name() + " has no samples");
    }
    for (Device d : List.of(a, b)) {
      for (String c : List.of(Capability.ON_CHIP_LEARNING, Capability.LEARNING_STATE,
          Capability.WEIGHT_READBACK)) {
        if (!d.info().has(c)) {
          throw new UnsupportedCapabilityException(d.info().name(), c, "diff --learning");
        }
      }
    }
    if (data.classes() > network.output().size()) {
      throw new IllegalArgumentException("dataset " + data.name() + " has " + data.classes()
          + " classes, the network " + network.output().size() + " outputs");
    }
    LockstepDiff.load(a, network, weights);
    LockstepDiff.load(b, network, weights);
    Sl1Device.enableLearning(a, learningA);
    Sl1Device.enableLearning(b, learningB);
    ReadoutLevel level = a.info().has(Capability.MEMBRANE_READOUT)
        && b.info().has(Capability.MEMBRANE_READOUT) ? ReadoutLevel.FULL : ReadoutLevel.SPIKES;
    String[] tensors = network.tensors().stream().map(WeightTensor::name).toArray(String[]::new);
    long start = System.nanoTime();
    long[] hash = new long[2];
    StateDivergence initial = compareStates(a, b, tensors, hash, -1, -1, -1);
    if (initial != null) {
      return report(0, level, null, initial, hash, a, start);
    }
    int inputs = network.inputs();
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
      SpikeFrame frame = data.channels() <= inputs ? new SpikeFrame(ids, s.label())
          : SpikeFrame.ofUnsorted(LockstepDiff.fold(ids, inputs), s.label());
      StepResult ra = a.step(frame, level);
      StepResult rb = b.step(frame, level);
      long ha = StepHash.of(ra);
      long hb = StepHash.of(rb);
      hash[0] = StepHash.chain(hash[0], ha);
      hash[1] = StepHash.chain(hash[1], hb);
      if (ha != hb) {
        return report(done + 1, level, LockstepDiff.locate(ra, rb, done, sample, sampleStep),
            null, hash, a, start);
      }
      StateDivergence d = compareStates(a, b, tensors, hash, done, sample, sampleStep);
      if (d != null) {
        return report(done + 1, level, null, d, hash, a, start);
      }
      done++;
      if (++sampleStep == s.steps()) {
        sampleStep = 0;
        sample++;
      }
    }
    return report(done, level, null, null, hash, a, start);
  }

  private static Report report(long steps, ReadoutLevel level, Divergence readout,
                               StateDivergence state, long[] hash, Device a, long start) {
    return new Report(steps, level, readout, state, hash[0], hash[1],
        a.telemetry().learningUpdates(), LockstepDiff.seconds(start));
  }

  /** Core weights, then the learning state; chains both hashes into {@code hash}. */
  private static StateDivergence compareStates(Device a, Device b, String[] tensors, long[] hash,
                                               long step, int sample, int sampleStep) {
    int[][] wa = new int[tensors.length][];
    int[][] wb = new int[tensors.length][];
    for (int t = 0; t < tensors.length; t++) {
      wa[t] = a.readWeights(tensors[t]);
      wb[t] = b.readWeights(tensors[t]);
    }
    long ha = StepHash.of(wa);
    long hb = StepHash.of(wb);
    LearningState sa = Sl1Device.learningState(a);
    LearningState sb = Sl1Device.learningState(b);
    long la = sa.hash();
    long lb = sb.hash();
    hash[0] = StepHash.chain(StepHash.chain(hash[0], ha), la);
    hash[1] = StepHash.chain(StepHash.chain(hash[1], hb), lb);
    if (ha != hb) {
      for (int t = 0; t < tensors.length; t++) {
        int i = Arrays.mismatch(wa[t], wb[t]);
        if (i >= 0) {
          return new StateDivergence(step, sample, sampleStep, tensors[t], "w", i, wa[t][i],
              wb[t][i]);
        }
      }
    }
    if (la != lb) {
      LearningState.Difference d = sa.firstDifference(sb);
      if (d != null) {
        return new StateDivergence(step, sample, sampleStep, d.tensor(), d.variable(), d.index(),
            d.a(), d.b());
      }
    }
    return null;
  }

  /**
   * A learning configuration for an integer network without a float model (a random network
   * or a mapped model): every tensor learns at {@code lrQ16} master LSBs (Q16.16), Adam's
   * defaults (0.9, 0.999, eps 2^-27), 8 master fraction bits, outputs read as
   * {@code o * 2^-outputFracBits}, and a Gaussian surrogate of width theta/2 in 64 entries.
   */
  public static LearningConfig defaultLearning(NetworkConfig net, int stateBits, int blockSize,
                                               int lrQ16, int outputFracBits, long seed) {
    if (net.layers().size() != 1) {
      throw new IllegalArgumentException("diff --learning needs one hidden layer (the on-chip "
          + "engine learns one); this network has " + net.layers().size());
    }
    LayerConfig layer = net.layers().get(0);
    Map<String, Integer> rates = new LinkedHashMap<>();
    for (WeightTensor t : net.tensors()) {
      rates.put(t.name(), lrQ16);
    }
    int theta = layer.theta();
    int shift = Math.max(0, 32 - Integer.numberOfLeadingZeros(theta) - 5);
    int[] table = new int[64];
    for (int i = 0; i < table.length; i++) {
      double x = i * Math.scalb(1.0, shift) / theta;
      table[i] = (int) Math.rint((1 << 14) * Math.exp(-2 * x * x));
    }
    return LearningConfig.builder(rates, shift, table).stateBits(stateBits).blockSize(blockSize)
        .seed(seed).outputFracBits(outputFracBits).build();
  }
}
