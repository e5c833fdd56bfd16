package io.spikeloop.target.reckon;

import io.spikeloop.device.DesignRuleViolation;
import io.spikeloop.device.WeightTensor;
import io.spikeloop.target.TargetNetwork;
import io.spikeloop.target.TargetState;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What a ReckOn chip is configured with, apart from its weights: sizes, per-tensor weight shifts,
 * neuron constants, rounding and noise switches, e-prop settings, the readout mode and the LFSR
 * seeds. Every integer is the raw register or SRAM field (widths in {@link ReckonRegister}); the
 * constructor checks the design rules ({@code RK-*}) and refuses with a {@link
 * DesignRuleViolation} naming the rule and the numbers.
 *
 * <p>Neuron constants are per neuron <em>pair</em> (one neuron SRAM word holds two neurons): pair
 * {@code p} holds neurons {@code 2p} and {@code 2p+1}, and the input trace of input {@code 2p} /
 * {@code 2p+1} too, so there are {@code max(inputs, recurrent) / 2} pairs.
 *
 * @param inputs N_in, even, 2..256
 * @param recurrent N_rec, even, 2..256
 * @param outputs N_out, 1..16
 * @param inputWeightShift SPI_FP_LOC_WINP 0..7: W_in is sign-extended to 16 bits and shifted left
 * @param recurrentWeightShift SPI_FP_LOC_WREC 0..7
 * @param outputWeightShift SPI_FP_LOC_WOUT 0..7
 * @param pairAlpha leak factor of each pair, unsigned Q1.15, in [0x7000, 0x8FFF] = [0.875, 1.125)
 * @param pairThreshold firing threshold of each pair, signed 16-bit
 * @param kappa output leak factor, unsigned Q1.7 (0x80 = 1.0), 0..255
 * @param resetToZero SPI_RST_MODE: true resets u to 0 on a spike, false subtracts the threshold
 * @param stochasticRounding SPI_EN_STOCH_ROUND: LFSR rounding of leaks (membranes and traces)
 * @param noiseShift -1 = no noise (SPI_NOISE_EN 0), else SPI_NOISE_STR 0..15: LFSR noise {@code
 *     >> noiseShift} added at every integration
 * @param eprop learning settings
 * @param readout what the output bus sends
 * @param seeds LFSR seeds
 */
public record ReckonNetwork(
    int inputs,
    int recurrent,
    int outputs,
    int inputWeightShift,
    int recurrentWeightShift,
    int outputWeightShift,
    int[] pairAlpha,
    int[] pairThreshold,
    int kappa,
    boolean resetToZero,
    boolean stochasticRounding,
    int noiseShift,
    Eprop eprop,
    Readout readout,
    Seeds seeds) implements TargetNetwork {

  /** Largest sizes of the chip. */
  public static final int MAX_INPUTS = 256, MAX_RECURRENT = 256, MAX_OUTPUTS = 16;
  /** Alpha range allowed by the hardware: 4 MSBs are 0x7 or 0x8 (SPI_ALPHA_CONF), 12 LSBs free. */
  public static final int ALPHA_MIN = 0x7000, ALPHA_MAX = 0x8FFF;

  public ReckonNetwork {
    range("RK-SIZES", "inputs", inputs, 2, MAX_INPUTS);
    range("RK-SIZES", "recurrent", recurrent, 2, MAX_RECURRENT);
    range("RK-SIZES", "outputs", outputs, 1, MAX_OUTPUTS);
    if (inputs % 2 != 0 || recurrent % 2 != 0) {
      throw new DesignRuleViolation("RK-PAIRS", "inputs (" + inputs + ") and recurrent ("
          + recurrent + ") must be even: the chip updates neurons two per SRAM word");
    }
    if (outputs > Math.max(inputs, recurrent)) {
      throw new DesignRuleViolation("RK-SIZES", "outputs (" + outputs
          + ") must not exceed max(inputs, recurrent) (" + Math.max(inputs, recurrent) + ")");
    }
    range("RK-SHIFT", "inputWeightShift", inputWeightShift, 0, 7);
    range("RK-SHIFT", "recurrentWeightShift", recurrentWeightShift, 0, 7);
    range("RK-SHIFT", "outputWeightShift", outputWeightShift, 0, 7);
    int pairs = Math.max(inputs, recurrent) / 2;
    if (pairAlpha == null || pairAlpha.length != pairs) {
      throw new DesignRuleViolation("RK-PAIRS", "pairAlpha needs " + pairs
          + " entries (max(inputs, recurrent) / 2), got " + (pairAlpha == null ? 0 : pairAlpha.length));
    }
    if (pairThreshold == null || pairThreshold.length != pairs) {
      throw new DesignRuleViolation("RK-PAIRS", "pairThreshold needs " + pairs
          + " entries (max(inputs, recurrent) / 2), got "
          + (pairThreshold == null ? 0 : pairThreshold.length));
    }
    pairAlpha = pairAlpha.clone();
    pairThreshold = pairThreshold.clone();
    for (int p = 0; p < pairs; p++) {
      if (pairAlpha[p] < ALPHA_MIN || pairAlpha[p] > ALPHA_MAX) {
        throw new DesignRuleViolation("RK-ALPHA", "alpha of pair " + p + " is 0x"
            + Integer.toHexString(pairAlpha[p]) + " (" + pairAlpha[p] / 32768.0
            + "), outside [0x7000, 0x8FFF] = [0.875, 1.125)");
      }
      range("RK-THRESHOLD", "threshold of pair " + p, pairThreshold[p], -32768, 32767);
    }
    range("RK-KAPPA", "kappa", kappa, 0, 255);
    range("RK-NOISE", "noiseShift", noiseShift, -1, 15);
    if (eprop == null || readout == null || seeds == null) {
      throw new IllegalArgumentException("eprop, readout and seeds are required");
    }
  }

  @Override
  public String targetId() {
    return ReckonTarget.ID;
  }

  /** One hidden layer: the N_rec recurrent neurons. */
  @Override
  public int[] hiddenLayerSizes() {
    return new int[] {recurrent};
  }

  /** W_in, W_rec, W_out as the generic contract names them ({@link ReckonTensor#tensorName()}). */
  @Override
  public List<WeightTensor> tensors() {
    List<WeightTensor> t = new ArrayList<>(3);
    for (ReckonTensor r : ReckonTensor.values()) {
      t.add(r.weightTensor(this));
    }
    return t;
  }

  @Override
  public TargetState encode() {
    return ReckonCodecs.encodeNetwork(this);
  }

  /** Neuron pairs (neuron SRAM words) in use: {@code max(inputs, recurrent) / 2}. */
  public int pairs() {
    return pairAlpha.length;
  }

  @Override
  public int[] pairAlpha() {
    return pairAlpha.clone();
  }

  @Override
  public int[] pairThreshold() {
    return pairThreshold.clone();
  }

  /** Alpha of pair {@code p} without copying. */
  public int alphaOfPair(int p) {
    return pairAlpha[p];
  }

  /** Threshold of pair {@code p} without copying. */
  public int thresholdOfPair(int p) {
    return pairThreshold[p];
  }

  /** The same network with other e-prop settings. */
  public ReckonNetwork withEprop(Eprop e) {
    return new ReckonNetwork(inputs, recurrent, outputs, inputWeightShift, recurrentWeightShift,
        outputWeightShift, pairAlpha, pairThreshold, kappa, resetToZero, stochasticRounding,
        noiseShift, e, readout, seeds);
  }

  /** The same network with other LFSR seeds. */
  public ReckonNetwork withSeeds(Seeds s) {
    return new ReckonNetwork(inputs, recurrent, outputs, inputWeightShift, recurrentWeightShift,
        outputWeightShift, pairAlpha, pairThreshold, kappa, resetToZero, stochasticRounding,
        noiseShift, eprop, readout, s);
  }

  /** The same network with another readout mode. */
  public ReckonNetwork withReadout(Readout r) {
    return new ReckonNetwork(inputs, recurrent, outputs, inputWeightShift, recurrentWeightShift,
        outputWeightShift, pairAlpha, pairThreshold, kappa, resetToZero, stochasticRounding,
        noiseShift, eprop, r, seeds);
  }

  /** A builder with every pair at {@code alpha}, {@code threshold} and chip defaults elsewhere. */
  public static Builder builder(int inputs, int recurrent, int outputs) {
    return new Builder(inputs, recurrent, outputs);
  }

  /**
   * The configuration writes that load this network, in order, SPI_EN_CONF first (left at 1: the
   * caller writes SPI_EN_CONF = 0 after loading SRAMs). Fixed registers: SPI_LOCAL_TICK 0 (ticks
   * come from the pin), SPI_ERROR_HALT 1, SPI_TIMING_MODE 0 (TIMING_ERROR_RDY = ready to tick),
   * SPI_REGRESSION 0 and SPI_SINGLE_LABEL 1 (classification, one label per sample).
   */
  public List<ReckonRegister.Write> registerWrites() {
    List<ReckonRegister.Write> w = new ArrayList<>();
    put(w, ReckonRegister.SPI_EN_CONF, 1);
    put(w, ReckonRegister.SPI_RO_STAGE_SEL, 0);
    put(w, ReckonRegister.SPI_GET_CLKINT_OUT, 0);
    put(w, ReckonRegister.SPI_RST_MODE, resetToZero ? 1 : 0);
    put(w, ReckonRegister.SPI_DO_EPROP, eprop.enables());
    put(w, ReckonRegister.SPI_LOCAL_TICK, 0);
    put(w, ReckonRegister.SPI_ERROR_HALT, 1);
    put(w, ReckonRegister.SPI_FP_LOC_WINP, inputWeightShift);
    put(w, ReckonRegister.SPI_FP_LOC_WREC, recurrentWeightShift);
    put(w, ReckonRegister.SPI_FP_LOC_WOUT, outputWeightShift);
    put(w, ReckonRegister.SPI_FP_LOC_TINP, eprop.inputTraceShift());
    put(w, ReckonRegister.SPI_FP_LOC_TREC, eprop.recurrentTraceShift());
    put(w, ReckonRegister.SPI_FP_LOC_TOUT, eprop.outputTraceShift());
    put(w, ReckonRegister.SPI_LEARN_SIG_SCALE, eprop.learningSignalShift());
    Regularization r = eprop.regularization();
    put(w, ReckonRegister.SPI_REGUL_MODE, (r.multiplicative() ? 1 : 0) | (r.additive() ? 2 : 0));
    put(w, ReckonRegister.SPI_REGUL_W, (r.inputs() ? 1 : 0) | (r.recurrent() ? 2 : 0));
    put(w, ReckonRegister.SPI_EN_STOCH_ROUND, stochasticRounding ? 1 : 0);
    put(w, ReckonRegister.SPI_SRAM_SPEEDMODE, 0);
    put(w, ReckonRegister.SPI_TIMING_MODE, 0);
    put(w, ReckonRegister.SPI_REGRESSION, 0);
    put(w, ReckonRegister.SPI_SINGLE_LABEL, 1);
    put(w, ReckonRegister.SPI_NO_OUT_ACT, readout.noOutputActivation() ? 1 : 0);
    put(w, ReckonRegister.SPI_SEND_PER_TIMESTEP, readout.sendPerTimestep() ? 1 : 0);
    put(w, ReckonRegister.SPI_SEND_LABEL_ONLY, readout.sendLabelOnly() ? 1 : 0);
    put(w, ReckonRegister.SPI_NOISE_EN, noiseShift >= 0 ? 1 : 0);
    put(w, ReckonRegister.SPI_FORCE_TRACES, eprop.forceTraces() ? 1 : 0);
    put(w, ReckonRegister.SPI_CYCLES_PER_TICK, 0);
    int[] alphaConf = alphaConf();
    for (int i = 0; i < 4; i++) {
      w.add(new ReckonRegister.Write(ReckonRegister.SPI_ALPHA_CONF, 65 + i, alphaConf[i]));
    }
    put(w, ReckonRegister.SPI_KAPPA, kappa);
    int[] thr = eprop.pseudoDerivativeThresholds();
    put(w, ReckonRegister.SPI_THR_H_0, thr[0] & 0xFFFF);
    put(w, ReckonRegister.SPI_THR_H_1, thr[1] & 0xFFFF);
    put(w, ReckonRegister.SPI_THR_H_2, thr[2] & 0xFFFF);
    put(w, ReckonRegister.SPI_THR_H_3, thr[3] & 0xFFFF);
    int[] h = eprop.pseudoDerivativeLevels();
    put(w, ReckonRegister.SPI_H_0, h[0] & 0x1F);
    put(w, ReckonRegister.SPI_H_1, h[1] & 0x1F);
    put(w, ReckonRegister.SPI_H_2, h[2] & 0x1F);
    put(w, ReckonRegister.SPI_H_3, h[3] & 0x1F);
    put(w, ReckonRegister.SPI_H_4, h[4] & 0x1F);
    put(w, ReckonRegister.SPI_LR_R_WINP, eprop.inputRateRight());
    put(w, ReckonRegister.SPI_LR_P_WINP, eprop.inputRateLeft());
    put(w, ReckonRegister.SPI_LR_R_WREC, eprop.recurrentRateRight());
    put(w, ReckonRegister.SPI_LR_P_WREC, eprop.recurrentRateLeft());
    put(w, ReckonRegister.SPI_LR_R_WOUT, eprop.outputRateRight());
    put(w, ReckonRegister.SPI_LR_P_WOUT, eprop.outputRateLeft());
    put(w, ReckonRegister.SPI_SEED_INP, seeds.inputWeights());
    put(w, ReckonRegister.SPI_SEED_REC, seeds.recurrentWeights());
    put(w, ReckonRegister.SPI_SEED_OUT, seeds.outputWeights());
    put(w, ReckonRegister.SPI_SEED_STRND_NEUR, seeds.neuronRounding());
    put(w, ReckonRegister.SPI_SEED_STRND_ONEUR, seeds.outputRounding());
    put(w, ReckonRegister.SPI_SEED_STRND_TINP, seeds.inputTraceRounding());
    put(w, ReckonRegister.SPI_SEED_STRND_TREC, seeds.recurrentTraceRounding());
    put(w, ReckonRegister.SPI_SEED_STRND_TOUT, seeds.outputTraceRounding());
    put(w, ReckonRegister.SPI_SEED_NOISE_NEUR, seeds.noise());
    put(w, ReckonRegister.SPI_NUM_INP_NEUR, inputs - 1);
    put(w, ReckonRegister.SPI_NUM_REC_NEUR, recurrent - 1);
    put(w, ReckonRegister.SPI_NUM_OUT_NEUR, outputs - 1);
    put(w, ReckonRegister.SPI_REGUL_F0, r.f0());
    put(w, ReckonRegister.SPI_REGUL_K_INP_R, r.kInputRight());
    put(w, ReckonRegister.SPI_REGUL_K_INP_P, r.kInputLeft());
    put(w, ReckonRegister.SPI_REGUL_K_REC_R, r.kRecurrentRight());
    put(w, ReckonRegister.SPI_REGUL_K_REC_P, r.kRecurrentLeft());
    put(w, ReckonRegister.SPI_REGUL_K_MUL, r.kMultiplicative());
    put(w, ReckonRegister.SPI_NOISE_STR, Math.max(noiseShift, 0));
    return w;
  }

  /** SPI_ALPHA_CONF as four 32-bit words, low word first: bit p set when alpha of pair p >= 1.0. */
  public int[] alphaConf() {
    int[] conf = new int[4];
    for (int p = 0; p < pairs(); p++) {
      if (pairAlpha[p] >= 0x8000) {
        conf[p >> 5] |= 1 << (p & 31);
      }
    }
    return conf;
  }

  /**
   * The 128-bit neuron SRAM word of pair {@code p} with zero state, as four 32-bit chunks (chunk
   * {@code j} = bits {@code [32j+31:32j]}, the order of an SPI burst from {@code addr = p << 2}):
   * bits 127:116 hold the 12 LSBs of alpha, 115:100 the threshold, everything else (membranes and
   * traces of both neurons) is zero.
   */
  public int[] neuronWord(int p) {
    return new int[] {0, 0, 0, ((pairAlpha[p] & 0xFFF) << 20) | ((pairThreshold[p] & 0xFFFF) << 4)};
  }

  private static void put(List<ReckonRegister.Write> w, ReckonRegister reg, int value) {
    int masked = reg.bits() >= 32 ? value : value & ((1 << reg.bits()) - 1);
    w.add(new ReckonRegister.Write(reg, reg.address(), masked));
  }

  static void range(String rule, String name, long value, long min, long max) {
    if (value < min || value > max) {
      throw new DesignRuleViolation(rule, name + " is " + value + ", allowed " + min + ".." + max);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ReckonNetwork n && inputs == n.inputs && recurrent == n.recurrent
        && outputs == n.outputs && inputWeightShift == n.inputWeightShift
        && recurrentWeightShift == n.recurrentWeightShift && outputWeightShift == n.outputWeightShift
        && Arrays.equals(pairAlpha, n.pairAlpha) && Arrays.equals(pairThreshold, n.pairThreshold)
        && kappa == n.kappa && resetToZero == n.resetToZero
        && stochasticRounding == n.stochasticRounding && noiseShift == n.noiseShift
        && eprop.equals(n.eprop) && readout.equals(n.readout) && seeds.equals(n.seeds);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(pairAlpha) + Arrays.hashCode(pairThreshold)
        + java.util.Objects.hash(inputs, recurrent, outputs, kappa, eprop, readout, seeds);
  }

  @Override
  public String toString() {
    return "ReckonNetwork[" + inputs + "-" + recurrent + "-" + outputs + ", shifts w "
        + inputWeightShift + "/" + recurrentWeightShift + "/" + outputWeightShift + ", kappa 0x"
        + Integer.toHexString(kappa) + ", stochasticRounding " + stochasticRounding + ", eprop "
        + eprop + "]";
  }

  /**
   * E-prop settings. Learning signals are {@code sat16((sum_k err_k * W_out[j][k]) <<
   * learningSignalShift >> 12)}; a weight moves by one LSB when {@code |L * trace * h| << left >>
   * right} beats a 32-bit (W_out: 28-bit) LFSR draw.
   *
   * @param enables SPI_DO_EPROP bits: 1 = W_in, 2 = W_rec, 4 = W_out learn (also switched per
   *     phase by {@link ReckonChip#setEpropEnables})
   * @param forceTraces SPI_FORCE_TRACES: keep traces even with learning off
   * @param inputTraceShift SPI_FP_LOC_TINP 0..7: input trace step is {@code 8 << shift}, used
   *     {@code >> shift}
   * @param recurrentTraceShift SPI_FP_LOC_TREC 0..7 (step {@code 8 << shift})
   * @param outputTraceShift SPI_FP_LOC_TOUT 0..7 (step {@code 2 << shift}, 10-bit trace)
   * @param learningSignalShift SPI_LEARN_SIG_SCALE 0..15
   * @param pseudoDerivativeThresholds SPI_THR_H_0..3, signed 16-bit, on the membrane after leak
   * @param pseudoDerivativeLevels SPI_H_0..4, signed 5-bit (-16..15), the 5 levels of h
   * @param inputRateRight SPI_LR_R_WINP 0..31 (right shift of the update probability)
   * @param inputRateLeft SPI_LR_P_WINP 0..31 (left shift)
   * @param recurrentRateRight SPI_LR_R_WREC
   * @param recurrentRateLeft SPI_LR_P_WREC
   * @param outputRateRight SPI_LR_R_WOUT
   * @param outputRateLeft SPI_LR_P_WOUT
   * @param regularization weight regularization
   */
  public record Eprop(
      int enables,
      boolean forceTraces,
      int inputTraceShift,
      int recurrentTraceShift,
      int outputTraceShift,
      int learningSignalShift,
      int[] pseudoDerivativeThresholds,
      int[] pseudoDerivativeLevels,
      int inputRateRight,
      int inputRateLeft,
      int recurrentRateRight,
      int recurrentRateLeft,
      int outputRateRight,
      int outputRateLeft,
      Regularization regularization) {
    public Eprop {
      range("RK-EPROP", "enables", enables, 0, 7);
      range("RK-SHIFT", "inputTraceShift", inputTraceShift, 0, 7);
      range("RK-SHIFT", "recurrentTraceShift", recurrentTraceShift, 0, 7);
      range("RK-SHIFT", "outputTraceShift", outputTraceShift, 0, 7);
      range("RK-SHIFT", "learningSignalShift", learningSignalShift, 0, 15);
      if (pseudoDerivativeThresholds == null || pseudoDerivativeThresholds.length != 4) {
        throw new DesignRuleViolation("RK-PSEUDO-DERIVATIVE", "4 thresholds needed");
      }
      if (pseudoDerivativeLevels == null || pseudoDerivativeLevels.length != 5) {
        throw new DesignRuleViolation("RK-PSEUDO-DERIVATIVE", "5 levels needed");
      }
      pseudoDerivativeThresholds = pseudoDerivativeThresholds.clone();
      pseudoDerivativeLevels = pseudoDerivativeLevels.clone();
      for (int i = 0; i < 4; i++) {
        range("RK-PSEUDO-DERIVATIVE", "threshold " + i, pseudoDerivativeThresholds[i], -32768, 32767);
      }
      for (int i = 0; i < 5; i++) {
        range("RK-PSEUDO-DERIVATIVE", "level " + i, pseudoDerivativeLevels[i], -16, 15);
      }
      range("RK-LEARNING-RATE", "inputRateRight", inputRateRight, 0, 31);
      range("RK-LEARNING-RATE", "inputRateLeft", inputRateLeft, 0, 31);
      range("RK-LEARNING-RATE", "recurrentRateRight", recurrentRateRight, 0, 31);
      range("RK-LEARNING-RATE", "recurrentRateLeft", recurrentRateLeft, 0, 31);
      range("RK-LEARNING-RATE", "outputRateRight", outputRateRight, 0, 31);
      range("RK-LEARNING-RATE", "outputRateLeft", outputRateLeft, 0, 31);
      if (regularization == null) {
        throw new IllegalArgumentException("regularization is required (Regularization.NONE)");
      }
    }

    @Override
    public int[] pseudoDerivativeThresholds() {
      return pseudoDerivativeThresholds.clone();
    }

    @Override
    public int[] pseudoDerivativeLevels() {
      return pseudoDerivativeLevels.clone();
    }

    /** The same settings with other SPI_DO_EPROP bits. */
    public Eprop withEnables(int bits) {
      return new Eprop(bits, forceTraces, inputTraceShift, recurrentTraceShift, outputTraceShift,
          learningSignalShift, pseudoDerivativeThresholds, pseudoDerivativeLevels, inputRateRight,
          inputRateLeft, recurrentRateRight, recurrentRateLeft, outputRateRight, outputRateLeft,
          regularization);
    }

    /**
     * The same settings with another right shift of one tensor's update probability
     * (SPI_LR_R_WINP, _WREC or _WOUT): each step up halves that tensor's learning rate.
     */
    public Eprop withRateRight(ReckonTensor tensor, int right) {
      return new Eprop(enables, forceTraces, inputTraceShift, recurrentTraceShift, outputTraceShift,
          learningSignalShift, pseudoDerivativeThresholds, pseudoDerivativeLevels,
          tensor == ReckonTensor.INPUT ? right : inputRateRight, inputRateLeft,
          tensor == ReckonTensor.RECURRENT ? right : recurrentRateRight, recurrentRateLeft,
          tensor == ReckonTensor.OUTPUT ? right : outputRateRight, outputRateLeft,
          regularization);
    }

    /** SPI_LR_R_* of one tensor. */
    public int rateRight(ReckonTensor tensor) {
      return switch (tensor) {
        case INPUT -> inputRateRight;
        case RECURRENT -> recurrentRateRight;
        case OUTPUT -> outputRateRight;
      };
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Eprop e && enables == e.enables && forceTraces == e.forceTraces
          && inputTraceShift == e.inputTraceShift && recurrentTraceShift == e.recurrentTraceShift
          && outputTraceShift == e.outputTraceShift && learningSignalShift == e.learningSignalShift
          && Arrays.equals(pseudoDerivativeThresholds, e.pseudoDerivativeThresholds)
          && Arrays.equals(pseudoDerivativeLevels, e.pseudoDerivativeLevels)
          && inputRateRight == e.inputRateRight && inputRateLeft == e.inputRateLeft
          && recurrentRateRight == e.recurrentRateRight && recurrentRateLeft == e.recurrentRateLeft
          && outputRateRight == e.outputRateRight && outputRateLeft == e.outputRateLeft
          && regularization.equals(e.regularization);
    }

    @Override
    public int hashCode() {
      return java.util.Objects.hash(enables, inputTraceShift, recurrentTraceShift, outputTraceShift,
          learningSignalShift, Arrays.hashCode(pseudoDerivativeThresholds),
          Arrays.hashCode(pseudoDerivativeLevels), inputRateLeft, recurrentRateLeft, outputRateLeft,
          regularization);
    }

    @Override
    public String toString() {
      return "Eprop[enables " + enables + ", traceShifts " + inputTraceShift + "/"
          + recurrentTraceShift + "/" + outputTraceShift + ", L<<" + learningSignalShift + ", h "
          + Arrays.toString(pseudoDerivativeLevels) + " at " + Arrays.toString(pseudoDerivativeThresholds)
          + ", lr " + inputRateLeft + "-" + inputRateRight + "/" + recurrentRateLeft + "-"
          + recurrentRateRight + "/" + outputRateLeft + "-" + outputRateRight + ", " + regularization
          + "]";
    }
  }

  /**
   * Weight regularization (SPI_REGUL_*), driven by {@code treg = max(0, (recurrent trace >>
   * recurrentTraceShift) - f0)} of the postsynaptic neuron. Regularising on every step (SPI_REGUL_MODE
   * bit 2) is not offered.
   *
   * @param multiplicative SPI_REGUL_MODE bit 0: positive updates scaled by {@code (16 - treg >>
   *     kMultiplicative) / 16}
   * @param additive SPI_REGUL_MODE bit 1: {@code (treg << kLeft) >> kRight} subtracted
   * @param inputs SPI_REGUL_W bit 0: regularise W_in
   * @param recurrent SPI_REGUL_W bit 1: regularise W_rec
   * @param f0 SPI_REGUL_F0 0..4095
   */
  public record Regularization(
      boolean multiplicative,
      boolean additive,
      boolean inputs,
      boolean recurrent,
      int f0,
      int kInputRight,
      int kInputLeft,
      int kRecurrentRight,
      int kRecurrentLeft,
      int kMultiplicative) {
    /** No regularization. */
    public static final Regularization NONE =
        new Regularization(false, false, false, false, 0, 0, 0, 0, 0, 0);

    public Regularization {
      range("RK-REGULARIZATION", "f0", f0, 0, 4095);
      range("RK-REGULARIZATION", "kInputRight", kInputRight, 0, 31);
      range("RK-REGULARIZATION", "kInputLeft", kInputLeft, 0, 31);
      range("RK-REGULARIZATION", "kRecurrentRight", kRecurrentRight, 0, 31);
      range("RK-REGULARIZATION", "kRecurrentLeft", kRecurrentLeft, 0, 31);
      range("RK-REGULARIZATION", "kMultiplicative", kMultiplicative, 0, 31);
    }

    /** True when SPI_REGUL_MODE is not zero. */
    public boolean any() {
      return multiplicative || additive;
    }
  }

  /**
   * What the output bus carries. Classification with one label per sample: {@code
   * sendPerTimestep = false, sendLabelOnly = true} (the bus sends the winner once, at the end of
   * the sample). {@code sendLabelOnly = false} sends, per transfer, the 16-bit output membranes
   * of outputs 0..N_out-1, low byte first.
   *
   * @param sendPerTimestep SPI_SEND_PER_TIMESTEP
   * @param sendLabelOnly SPI_SEND_LABEL_ONLY
   * @param noOutputActivation SPI_NO_OUT_ACT: the error uses o itself instead of hardsigmoid(o)
   */
  public record Readout(boolean sendPerTimestep, boolean sendLabelOnly, boolean noOutputActivation) {
    /** One winner label per sample (the chip's reset values). */
    public static final Readout LABEL_PER_SAMPLE = new Readout(false, true, false);
    /** Output membranes on every tick (what lock-step runs compare). */
    public static final Readout MEMBRANES_PER_STEP = new Readout(true, false, false);
  }

  /**
   * Seeds of the unfolded LFSRs (registers 85..93). {@link #RESET} holds the RTL's reset values,
   * so programming it leaves the generators where a reset puts them.
   */
  public record Seeds(
      int inputWeights,
      int recurrentWeights,
      int outputWeights,
      int neuronRounding,
      int outputRounding,
      int inputTraceRounding,
      int recurrentTraceRounding,
      int outputTraceRounding,
      int noise) {
    /** The reset values of {@code srnn.v} (rst_val of each LFSR instance; two 15-bit halves). */
    public static final Seeds RESET = new Seeds(0x1, 0x0424242, 0x1, (0x70F0 << 15) | 0x1234,
        0x7ABA, (0x7FCF << 15) | 0x1348, (0x7BEA << 15) | 0x4321, (0x7EF0 << 15) | 0x3FF3, 0x1F0F1);

    public Seeds {
      range("RK-SEEDS", "inputWeights", inputWeights, 0, (1 << 25) - 1);
      range("RK-SEEDS", "recurrentWeights", recurrentWeights, 0, (1 << 25) - 1);
      range("RK-SEEDS", "outputWeights", outputWeights, 0, (1 << 22) - 1);
      range("RK-SEEDS", "neuronRounding", neuronRounding, 0, (1 << 30) - 1);
      range("RK-SEEDS", "outputRounding", outputRounding, 0, (1 << 15) - 1);
      range("RK-SEEDS", "inputTraceRounding", inputTraceRounding, 0, (1 << 30) - 1);
      range("RK-SEEDS", "recurrentTraceRounding", recurrentTraceRounding, 0, (1 << 30) - 1);
      range("RK-SEEDS", "outputTraceRounding", outputTraceRounding, 0, (1 << 30) - 1);
      range("RK-SEEDS", "noise", noise, 0, (1 << 17) - 1);
    }
  }

  /** Builds a network; unset fields take the chip's reset values where it has them. */
  public static final class Builder {
    private final int inputs, recurrent, outputs;
    private int inputWeightShift, recurrentWeightShift, outputWeightShift;
    private int[] pairAlpha, pairThreshold;
    private int kappa = 0x7A;
    private boolean resetToZero, stochasticRounding;
    private int noiseShift = -1;
    private Eprop eprop;
    private Readout readout = Readout.LABEL_PER_SAMPLE;
    private Seeds seeds = Seeds.RESET;

    Builder(int inputs, int recurrent, int outputs) {
      this.inputs = inputs;
      this.recurrent = recurrent;
      this.outputs = outputs;
      int pairs = Math.max(Math.max(inputs, recurrent) / 2, 0);
      pairAlpha = new int[pairs];
      pairThreshold = new int[pairs];
      Arrays.fill(pairAlpha, 0x8000);
      Arrays.fill(pairThreshold, 0x7FFF);
      eprop = new Eprop(0, false, 0, 0, 0, 0, new int[4], new int[5], 0, 0, 0, 0, 0, 0,
          Regularization.NONE);
    }

    public Builder weightShifts(int input, int recurrentShift, int output) {
      inputWeightShift = input;
      recurrentWeightShift = recurrentShift;
      outputWeightShift = output;
      return this;
    }

    /** Every pair gets {@code alphaQ15}. */
    public Builder alpha(int alphaQ15) {
      Arrays.fill(pairAlpha, alphaQ15);
      return this;
    }

    public Builder pairAlpha(int[] alphaQ15) {
      pairAlpha = alphaQ15.clone();
      return this;
    }

    /** Every pair gets {@code threshold}. */
    public Builder threshold(int threshold) {
      Arrays.fill(pairThreshold, threshold);
      return this;
    }

    public Builder pairThreshold(int[] thresholds) {
      pairThreshold = thresholds.clone();
      return this;
    }

    public Builder kappa(int kappaQ7) {
      kappa = kappaQ7;
      return this;
    }

    public Builder resetToZero(boolean b) {
      resetToZero = b;
      return this;
    }

    public Builder stochasticRounding(boolean b) {
      stochasticRounding = b;
      return this;
    }

    /** -1 turns noise off. */
    public Builder noiseShift(int shift) {
      noiseShift = shift;
      return this;
    }

    public Builder eprop(Eprop e) {
      eprop = e;
      return this;
    }

    public Builder readout(Readout r) {
      readout = r;
      return this;
    }

    public Builder seeds(Seeds s) {
      seeds = s;
      return this;
    }

    public ReckonNetwork build() {
      return new ReckonNetwork(inputs, recurrent, outputs, inputWeightShift, recurrentWeightShift,
          outputWeightShift, pairAlpha, pairThreshold, kappa, resetToZero, stochasticRounding,
          noiseShift, eprop, readout, seeds);
    }
  }
}
