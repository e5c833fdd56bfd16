package io.spikeloop.mapper.reckon;

import io.spikeloop.mapper.LearningOptions;
import io.spikeloop.mapper.MappingRefusedException;
import io.spikeloop.mapper.OnChipLearningPlan;
import io.spikeloop.mapper.TargetMapping;
import io.spikeloop.mapper.TensorLearning;
import io.spikeloop.target.TargetState;
import io.spikeloop.target.reckon.ReckonCodecs;
import io.spikeloop.target.reckon.ReckonNetwork;
import io.spikeloop.target.reckon.ReckonTarget;
import io.spikeloop.target.reckon.ReckonTensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * ReckOn's on-chip e-prop for a mapped network, made from a float learning rate
 * ({@code docs/reckon.md}, "On-chip e-prop as a placement").
 *
 * <p><b>Settings</b>, those of the upstream cue-accumulation testbench
 * ({@code ReckonPresets.cueAccumulation()}): trace shifts 3/4/6, learning-signal shift 5, a
 * pseudo-derivative of 1 for membranes at or above {@code 205/614} of the threshold (the preset's
 * ratio) and 0 below, no regularization; every tensor the mapping has learns.
 *
 * <p><b>Learning rates as shifts.</b> The chip moves a weight by one LSB with probability
 * {@code (|L trace h| << left >> right) / 2^32} (W_out: {@code |e traceOut| ... / 2^28}). Written
 * in float units (error {@code e = e_int / 2048}, W_out {@code = int * lsb_out}, traces in events:
 * 8 per input event or spike for W_in/W_rec, 2 per spike for W_out), the expected step is
 * {@code c * g}, with {@code g} the float e-prop gradient ({@code e W_out h trace}, {@code e
 * zbar}) and {@code c = 2^(left-right) lsb_w 2^(sig-30) / lsb_out} for W_in and W_rec,
 * {@code c = 2^(left-right-16) lsb_out} for W_out. The shifts are chosen so that {@code c} is the
 * float {@code lr} rounded to the nearest power of two ({@code left - right =
 * round(log2(lr lsb_out / lsb_w) + 30 - sig)}, resp. {@code round(log2(lr / lsb_out) + 16)}),
 * as plain SGD with rate {@code lr}: e-prop on the chip has no momentum and no Adam.
 *
 * <p><b>Seeds.</b> The update generators' positions cannot be read over SPI, so a checkpoint
 * could not resume them; instead every sample starts them afresh: the configuration of sample
 * {@code k} (format v2) programs seeds drawn from {@code (seed, k)} for the W_in, W_rec and W_out
 * draws (the rounding and noise generators keep the network's seeds; the mapping uses neither).
 * A run is then a function of its weights and its sample count, on the model and on the board.
 */
public final class ReckonOnChipLearning implements OnChipLearningPlan {
  /** The cue-accumulation preset's trace, learning-signal and pseudo-derivative settings. */
  static final int INPUT_TRACE_SHIFT = 3, RECURRENT_TRACE_SHIFT = 4, OUTPUT_TRACE_SHIFT = 6;
  static final int LEARNING_SIGNAL_SHIFT = 5;
  static final int PRESET_H_THRESHOLD = 205, PRESET_THRESHOLD = 614;
  static final int MAX_RATE_SHIFT = 31;

  private final ReckonNetwork network;
  private final ReckonNetwork.Eprop eprop;
  private final long seed;

  ReckonOnChipLearning(TargetMapping mapping, LearningOptions options) {
    network = ReckonMapper.network(mapping);
    seed = options.seed();
    double lsbOut = mapping.tensor(ReckonTensor.OUTPUT.tensorName()).lsb();
    int[] in = hiddenRate(options.lr(), lsbOut,
        mapping.tensor(ReckonTensor.INPUT.tensorName()).lsb());
    boolean recurrent = mapping.model().recurrent();
    int[] rec = recurrent ? hiddenRate(options.lr(), lsbOut,
        mapping.tensor(ReckonTensor.RECURRENT.tensorName()).lsb()) : new int[2];
    int[] out = split((int) Math.round(log2(options.lr() / lsbOut) + 16));
    int hThreshold = (int) Math.round(network.thresholdOfPair(0)
        * (double) PRESET_H_THRESHOLD / PRESET_THRESHOLD);
    int enables = 1 | 4 | (recurrent ? 2 : 0);
    eprop = new ReckonNetwork.Eprop(enables, false, INPUT_TRACE_SHIFT, RECURRENT_TRACE_SHIFT,
        OUTPUT_TRACE_SHIFT, LEARNING_SIGNAL_SHIFT,
        new int[] {hThreshold, hThreshold, hThreshold, hThreshold}, new int[] {0, 0, 0, 0, 1},
        in[1], in[0], rec[1], rec[0], out[1], out[0], ReckonNetwork.Regularization.NONE);
  }

  /** {left, right} for W_in or W_rec. */
  private static int[] hiddenRate(double lr, double lsbOut, double lsbW) {
    return split((int) Math.round(log2(lr * lsbOut / lsbW) + 30 - LEARNING_SIGNAL_SHIFT));
  }

  /** {@code left - right = d} as {left, right}, each 0..31 (a rate beyond is clamped). */
  private static int[] split(int d) {
    int c = Math.max(-MAX_RATE_SHIFT, Math.min(MAX_RATE_SHIFT, d));
    return c >= 0 ? new int[] {c, 0} : new int[] {0, -c};
  }

  private static double log2(double x) {
    return Math.log(x) / Math.log(2);
  }

  /** The e-prop settings every sample's configuration carries. */
  public ReckonNetwork.Eprop eprop() {
    return eprop;
  }

  @Override
  public TargetState config(long sample) {
    return ReckonCodecs.encodeLearningConfig(eprop, seeds(sample));
  }

  /** The network's seeds with the three update generators' drawn from {@code (seed, sample)}. */
  ReckonNetwork.Seeds seeds(long sample) {
    long h = mix(mix(seed) ^ sample);
    long h2 = mix(h);
    ReckonNetwork.Seeds s = network.seeds();
    return new ReckonNetwork.Seeds(nonZero(h, 25), nonZero(h >>> 32, 25), nonZero(h2, 22),
        s.neuronRounding(), s.outputRounding(), s.inputTraceRounding(),
        s.recurrentTraceRounding(), s.outputTraceRounding(), s.noise());
  }

  /** The low {@code bits} of {@code h}, never 0 (an all-zero LFSR state never leaves 0). */
  private static int nonZero(long h, int bits) {
    int v = (int) (h & ((1L << bits) - 1));
    return v == 0 ? 1 : v;
  }

  /** SplitMix64's finaliser. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  @Override
  public boolean reconfiguresEverySample() {
    return true;
  }

  /** The chip drops a label sent before a sample's first tick. */
  @Override
  public int firstLabelledStep() {
    return 1;
  }

  @Override
  public void checkRestorable(TargetState saved, TargetState enabled) {
    ReckonCodecs.decodeLearningState(saved, network);
  }

  /** E-prop keeps no optimizer state: the weights and three traces per neuron. */
  @Override
  public double stateBytesPerParameter() {
    return 0;
  }

  @Override
  public String memoryReport() {
    return String.format(Locale.ROOT, "e-prop, no optimizer state (3 eligibility traces per "
        + "neuron in its neuron SRAM word); learning rates as shifts (left-right) W_in %d-%d, "
        + "W_rec %d-%d, W_out %d-%d", eprop.inputRateLeft(), eprop.inputRateRight(),
        eprop.recurrentRateLeft(), eprop.recurrentRateRight(), eprop.outputRateLeft(),
        eprop.outputRateRight());
  }

  /** A plan with other e-prop settings for the same network and seed (a tensor selection). */
  private ReckonOnChipLearning(ReckonNetwork network, ReckonNetwork.Eprop eprop, long seed) {
    this.network = network;
    this.eprop = eprop;
    this.seed = seed;
  }

  /**
   * Only the listed tensors learn (their SPI_DO_EPROP bits: W_in 1, W_rec 2, W_out 4), each rate
   * divided by {@code 2^k} exactly: {@code left - right} lowered by {@code k}, re-split into the
   * two shifts. Refused by name: a tensor the network does not have ({@code w_rec} of a
   * feed-forward network; ReckOn has no biases) and a rate that would need a right shift beyond
   * {@value #MAX_RATE_SHIFT}.
   */
  @Override
  public OnChipLearningPlan withTensors(TensorLearning tensors) {
    List<String> refused = new ArrayList<>();
    List<String> learnable = new ArrayList<>();
    for (ReckonTensor t : ReckonTensor.values()) {
      if (t != ReckonTensor.RECURRENT || (eprop.enables() & 2) != 0) {
        learnable.add(t.tensorName());
      }
    }
    int enables = 0;
    int[] left = new int[3];
    int[] right = new int[3];
    for (Map.Entry<String, Integer> entry : tensors.rateShifts().entrySet()) {
      String name = entry.getKey();
      if (!learnable.contains(name)) {
        refused.add("tensor " + name + ": not learned by reckon's e-prop on this network (it "
            + "learns " + learnable + ")");
        continue;
      }
      ReckonTensor t = ReckonTensor.byName(name);
      int rate = rateLeft(t) - eprop.rateRight(t) - entry.getValue();
      if (rate < -MAX_RATE_SHIFT) {
        refused.add(String.format(Locale.ROOT, "tensor %s: its rate divided by 2^%d needs a right "
            + "shift of %d, the chip's largest is %d", name, entry.getValue(), -rate,
            MAX_RATE_SHIFT));
        continue;
      }
      int[] leftRight = split(rate);
      left[t.ordinal()] = leftRight[0];
      right[t.ordinal()] = leftRight[1];
      enables |= enableBit(t);
    }
    if (!refused.isEmpty()) {
      throw new MappingRefusedException(ReckonTarget.ID, refused);
    }
    ReckonNetwork.Eprop e = eprop;
    return new ReckonOnChipLearning(network, new ReckonNetwork.Eprop(enables, e.forceTraces(),
        e.inputTraceShift(), e.recurrentTraceShift(), e.outputTraceShift(),
        e.learningSignalShift(), e.pseudoDerivativeThresholds(), e.pseudoDerivativeLevels(),
        right[0], left[0], right[1], left[1], right[2], left[2], e.regularization()), seed);
  }

  /** SPI_LR_L_* of one tensor. */
  private int rateLeft(ReckonTensor t) {
    return switch (t) {
      case INPUT -> eprop.inputRateLeft();
      case RECURRENT -> eprop.recurrentRateLeft();
      case OUTPUT -> eprop.outputRateLeft();
    };
  }

  /** The tensor's SPI_DO_EPROP bit. */
  private static int enableBit(ReckonTensor t) {
    return switch (t) {
      case INPUT -> 1;
      case RECURRENT -> 2;
      case OUTPUT -> 4;
    };
  }
}
