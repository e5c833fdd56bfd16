package io.spikeloop.mapper.reckon;

import io.spikeloop.mapper.ChipBackward;
import io.spikeloop.mapper.ChipFloatModel;
import io.spikeloop.mapper.LearningOptions;
import io.spikeloop.mapper.MappedTensor;
import io.spikeloop.mapper.MappingLoss;
import io.spikeloop.mapper.MappingOptions;
import io.spikeloop.mapper.MappingRefusedException;
import io.spikeloop.mapper.OnChipLearningPlan;
import io.spikeloop.mapper.RandomNetworkSpec;
import io.spikeloop.mapper.RandomTargetNetwork;
import io.spikeloop.mapper.TargetMapper;
import io.spikeloop.mapper.TargetMapping;
import io.spikeloop.model.SnnConfig;
import io.spikeloop.model.SnnParameters;
import io.spikeloop.target.TargetNetwork;
import io.spikeloop.target.TargetState;
import io.spikeloop.target.reckon.ReckonNetwork;
import io.spikeloop.target.reckon.ReckonTarget;
import io.spikeloop.target.reckon.ReckonTensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Maps spikeloop's recurrent float model (one hidden LIF layer) onto ReckOn
 * ({@code docs/reckon.md}).
 *
 * <p><b>Refused</b> (all reasons at once, each naming the part): more than one hidden layer;
 * inputs, hidden neurons or outputs above the device's limits ({@code max_inputs},
 * {@code max_recurrent}, {@code max_outputs}; 256/256/16) or odd (the chip works on neuron
 * pairs); more outputs than {@code max(inputs, hidden)}; weight widths other than 8 bits.
 *
 * <p><b>Scales.</b> Membranes are 16-bit: the membrane scale {@code s = 2^k} is the largest with
 * {@code theta * s <= 2^(15 - headroomBits)} (default headroom 3 bits: |u| reaches 8 thresholds
 * before it saturates), the threshold {@code round(theta * s)}. Each weight tensor gets its own
 * shift {@code 0..7}, the smallest with {@code ref * s / 2^shift <= 127} ({@code ref} the clip
 * percentile of |w| times the weight headroom); its weights are {@code round(w * s / 2^shift)}
 * (ties to even) saturated to [-128, 127], so one LSB is {@code 2^shift / s}. Outputs use
 * {@code s / 2} (they reach {@code 2^(headroomBits+1)} float units before saturating).
 * Leaks: {@code alpha} to Q1.15 clamped to the chip's [0.875, 1.125), {@code kappa} to Q1.7
 * (0..255), both rounded to nearest. Reset by subtraction, floor rounding (no stochastic
 * rounding), no noise, e-prop off.
 *
 * <p><b>Lost</b>, listed by name in {@link TargetMapping#losses()}: biases (the chip has none),
 * alpha and kappa rounding or clamping, clipped weights, and the dynamics the chip computes in
 * its own order ({@link ReckonFloatModel}: spike test before the leak, reset not scaled by alpha,
 * outputs two steps late, 16-bit saturation after every presynaptic index, floor leaks).
 * Membrane and output widths in the options are SL-1's and are not read: ReckOn's are 16 bits.
 */
public final class ReckonMapper implements TargetMapper {
  /** Default headroom of the 16-bit membrane, in bits above the threshold. */
  public static final int DEFAULT_HEADROOM_BITS = 3;
  static final int WEIGHT_BITS = 8;
  static final int WEIGHT_MAX = 127;
  static final int MAX_SHIFT = 7;
  static final int MEMBRANE_BITS = 16;

  @Override
  public String targetId() {
    return ReckonTarget.ID;
  }

  @Override
  public TargetMapping map(SnnParameters params, MappingOptions options,
                           Map<String, Long> limits) {
    SnnConfig c = params.config();
    List<String> refused = new ArrayList<>();
    if (c.layers() != 1) {
      refused.add("hidden layers: " + c.layers() + " (" + c.hidden()
          + "); ReckOn has one recurrent layer");
    }
    int hidden = c.hiddenSize(0);
    size(refused, "inputs", c.inputs(), limit(limits, ReckonTarget.MAX_INPUTS));
    size(refused, "hidden", hidden, limit(limits, ReckonTarget.MAX_RECURRENT));
    if (c.outputs() > limit(limits, ReckonTarget.MAX_OUTPUTS)) {
      refused.add("outputs: " + c.outputs() + " > " + limit(limits, ReckonTarget.MAX_OUTPUTS));
    } else if (c.outputs() > Math.max(c.inputs(), hidden)) {
      refused.add("outputs: " + c.outputs() + " > max(inputs, hidden) = "
          + Math.max(c.inputs(), hidden));
    }
    if (options.weightBits() != WEIGHT_BITS) {
      refused.add("weight bits: " + options.weightBits() + "; ReckOn's weights are "
          + WEIGHT_BITS + "-bit");
    }
    int headroom = options.headroomBits() != null ? options.headroomBits()
        : DEFAULT_HEADROOM_BITS;
    if (headroom < 0 || headroom > MEMBRANE_BITS - 2) {
      refused.add("headroom bits: " + headroom + " outside 0.." + (MEMBRANE_BITS - 2));
    }
    if (!refused.isEmpty()) {
      throw new MappingRefusedException(targetId(), refused);
    }

    List<MappingLoss> losses = new ArrayList<>();
    double s = Math.scalb(1.0, largestExponent(c.theta(), Math.scalb(1.0, 15 - headroom)));
    int threshold = (int) Math.max(1, Math.min(Short.MAX_VALUE, Math.rint(c.theta() * s)));
    int alpha = leak("alpha", c.alpha(), 32768, ReckonNetwork.ALPHA_MIN, ReckonNetwork.ALPHA_MAX,
        "Q1.15 in [0.875, 1.125)", losses);
    int kappa = leak("kappa", c.kappa(), 128, 0, 255, "Q1.7", losses);
    dropped("layer0.bias", params.bias(0), losses);
    dropped("out.bias", params.bOut(), losses);

    List<MappedTensor> tensors = new ArrayList<>();
    double outputScale = s / 2;
    MappedTensor win = tensor(ReckonTensor.INPUT.tensorName(), "layer0.in", params.wIn(0), s,
        options);
    tensors.add(win);
    MappedTensor wrec = null;
    if (c.recurrent()) {
      wrec = tensor(ReckonTensor.RECURRENT.tensorName(), "layer0.rec", params.wRec(0), s,
          options);
      tensors.add(wrec);
    }
    MappedTensor wout = tensor(ReckonTensor.OUTPUT.tensorName(), "out.w", params.wOut(),
        outputScale, options);
    tensors.add(wout);
    for (MappedTensor t : tensors) {
      if (t.clipped() > 0) {
        losses.add(new MappingLoss(t.floatTensor(), MappingLoss.Kind.CLIPPED,
            String.format(Locale.ROOT, "%d of %d values saturated to 8 bits at shift %d",
                t.clipped(), t.values().length, t.exponent())));
      }
      losses.add(new MappingLoss(t.floatTensor(), MappingLoss.Kind.ROUNDED,
          String.format(Locale.ROOT, "to %s (shift %d), max error %.3g of max |w| %.3g",
              lsbText(t.lsb()), t.exponent(), t.maxAbsError(), t.maxAbsFloat())));
    }
    losses.add(new MappingLoss("dynamics", MappingLoss.Kind.CHANGED,
        "ReckOn tests spikes on u before the leak, resets by theta (not alpha * theta), shows "
            + "outputs two steps late, floors leaks and saturates u to 16 bits after every "
            + "presynaptic index (the chip's float model states it)"));
    ReckonNetwork net = ReckonNetwork.builder(c.inputs(), hidden, c.outputs())
        .weightShifts(win.exponent(), wrec != null ? wrec.exponent() : 0, wout.exponent())
        .alpha(alpha).threshold(threshold).kappa(kappa).resetToZero(false)
        .stochasticRounding(false).noiseShift(-1).readout(ReckonNetwork.Readout.MEMBRANES_PER_STEP)
        .build();
    return new TargetMapping(c, net, tensors, new double[] {s}, outputScale, losses);
  }

  private static long limit(Map<String, Long> limits, String name) {
    return limits.getOrDefault(name, ReckonTarget.CHIP_LIMITS.get(name));
  }

  private static void size(List<String> refused, String what, int n, long max) {
    if (n > max) {
      refused.add(what + ": " + n + " > " + max);
    } else if (n % 2 != 0) {
      refused.add(what + ": " + n + " is odd (the chip updates neurons two per SRAM word)");
    } else if (n < 2) {
      refused.add(what + ": " + n + " < 2");
    }
  }

  /** round(x * one) clamped to [min, max]; a changed value is a named loss. */
  private static int leak(String what, double x, int one, int min, int max, String format,
                          List<MappingLoss> losses) {
    long r = Math.round(x * one);
    int v = (int) Math.max(min, Math.min(max, r));
    double back = v / (double) one;
    if (v != r) {
      losses.add(new MappingLoss(what, MappingLoss.Kind.CLIPPED, String.format(Locale.ROOT,
          "%.6g is outside %s: %.6g", x, format, back)));
    } else if (back != x) {
      losses.add(new MappingLoss(what, MappingLoss.Kind.ROUNDED, String.format(Locale.ROOT,
          "%.6g to %s: %.6g", x, format, back)));
    }
    return v;
  }

  private static void dropped(String name, double[] values, List<MappingLoss> losses) {
    double max = 0;
    for (double v : values) {
      max = Math.max(max, Math.abs(v));
    }
    if (max > 0) {
      losses.add(new MappingLoss(name, MappingLoss.Kind.DROPPED, String.format(Locale.ROOT,
          "ReckOn has no biases; max |b| %.3g", max)));
    }
  }

  private static String lsbText(double lsb) {
    return String.format(Locale.ROOT, "LSB %.3g", lsb);
  }

  /** One 8-bit tensor with its own shift, on membrane (or output) scale {@code scale}. */
  private static MappedTensor tensor(String name, String floatTensor, double[] w, double scale,
                                     MappingOptions options) {
    double ref = percentileAbs(options.clipPercentile(), w) * options.weightHeadroom() * scale;
    int shift = 0;
    while (shift < MAX_SHIFT && ref / Math.scalb(1.0, shift) > WEIGHT_MAX) {
      shift++;
    }
    double lsb = Math.scalb(1.0, shift) / scale;
    int[] values = new int[w.length];
    int clipped = 0;
    double maxAbs = 0;
    double maxErr = 0;
    for (int i = 0; i < w.length; i++) {
      double r = Math.rint(w[i] / lsb);
      if (r > WEIGHT_MAX || r < -WEIGHT_MAX - 1) {
        clipped++;
        r = r > WEIGHT_MAX ? WEIGHT_MAX : -WEIGHT_MAX - 1;
      }
      values[i] = (int) r;
      maxAbs = Math.max(maxAbs, Math.abs(w[i]));
      maxErr = Math.max(maxErr, Math.abs(w[i] - r * lsb));
    }
    return new MappedTensor(name, floatTensor, WEIGHT_BITS, lsb, shift, values, clipped, maxAbs,
        maxErr);
  }

  /** The p-th percentile (nearest rank) of |v|; p = 100 is the maximum. */
  static double percentileAbs(double p, double[] v) {
    if (v.length == 0) {
      return 0;
    }
    double[] abs = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      abs[i] = Math.abs(v[i]);
    }
    Arrays.sort(abs);
    if (p >= 100) {
      return abs[abs.length - 1];
    }
    int rank = (int) Math.ceil(p / 100 * abs.length);
    return abs[Math.max(0, rank - 1)];
  }

  /** The largest k in [-60, 60] with {@code value * 2^k <= limit} ({@code value > 0}). */
  static int largestExponent(double value, double limit) {
    int k = Math.getExponent(limit) - Math.getExponent(value);
    while (k < 60 && Math.scalb(value, k + 1) <= limit) {
      k++;
    }
    while (k > -60 && Math.scalb(value, k) > limit) {
      k--;
    }
    return Math.max(-60, Math.min(60, k));
  }

  @Override
  public ChipFloatModel floatModel(TargetMapping mapping, SnnParameters params) {
    return new ReckonFloatModel(mapping, params);
  }

  @Override
  public ChipBackward backward(TargetMapping mapping, double[] outputWeights) {
    return new ReckonBackward(mapping, outputWeights);
  }

  /** ReckOn's on-chip e-prop ({@link ReckonOnChipLearning}). */
  @Override
  public OnChipLearningPlan onChipLearning(TargetMapping mapping, LearningOptions options) {
    return new ReckonOnChipLearning(mapping, options);
  }

  /** ReckOn changes SRAMs only between samples ({@code ReckonChipDevice}). */
  @Override
  public boolean writesWeightsBetweenSamplesOnly() {
    return true;
  }

  /** The ReckOn network of a mapping this mapper made; another target's is refused by name. */
  static ReckonNetwork network(TargetMapping mapping) {
    if (!(mapping.network() instanceof ReckonNetwork net)) {
      throw new IllegalArgumentException("expected a mapping onto target reckon, got one onto "
          + mapping.targetId());
    }
    return net;
  }

  /** A random ReckOn network ({@link ReckonLockstepRuns#randomNetwork}). */
  @Override
  public RandomTargetNetwork randomNetwork(RandomNetworkSpec spec,
                                           List<Map<String, Long>> deviceLimits) {
    return ReckonLockstepRuns.randomNetwork(spec);
  }

  /** E-prop on every tensor ({@link ReckonLockstepRuns#lockstepLearning}). */
  @Override
  public TargetState lockstepLearning(TargetNetwork network, Map<String, String> settings) {
    return ReckonLockstepRuns.lockstepLearning(network, settings);
  }
}
