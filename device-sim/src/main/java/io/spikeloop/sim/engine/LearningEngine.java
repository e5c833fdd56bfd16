package io.spikeloop.sim.engine;

import static io.spikeloop.sim.learning.LearningFixedPoint.bitLength;
import static io.spikeloop.sim.learning.LearningFixedPoint.shiftRound;

import io.spikeloop.device.DesignRuleViolation;
import io.spikeloop.device.WeightTensor;
import io.spikeloop.sim.core.Sl1Core;
import io.spikeloop.sim.learning.AdamSchedule;
import io.spikeloop.sim.learning.QuantizedAdam;
import io.spikeloop.sim.learning.QuantizedAdamConfig;
import io.spikeloop.sim.learning.QuantizedAdamState;
import io.spikeloop.target.sl1.FixedPoint;
import io.spikeloop.target.sl1.LayerConfig;
import io.spikeloop.target.sl1.LearnedTensor;
import io.spikeloop.target.sl1.LearningConfig;
import io.spikeloop.target.sl1.LearningRule;
import io.spikeloop.target.sl1.LearningState;
import io.spikeloop.target.sl1.NetworkConfig;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The SL-1 on-chip learning engine: one tBPTT1 step after a labelled forward step, integer only,
 * exactly as {@code docs/core-spec.md} ("Learning engine") specifies. Output error by an integer
 * softmax ({@code e}, Q0.15), one step of back-propagation through {@code W_out} and the
 * surrogate table ({@code delta}), per-tensor int16 gradients with a power-of-two exponent, then
 * {@link QuantizedAdam} on integer master weights; the core weights are rewritten from the masters.
 *
 * <p>Single hidden layer networks only (the paper's), recurrent or not. Nothing is allocated per
 * step except the quantized Adam successor records.
 *
 * <p>With the {@link AdamSchedule#LAZY lazy} or {@link AdamSchedule#CATCH_UP catch-up} schedule
 * (a simulator variant, {@code sim:...,learning=lazy|catchup}; {@code docs/core-spec.md} 9.7;
 * catch-up: a block visited after skipped steps first applies their decay and momentum moves,
 * {@code docs/learning-engine.md} section 10) the weight matrices keep their Adam state,
 * masters and gradients presynaptic-unit-major ({@code [pre][post]}), so a silent input or hidden
 * unit leaves whole blocks untouched: the step builds the gradient rows of the units that spiked,
 * lists their blocks, runs {@link QuantizedAdam#stepListedBlocks} on them and writes back only
 * those blocks. Its work and its cost model follow the spikes; biases stay dense.
 *
 * <p>With {@link LearningRule#EPROP} ({@code docs/learning-engine.md} section 11) the step is
 * e-prop instead: presynaptic traces filtered by the layer's {@code alpha}, one int16 eligibility
 * trace per hidden-layer parameter filtered by the output's {@code kappa}, the learning signal
 * {@code L = W_out^T e}, and per tensor an int16 gradient {@code L_j ebar_ji} with its own
 * exponent; the traces restart at zero at every {@link #resetTraces} (the device's reset) and
 * travel in the learning-state image's {@link LearningState#EPROP_TRACES_SECTION} section. Dense
 * Adam only: every trace element changes at every step.
 */
public final class LearningEngine {
  /** The design rule a network breaks when the engine cannot learn it. */
  public static final String RULE = "DR-LEARNING";
  /** log2(e) in Q0.12: round(1.4426950408889634 * 4096). */
  static final long LOG2E_Q12 = 5909;
  /** 2^(-i/256) in Q0.15 for i in [0, 256): round(32768 * 2^(-i/256)). */
  static final int[] EXP2_Q15 = new int[256];
  /** Q0.15 one: a softmax probability of 1 and the one-hot target. */
  static final int ONE_Q15 = 1 << 15;
  /** Exponents where 2^-x is below half an LSB of Q0.15 are 0 (x >= 16). */
  static final int EXP_CUTOFF = 16;

  /** Cost model: Adam update lanes (parameters per cycle, pipelined). */
  public static final int ADAM_LANES = 4;
  /** Cost model: fixed cycles per learning step (sequencing, pipeline fill). */
  public static final int STEP_OVERHEAD_CYCLES = 8;
  /** Cost model: cycles per output for the softmax (exp lookup, then one division each). */
  public static final int SOFTMAX_CYCLES_PER_OUTPUT = 2;
  /** Cost model: one parameter update costs this many SOPs of energy (four memory accesses). */
  public static final double UPDATE_ENERGY_IN_SOPS = 4.0;
  /** Cost model: one e-prop trace element update (read and write the int16 ebar), in SOPs. */
  public static final double TRACE_ENERGY_IN_SOPS = 2.0;
  /** e-prop: a presynaptic or output trace adds 2^14 per spike (Q16.14). */
  public static final int TRACE_ONE_LOG2 = 14;
  /** e-prop: presynaptic and output traces saturate here (never reached with alpha < 1). */
  public static final int TRACE_MAX = 1 << 30;

  static {
    for (int i = 0; i < 256; i++) {
      EXP2_Q15[i] = (int) Math.round(ONE_Q15 * Math.pow(2.0, -i / 256.0));
    }
  }


  /** One learned tensor: its Adam state, integer masters, core weights and gradient buffer. */
  private static final class Learned {
    final String name;
    final LearnedTensor kind;
    final int shift;          // core value = weight << shift (biases); 0 for weights
    final QuantizedAdam adam;
    QuantizedAdamState state;
    final int[] master;
    final int[] weights;      // shiftRound(master, F): the learned value
    final int[] coreValues;   // weights << shift, as written to the core
    /**
     * The values the core holds for this tensor (kept equal: set from what was read or written
     * by the host, then by every write-back), so a step writes only the elements that changed.
     */
    final int[] inCore;
    final int[] grad;
    /** e-prop: the int16 eligibility trace of every element of a hidden-layer tensor, else null. */
    final short[] ebar;
    /** Lazy weight matrices: arrays are [pre][post] (element pre * post + q), not core order. */
    final boolean preMajor;
    final int rows;           // the core tensor's rows (post units)
    final int cols;           // its columns (pre units)
    /** Lazy: the blocks listed for this step (ascending) and how many. */
    final int[] listedBlocks;
    int listedCount;

    Learned(String name, LearnedTensor kind, int shift, QuantizedAdamConfig config, long seed,
            int length, boolean preMajor, int rows, int cols, boolean traced) {
      this.name = name;
      this.kind = kind;
      this.shift = shift;
      this.preMajor = preMajor;
      this.rows = rows;
      this.cols = cols;
      // a row of `rows` elements overlaps at most rows / block + 2 blocks (before de-duplication)
      this.listedBlocks = preMajor ? new int[cols * (rows / config.blockSize() + 2)] : null;
      this.adam = new QuantizedAdam(config);
      this.state = QuantizedAdamState.initial(config, length, seed);
      this.master = new int[length];
      this.weights = new int[length];
      this.coreValues = shift == 0 ? weights : new int[length];
      this.inCore = new int[length];
      this.grad = new int[length];
      this.ebar = traced ? new short[length] : null;
    }

    /**
     * Masters from the core values the tensor now holds: shiftRound(value, shift) clamped to the
     * learned width, << F.
     */
    void seed(int[] values) {
      System.arraycopy(values, 0, inCore, 0, values.length);
      QuantizedAdamConfig c = adam.config();
      long min = FixedPoint.minSigned(c.weightBits());
      long max = FixedPoint.maxSigned(c.weightBits());
      for (int i = 0; i < values.length; i++) {
        // core order [post][pre]; pre-major element (pre, post) = pre * rows + post
        int at = preMajor ? (i % cols) * rows + i / cols : i;
        long v = Math.max(min, Math.min(max, shiftRound(values[i], shift)));
        weights[at] = (int) v;
        master[at] = (int) (v << c.masterFracBits());
      }
    }

    /**
     * Lists the blocks of rows {@code ids[0..count)} (pre units, any order; each row is {@code
     * rows} elements from {@code id * rows}) ascending and distinct, and fills those rows of the
     * gradient with {@code values[0..rows)}.
     */
    void listRows(int[] ids, int count, int[] values) {
      int block = adam.config().blockSize();
      listedCount = 0;
      for (int s = 0; s < count; s++) {
        int lo = ids[s] * rows;
        System.arraycopy(values, 0, grad, lo, rows);
        for (int b = lo / block; b <= (lo + rows - 1) / block; b++) {
          listedBlocks[listedCount++] = b;
        }
      }
      if (!ascendingDistinct(listedBlocks, listedCount)) {
        Arrays.sort(listedBlocks, 0, listedCount);
        int kept = 0;
        for (int k = 0; k < listedCount; k++) {
          if (kept == 0 || listedBlocks[k] != listedBlocks[kept - 1]) {
            listedBlocks[kept++] = listedBlocks[k];
          }
        }
        listedCount = kept;
      }
    }

    /** Elements in the listed blocks (what the lazy step visits). */
    long listedElements() {
      int block = adam.config().blockSize();
      long n = 0;
      for (int k = 0; k < listedCount; k++) {
        int lo = listedBlocks[k] * block;
        n += Math.min(lo + block, grad.length) - lo;
      }
      return n;
    }

    /** Zeroes the gradient of the listed blocks (all the rows written lie in them). */
    void clearListed() {
      int block = adam.config().blockSize();
      for (int k = 0; k < listedCount; k++) {
        int lo = listedBlocks[k] * block;
        Arrays.fill(grad, lo, Math.min(lo + block, grad.length), 0);
      }
    }

    private static boolean ascendingDistinct(int[] a, int n) {
      for (int k = 1; k < n; k++) {
        if (a[k] <= a[k - 1]) {
          return false;
        }
      }
      return true;
    }
  }

  private final Sl1Core core;
  private final LearningConfig learning;
  private final int inputs;
  private final int hidden;
  private final int outputs;
  private final int theta;
  private final int outExp;
  private final int outputFracBits;
  private final int surrogateShift;
  private final int[] surrogate;
  private final List<Learned> learned = new ArrayList<>();
  private final long parameters;
  private final long stepCycles;
  private final double stepJoules;
  private final AdamSchedule schedule;
  private final LearningRule rule;
  /** e-prop: the trace shift, the layer's alpha and the output's kappa (Q0.12). */
  private final int traceShift;
  private final int alpha;
  private final int kappa;
  /** e-prop presynaptic traces, Q16.14 (a spike adds 2^14), saturating at {@link #TRACE_MAX}. */
  private final int[] inputTrace;
  private final int[] recurrentTrace;
  private final int[] biasTrace = new int[1];
  /** e-prop output traces: kappa-filtered hidden spikes and kappa-filtered 1, Q16.14. */
  private final int[] outputTrace;
  private final int[] outputBiasTrace = new int[1];
  /** e-prop learning signal L_j = sum_k W_out[k][j] e_k, and psi_j (the surrogate entry). */
  private final long[] signal;
  private final int[] psi;
  /** e-prop trace elements (int16 ebar) updated per step; 0 under tBPTT1. */
  private final long traceElements;
  /** Cost model inputs kept for the per-step (lazy) figures. */
  private final long fixedCycles;
  private final double fixedJoules;
  private final double joulesPerSop;
  private long lastStepUpdates;
  private long lastStepCycles;
  private double lastStepJoules;

  // Per-step scratch.
  private final int[] wOut;          // W_out row-major [K][N], the core's current values
  private final int[] e;             // output error, Q0.15
  private final int[] p;             // exp values, Q0.15
  private final long[] delta;        // W_out^T e * surrogate, exponent outExp - outFrac - 29
  private final int[] deltaQ;        // delta as int16 at exponent hiddenGradExp
  private final int[] zPrev;
  private final int[] z;
  private int zPrevCount;
  private int lastDeltaExp;
  private long updates;

  /**
   * Builds the engine for a configured core whose weights are loaded (masters start from them).
   *
   * @param synapseLanes, neuronLanes, joulesPerSop, joulesPerNeuron the core's cost model
   * @throws DesignRuleViolation {@value #RULE} when the network has more than one hidden layer,
   *                             or a learned bias cannot be represented
   */
  public LearningEngine(Sl1Core core, LearningConfig learning, int synapseLanes, int neuronLanes,
                        double joulesPerSop, double joulesPerNeuron) {
    this(core, learning, synapseLanes, neuronLanes, joulesPerSop, joulesPerNeuron,
        AdamSchedule.DENSE);
  }

  /**
   * An engine under {@code schedule}: {@link AdamSchedule#DENSE} (the normative engine), or
   * {@link AdamSchedule#LAZY} / {@link AdamSchedule#CATCH_UP} (the event-driven variant, see the
   * class comment).
   */
  public LearningEngine(Sl1Core core, LearningConfig learning, int synapseLanes, int neuronLanes,
                        double joulesPerSop, double joulesPerNeuron, AdamSchedule schedule) {
    if (schedule == null) {
      throw new IllegalArgumentException("the learning engine needs an Adam schedule (dense, "
          + "lazy or catchup)");
    }
    this.schedule = schedule;
    this.joulesPerSop = joulesPerSop;
    this.rule = learning.rule();
    if (rule == LearningRule.EPROP && schedule != AdamSchedule.DENSE) {
      throw new IllegalArgumentException("the e-prop rule runs dense Adam only (every eligibility "
          + "trace changes at every step, so the gradient is dense); this engine has the "
          + schedule.cliName() + " schedule");
    }
    NetworkConfig net = core.config();
    if (net.layers().size() != 1) {
      throw new DesignRuleViolation(RULE, "on-chip learning supports one hidden layer (tBPTT1 "
          + "back-propagates one layer through W_out); this network has " + net.layers().size());
    }
    this.core = core;
    this.learning = learning;
    LayerConfig layer = net.layers().get(0);
    inputs = net.inputs();
    hidden = layer.size();
    outputs = net.output().size();
    theta = layer.theta();
    outExp = net.output().wExp();
    outputFracBits = learning.outputFracBits();
    surrogateShift = learning.surrogateShift();
    surrogate = learning.surrogateTable();
    List<WeightTensor> all = net.tensors();
    for (String name : learning.learningRates().keySet()) {
      net.tensor(name); // refuses names the network does not have, listing those it has
    }
    long params = 0;
    for (int i = 0; i < all.size(); i++) {
      WeightTensor t = all.get(i);
      int lr = learning.learningRate(t.name());
      if (lr < 0) {
        continue;
      }
      LearnedTensor kind = LearnedTensor.named(t.name());
      int shift = 0;
      int bits = t.bits();
      if (kind == LearnedTensor.BIAS) {
        shift = hiddenBiasShift(theta);
        bits = learnedBiasBits(layer.uBits(), shift);
      } else if (kind == LearnedTensor.OUT_BIAS) {
        shift = outputBiasShift(outputFracBits);
        bits = learnedBiasBits(net.output().oBits(), shift);
      }
      if (bits < 2) {
        throw new DesignRuleViolation(RULE, "tensor " + t.name() + " would learn in " + bits
            + " bits (its width " + t.bits() + " minus the bias shift " + shift + ")");
      }
      boolean preMajor = schedule.lazy()
          && kind != LearnedTensor.BIAS && kind != LearnedTensor.OUT_BIAS;
      QuantizedAdamConfig c = new QuantizedAdamConfig(learning.stateBits(), learning.blockSize(),
          learning.beta1Q20(), learning.beta2Q20(), lr, learning.epsExp(), bits,
          learning.masterFracBits(), preMajor ? schedule : AdamSchedule.DENSE);
      boolean traced = rule == LearningRule.EPROP && (kind == LearnedTensor.IN
          || kind == LearnedTensor.REC || kind == LearnedTensor.BIAS);
      Learned l = new Learned(t.name(), kind, shift, c, learning.seed() + i, t.length(), preMajor,
          t.rows(), t.cols(), traced);
      l.seed(core.readWeights(t.name()));
      learned.add(l);
      params += t.length();
    }
    parameters = params;
    wOut = core.readWeights(WeightTensor.OUT_W);
    e = new int[outputs];
    p = new int[outputs];
    delta = new long[hidden];
    deltaQ = new int[hidden];
    zPrev = new int[hidden];
    z = new int[hidden];
    traceShift = learning.traceShift();
    alpha = layer.alpha();
    kappa = net.output().kappa();
    boolean eprop = rule == LearningRule.EPROP;
    inputTrace = new int[eprop ? inputs : 0];
    recurrentTrace = new int[eprop && layer.recurrent() ? hidden : 0];
    outputTrace = new int[eprop ? hidden : 0];
    signal = new long[eprop ? hidden : 0];
    psi = new int[eprop ? hidden : 0];
    long traced = 0;
    for (Learned l : learned) {
      traced += l.ebar == null ? 0 : l.ebar.length;
    }
    traceElements = traced;
    long backprop = (long) outputs * hidden;
    // e-prop: the trace pass (one int16 ebar per hidden-layer parameter) runs before the Adam
    // pass on the same lanes, since a tensor's gradient exponent needs its largest element
    fixedCycles = STEP_OVERHEAD_CYCLES + (long) SOFTMAX_CYCLES_PER_OUTPUT * outputs
        + ceilDiv(backprop, synapseLanes) + ceilDiv(hidden, neuronLanes)
        + ceilDiv(traceElements, ADAM_LANES);
    fixedJoules = backprop * joulesPerSop + hidden * joulesPerNeuron
        + traceElements * TRACE_ENERGY_IN_SOPS * joulesPerSop;
    stepCycles = fixedCycles + ceilDiv(parameters, ADAM_LANES);
    stepJoules = fixedJoules + parameters * UPDATE_ENERGY_IN_SOPS * joulesPerSop;
    lastStepUpdates = parameters;
    lastStepCycles = stepCycles;
    lastStepJoules = stepJoules;
  }

  /**
   * A learned hidden bias moves in steps of 2^shift membrane units: max(0, bitLength(theta) - 12),
   * i.e. about theta/2048.
   */
  public static int hiddenBiasShift(int theta) {
    return Math.max(0, bitLength(theta) - 12);
  }

  /** A learned output bias moves in steps of 2^shift: max(0, outputFracBits - 11) (2^-11 float). */
  public static int outputBiasShift(int outputFracBits) {
    return Math.max(0, outputFracBits - 11);
  }

  /** Width of a learned bias: min(16, register width - shift). */
  public static int learnedBiasBits(int registerBits, int shift) {
    return Math.min(16, registerBits - shift);
  }

  /** The output error of the last learning step, Q0.15 (a copy). */
  public int[] lastOutputError() {
    return e.clone();
  }

  /** The hidden delta of the last learning step as int16 (a copy); see {@link #lastDeltaExp}. */
  public int[] lastDelta() {
    return deltaQ.clone();
  }

  /** Exponent of {@link #lastDelta}: delta = lastDelta * 2^lastDeltaExp in float units. */
  public int lastDeltaExp() {
    return lastDeltaExp;
  }

  private static long ceilDiv(long a, long b) {
    return (a + b - 1) / b;
  }

  public LearningConfig config() {
    return learning;
  }

  /** Parameters updated per learning step. */
  public long parameters() {
    return parameters;
  }

  /**
   * Cycles of a learning step that updates every parameter (the cost model of {@code
   * docs/core-spec.md}): every dense step, and the bound of a lazy one.
   */
  public long stepCycles() {
    return stepCycles;
  }

  /** Dynamic energy of a learning step that updates every parameter. */
  public double stepJoules() {
    return stepJoules;
  }

  /** The Adam schedule the engine runs. */
  public AdamSchedule schedule() {
    return schedule;
  }

  /** Parameters the last learning step visited (all of them when dense). */
  public long lastStepUpdates() {
    return lastStepUpdates;
  }

  /** Cycles of the last learning step: the fixed part plus its visited parameters / Adam lanes. */
  public long lastStepCycles() {
    return lastStepCycles;
  }

  /** Dynamic energy of the last learning step. */
  public double lastStepJoules() {
    return lastStepJoules;
  }

  /** Parameter updates since the engine was enabled. */
  public long updates() {
    return updates;
  }

  /** Call before the forward step: keeps z_prev, which the recurrent gradient needs. */
  public void beforeStep() {
    zPrevCount = core.copySpikes(0, zPrev);
  }

  /** A tensor was written by the host: its master restarts from the written values. */
  public void weightsWritten(String name, int[] values) {
    if (name.equals(WeightTensor.OUT_W)) {
      System.arraycopy(values, 0, wOut, 0, values.length);
    }
    for (Learned l : learned) {
      if (l.name.equals(name)) {
        l.seed(values);
      }
    }
  }

  /**
   * One learning step after the forward step that saw {@code axons[0..count)}, for target
   * {@code label} (checked by the caller to lie in [0, outputs)).
   */
  public void learn(int[] axons, int count, int label) {
    if (rule == LearningRule.EPROP) {
      learnEprop(axons, count, label);
      return;
    }
    outputError(label);
    int hiddenGradExp = hiddenDelta();
    lastDeltaExp = hiddenGradExp;
    int zCount = core.copySpikes(0, z);
    long visited = 0;
    for (Learned l : learned) {
      int[] g = l.grad;
      int gradExp;
      if (l.preMajor) {
        visited += learnLazy(l, axons, count, zCount, hiddenGradExp);
        continue;
      }
      switch (l.kind) {
        case OUT_W -> {
          Arrays.fill(g, 0);
          for (int k = 0; k < outputs; k++) {
            int row = k * hidden;
            for (int s = 0; s < zCount; s++) {
              g[row + z[s]] = e[k];
            }
          }
          gradExp = -15;
        }
        case OUT_BIAS -> {
          System.arraycopy(e, 0, g, 0, outputs);
          gradExp = -15;
        }
        case IN -> {
          outer(g, inputs, axons, count);
          gradExp = hiddenGradExp;
        }
        case REC -> {
          outer(g, hidden, zPrev, zPrevCount);
          gradExp = hiddenGradExp;
        }
        case BIAS -> {
          System.arraycopy(deltaQ, 0, g, 0, hidden);
          gradExp = hiddenGradExp;
        }
        default -> throw new IllegalStateException();
      }
      stepDense(l, gradExp);
      visited += g.length;
    }
    updates += visited;
    lastStepUpdates = visited;
    lastStepCycles = fixedCycles + ceilDiv(visited, ADAM_LANES);
    lastStepJoules = fixedJoules + visited * UPDATE_ENERGY_IN_SOPS * joulesPerSop;
  }

  /**
   * The lazy step of a [pre][post] weight matrix: gradient rows of the units that spiked (inputs
   * for W_in, last step's hidden spikes for W_rec, this step's for W_out), their blocks stepped
   * and written back. Returns the elements visited.
   */
  private long learnLazy(Learned l, int[] axons, int count, int zCount, int hiddenGradExp) {
    int gradExp = hiddenGradExp;
    switch (l.kind) {
      case IN -> l.listRows(axons, count, deltaQ);
      case REC -> l.listRows(zPrev, zPrevCount, deltaQ);
      case OUT_W -> {
        l.listRows(z, zCount, e);
        gradExp = -15;
      }
      default -> throw new IllegalStateException("tensor " + l.name + " is not lazy");
    }
    l.state = l.adam.stepListedBlocks(l.state, l.grad, gradExp, l.master, l.weights,
        l.listedBlocks, l.listedCount);
    int block = l.adam.config().blockSize();
    core.writeWeightsPreMajorBlocks(l.name, l.weights, l.listedBlocks, l.listedCount, block);
    for (int k = 0; k < l.listedCount && l.kind == LearnedTensor.OUT_W; k++) {
      int lo = l.listedBlocks[k] * block;
      int hi = Math.min(lo + block, l.weights.length);
      for (int i = lo; i < hi; i++) {
        wOut[(i % outputs) * hidden + i / outputs] = l.weights[i];
      }
    }
    long visited = l.listedElements();
    l.clearListed();
    return visited;
  }

  /** g[j][i] = deltaQ[j] for the presynaptic ids given, 0 elsewhere ([N][cols] row-major). */
  private void outer(int[] g, int cols, int[] ids, int idCount) {
    Arrays.fill(g, 0);
    for (int j = 0; j < hidden; j++) {
      int d = deltaQ[j];
      if (d != 0) {
        int row = j * cols;
        for (int s = 0; s < idCount; s++) {
          g[row + ids[s]] = d;
        }
      }
    }
  }

  /** e = softmax(o) - onehot(label) in Q0.15, clamped to +-32767. */
  private void outputError(int label) {
    long max = Long.MIN_VALUE;
    for (int k = 0; k < outputs; k++) {
      max = Math.max(max, core.output(k));
    }
    int shift = outputFracBits + 4; // y * log2(e) in Q12 -> Q8
    long sum = 0;
    for (int k = 0; k < outputs; k++) {
      long y = max - core.output(k);
      long t = FixedPoint.rshiftRound(y * LOG2E_Q12, shift);
      long whole = t >> 8;
      int v = whole >= EXP_CUTOFF ? 0 : (int) FixedPoint.rshiftRound(EXP2_Q15[(int) (t & 255)],
          (int) whole);
      p[k] = v;
      sum += v;
    }
    for (int k = 0; k < outputs; k++) {
      long q = ((long) p[k] * ONE_Q15 + sum / 2) / sum;
      long err = q - (k == label ? ONE_Q15 : 0);
      e[k] = (int) Math.max(-QuantizedAdam.MAX_GRADIENT, Math.min(QuantizedAdam.MAX_GRADIENT, err));
    }
  }

  /**
   * delta_j = (sum_k W_out[k][j] e_k) * S[(|u_j - theta| + half) >> shift], then deltaQ as int16:
   * returns the gradient exponent of the hidden tensors.
   */
  private int hiddenDelta() {
    errorThroughOutputWeights(delta);
    long maxAbs = 0;
    for (int j = 0; j < hidden; j++) {
      delta[j] *= surrogateAt(j);
      maxAbs = Math.max(maxAbs, Math.abs(delta[j]));
    }
    int sh = Math.max(0, bitLength(maxAbs) - 15);
    for (int j = 0; j < hidden; j++) {
      long d = shiftRound(delta[j], sh);
      deltaQ[j] = (int) Math.max(-QuantizedAdam.MAX_GRADIENT, Math.min(QuantizedAdam.MAX_GRADIENT,
          d));
    }
    return outExp - outputFracBits - 29 + sh;
  }

  /** The rule this engine runs. */
  public LearningRule rule() {
    return rule;
  }

  /**
   * e-prop trace memory in bytes: 2 per int16 eligibility trace (every learned hidden-layer
   * parameter) plus 4 per int32 presynaptic and output trace; 0 under tBPTT1. It is also the
   * payload of the learning-state image's {@link LearningState#EPROP_TRACES_SECTION} section.
   */
  public long traceBytes() {
    return traceBytes(core.config(), learning);
  }

  /**
   * The trace memory an e-prop engine keeps for {@code net} learning as {@code learning} says
   * (0 under tBPTT1): 2 B per learned hidden-layer parameter ({@code layer0.in}, {@code
   * layer0.rec}, {@code layer0.bias}: int16 {@code ebar}) plus 4 B per input, recurrent unit
   * (a recurrent layer only), hidden neuron (output trace) and the two bias traces (int32).
   * Independent of the number of steps.
   */
  public static long traceBytes(NetworkConfig net, LearningConfig learning) {
    if (learning.rule() != LearningRule.EPROP) {
      return 0;
    }
    LayerConfig layer = net.layers().get(0);
    long eligibility = 0;
    for (WeightTensor t : net.tensors()) {
      LearnedTensor kind = LearnedTensor.named(t.name());
      if (learning.learningRate(t.name()) >= 0 && (kind == LearnedTensor.IN
          || kind == LearnedTensor.REC || kind == LearnedTensor.BIAS)) {
        eligibility += t.length();
      }
    }
    long presynaptic = net.inputs() + (layer.recurrent() ? layer.size() : 0) + 1;
    return 2 * eligibility + 4 * (presynaptic + layer.size() + 1);
  }

  /**
   * The e-prop traces restart at zero (the device's reset: a new sample). Nothing under tBPTT1,
   * which keeps no traces.
   */
  public void resetTraces() {
    if (rule != LearningRule.EPROP) {
      return;
    }
    Arrays.fill(inputTrace, 0);
    Arrays.fill(recurrentTrace, 0);
    Arrays.fill(outputTrace, 0);
    biasTrace[0] = 0;
    outputBiasTrace[0] = 0;
    for (Learned l : learned) {
      if (l.ebar != null) {
        Arrays.fill(l.ebar, (short) 0);
      }
    }
  }

  /** The int16 eligibility traces of a learned hidden-layer tensor, core order (a copy). */
  public short[] eligibilityTrace(String name) {
    for (Learned l : learned) {
      if (l.name.equals(name) && l.ebar != null) {
        return l.ebar.clone();
      }
    }
    throw new IllegalArgumentException("tensor " + name + " has no e-prop trace");
  }

  /**
   * One e-prop step ({@code docs/learning-engine.md} section 11): error, learning signal through
   * W_out as it stands, traces, then per learned tensor its gradient and one Adam step.
   */
  private void learnEprop(int[] axons, int count, int label) {
    outputError(label);
    learningSignal();
    int zCount = core.copySpikes(0, z);
    updateTraces(axons, count, zCount);
    int signalExp = outExp - outputFracBits - 15;          // L = W_out e: 2^(wExp_out - f) 2^-15
    int traceExp = traceShift - 2 * TRACE_ONE_LOG2;        // ebar = psi P >> shift: 2^-14 2^-14
    long visited = 0;
    for (Learned l : learned) {
      int gradExp = switch (l.kind) {
        case IN -> signalExp + traceExp + eligibilityGradient(l, inputTrace);
        case REC -> signalExp + traceExp + eligibilityGradient(l, recurrentTrace);
        case BIAS -> signalExp + traceExp + eligibilityGradient(l, biasTrace);
        case OUT_W -> -15 - TRACE_ONE_LOG2 + outputGradient(l.grad, outputTrace);
        case OUT_BIAS -> -15 - TRACE_ONE_LOG2 + outputGradient(l.grad, outputBiasTrace);
      };
      stepDense(l, gradExp);
      visited += l.grad.length;
    }
    updates += visited;
    lastStepUpdates = visited;
    lastStepCycles = fixedCycles + ceilDiv(visited, ADAM_LANES);
    lastStepJoules = fixedJoules + visited * UPDATE_ENERGY_IN_SOPS * joulesPerSop;
  }

  /** L_j = sum_k W_out[k][j] e_k (int64, |L_j| < 2^38), and psi_j from the membrane. */
  private void learningSignal() {
    errorThroughOutputWeights(signal);
    for (int j = 0; j < hidden; j++) {
      psi[j] = surrogateAt(j);
    }
  }

  /** {@code into[j] = sum_k W_out[k][j] e_k} (int64): the output error sent back through W_out. */
  private void errorThroughOutputWeights(long[] into) {
    Arrays.fill(into, 0);
    for (int k = 0; k < outputs; k++) {
      long ek = e[k];
      if (ek == 0) {
        continue;
      }
      int row = k * hidden;
      for (int j = 0; j < hidden; j++) {
        into[j] += wOut[row + j] * ek;
      }
    }
  }

  /** The surrogate table's entry for hidden neuron j: S[(|u_j - theta| + half) >> shift], 0 past its end. */
  private int surrogateAt(int j) {
    long half = surrogateShift > 0 ? 1L << (surrogateShift - 1) : 0;
    long distance = Math.abs((long) core.membrane(0, j) - theta);
    long index = (distance + half) >> surrogateShift;
    return index < surrogate.length ? surrogate[(int) index] : 0;
  }

  /**
   * Presynaptic traces P = min(decay(P, alpha) + 2^14 [spike], 2^30): inputs with this step's
   * axons, recurrent with last step's spikes, the bias with a constant 1; output traces with
   * kappa: this step's hidden spikes, and 1 for the output bias.
   */
  private void updateTraces(int[] axons, int count, int zCount) {
    int one = 1 << TRACE_ONE_LOG2;
    for (int i = 0; i < inputTrace.length; i++) {
      inputTrace[i] = (int) FixedPoint.decay(inputTrace[i], alpha);
    }
    for (int s = 0; s < count; s++) {
      inputTrace[axons[s]] = Math.min(TRACE_MAX, inputTrace[axons[s]] + one);
    }
    if (recurrentTrace.length > 0) {
      for (int i = 0; i < hidden; i++) {
        recurrentTrace[i] = (int) FixedPoint.decay(recurrentTrace[i], alpha);
      }
      for (int s = 0; s < zPrevCount; s++) {
        recurrentTrace[zPrev[s]] = Math.min(TRACE_MAX, recurrentTrace[zPrev[s]] + one);
      }
    }
    biasTrace[0] = (int) Math.min(TRACE_MAX, FixedPoint.decay(biasTrace[0], alpha) + one);
    for (int j = 0; j < hidden; j++) {
      outputTrace[j] = (int) FixedPoint.decay(outputTrace[j], kappa);
    }
    for (int s = 0; s < zCount; s++) {
      outputTrace[z[s]] = Math.min(TRACE_MAX, outputTrace[z[s]] + one);
    }
    outputBiasTrace[0] = (int) Math.min(TRACE_MAX, FixedPoint.decay(outputBiasTrace[0], kappa)
        + one);
  }

  /**
   * ebar_ji = sat16(decay(ebar_ji, kappa) + rshiftRound(psi_j P_i, traceShift)) over the tensor
   * ([N][cols], cols = P.length), then G_ji = clamp(shiftRound(L_j ebar_ji, s), +-32767) with s
   * the shift that brings the largest |L_j ebar_ji| below 2^15. Returns s.
   */
  private int eligibilityGradient(Learned l, int[] presynaptic) {
    short[] eb = l.ebar;
    int[] g = l.grad;
    int cols = presynaptic.length;
    long maxAbs = 0;
    for (int j = 0; j < hidden; j++) {
      long p = psi[j];
      long lj = signal[j];
      int row = j * cols;
      for (int i = 0; i < cols; i++) {
        long v = FixedPoint.decay(eb[row + i], kappa)
            + FixedPoint.rshiftRound(p * presynaptic[i], traceShift);
        v = Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, v));
        eb[row + i] = (short) v;
        maxAbs = Math.max(maxAbs, Math.abs(lj * v));
      }
    }
    int sh = Math.max(0, bitLength(maxAbs) - 15);
    for (int j = 0; j < hidden; j++) {
      long lj = signal[j];
      int row = j * cols;
      for (int i = 0; i < cols; i++) {
        g[row + i] = clampGradient(shiftRound(lj * eb[row + i], sh));
      }
    }
    return sh;
  }

  /**
   * G_kj = clamp(shiftRound(e_k T_j, s), +-32767) ([K][T.length]) for the output weights (T the
   * kappa-filtered spikes) or the output bias (T the kappa-filtered 1); returns s.
   */
  private int outputGradient(int[] g, int[] trace) {
    int cols = trace.length;
    long maxAbs = 0;
    for (int k = 0; k < outputs; k++) {
      for (int j = 0; j < cols; j++) {
        maxAbs = Math.max(maxAbs, Math.abs((long) e[k] * trace[j]));
      }
    }
    int sh = Math.max(0, bitLength(maxAbs) - 15);
    for (int k = 0; k < outputs; k++) {
      long ek = e[k];
      for (int j = 0; j < cols; j++) {
        g[k * cols + j] = clampGradient(shiftRound(ek * trace[j], sh));
      }
    }
    return sh;
  }

  private static int clampGradient(long x) {
    return (int) Math.max(-QuantizedAdam.MAX_GRADIENT, Math.min(QuantizedAdam.MAX_GRADIENT, x));
  }

  /** One dense Adam step of a learned tensor on its gradient, written back to the core. */
  private void stepDense(Learned l, int gradExp) {
    l.state = l.adam.step(l.state, l.grad, gradExp, l.master, l.weights);
    if (l.shift != 0) {
      for (int i = 0; i < l.grad.length; i++) {
        l.coreValues[i] = l.weights[i] << l.shift;
      }
    }
    core.writeChangedWeights(l.name, l.coreValues, l.inCore);
    if (l.kind == LearnedTensor.OUT_W) {
      System.arraycopy(l.weights, 0, wOut, 0, wOut.length);
    }
  }

  /** Copies of the Adam states of the learned tensors, in tensor order (for checks and reports). */
  public List<QuantizedAdamState> states() {
    return learned.stream().map(l -> l.state.copy()).toList();
  }

  /** Master weights of a learned tensor (a copy). */
  public int[] masters(String name) {
    for (Learned l : learned) {
      if (l.name.equals(name)) {
        return l.master.clone();
      }
    }
    throw new IllegalArgumentException("tensor " + name + " does not learn");
  }

  /** Optimizer-state bytes of the learned tensors (codes, block scales, counters, RNG). */
  public long stateBytes() {
    long b = 0;
    for (Learned l : learned) {
      b += l.state.stateBytes();
    }
    return b;
  }

  /**
   * The e-prop traces as the payload of {@link LearningState#EPROP_TRACES_SECTION}
   * ({@link #traceBytes} bytes, little-endian): i32 X[inputs], R[hidden] (recurrent layers),
   * B, Z[hidden], C, then int16 ebar of each learned hidden-layer tensor in tensor order.
   */
  private LearningState.Section traceSection() {
    ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(traceBytes()))
        .order(ByteOrder.LITTLE_ENDIAN);
    for (int[] trace : presynapticAndOutputTraces()) {
      for (int v : trace) {
        b.putInt(v);
      }
    }
    for (Learned l : learned) {
      if (l.ebar != null) {
        for (short v : l.ebar) {
          b.putShort(v);
        }
      }
    }
    return new LearningState.Section(LearningState.EPROP_TRACES_SECTION, b.array());
  }

  /** The int32 traces in section order: X, R (empty without recurrence), B, Z, C. */
  private int[][] presynapticAndOutputTraces() {
    return new int[][] {inputTrace, recurrentTrace, biasTrace, outputTrace, outputBiasTrace};
  }

  /**
   * e-prop traces read from an image, not yet in the engine: the int32 traces in section order
   * and the int16 ebar per learned tensor (null for a tensor without one).
   */
  private record TraceImage(int[][] traces, short[][] ebar) {}

  /**
   * Reads {@code s}'s e-prop traces into fresh arrays, checking every int32 trace against
   * [0, 2^30]; the section's presence and length were checked with the configuration.
   */
  private TraceImage readTraceSection(LearningState s) {
    String where = "learning state: section " + LearningState.EPROP_TRACES_SECTION + ": ";
    ByteBuffer b = ByteBuffer.wrap(s.section(LearningState.EPROP_TRACES_SECTION).payload())
        .order(ByteOrder.LITTLE_ENDIAN);
    int[][] mine = presynapticAndOutputTraces();
    String[] names = {"X", "R", "B", "Z", "C"};
    int[][] traces = new int[mine.length][];
    short[][] ebars = new short[learned.size()][];
    for (int k = 0; k < mine.length; k++) {
      int[] trace = new int[mine[k].length];
      for (int i = 0; i < trace.length; i++) {
        trace[i] = b.getInt();
        if (trace[i] < 0 || trace[i] > TRACE_MAX) {
          throw new IllegalArgumentException(where + names[k] + "[" + i + "] = " + trace[i]
              + " outside [0, 2^30]");
        }
      }
      traces[k] = trace;
    }
    for (int k = 0; k < learned.size(); k++) {
      Learned l = learned.get(k);
      if (l.ebar != null) {
        short[] ebar = new short[l.ebar.length];
        b.asShortBuffer().get(ebar);
        b.position(b.position() + 2 * ebar.length);
        ebars[k] = ebar;
      }
    }
    return new TraceImage(traces, ebars);
  }

  /**
   * The engine's state as the portable {@link LearningState}: per learned tensor its quantized
   * Adam state and master weights, with the configuration, rule and schedule it belongs to; a
   * catch-up engine adds its per-block step counters ({@link LearningState#CATCH_UP_SECTION}),
   * an e-prop engine its traces ({@link LearningState#EPROP_TRACES_SECTION}: presynaptic,
   * output and eligibility traces, so that a state read at any step, mid-sample too, continues
   * bit-identically).
   * Lazy and catch-up engines keep weight matrices {@code [pre][post]}: masters and Adam state
   * are in that order in the image, which is why the schedule is part of the configuration.
   */
  public LearningState snapshot() {
    List<LearningState.Tensor> tensors = new ArrayList<>(learned.size());
    for (Learned l : learned) {
      QuantizedAdamConfig c = l.adam.config();
      QuantizedAdamState st = l.state;
      tensors.add(new LearningState.Tensor(l.name, st.length(), c.stateBits(), c.blockSize(),
          c.beta1Q20(), c.beta2Q20(), c.lrQ16(), c.epsExp(), c.weightBits(), c.masterFracBits(),
          l.shift, st.step(), st.beta1Pow(), st.beta2Pow(), st.rngState(), l.master, st.mCodes(),
          st.mScales(), st.rCodes(), st.rScales()));
    }
    List<LearningState.Section> sections = new ArrayList<>(1);
    if (schedule == AdamSchedule.CATCH_UP) {
      List<int[]> steps = new ArrayList<>(learned.size());
      for (Learned l : learned) {
        steps.add(l.state.blockSteps()); // null (dense biases) is written as 0 blocks
      }
      sections.add(LearningState.catchUpSection(steps));
    }
    if (rule == LearningRule.EPROP) {
      sections.add(traceSection());
    }
    return new LearningState(inputs, hidden, outputs, outputFracBits, surrogateShift,
        surrogate.length, LearningState.surrogateCrc(surrogate), tensors, imageRule(rule),
        imageSchedule(schedule), sections);
  }

  /** The image's code of a learning rule ({@link LearningState#RULE_TBPTT1}, ...). */
  static int imageRule(LearningRule rule) {
    return switch (rule) {
      case TBPTT1 -> LearningState.RULE_TBPTT1;
      case EPROP -> LearningState.RULE_EPROP;
    };
  }

  /** The image's code of an Adam schedule ({@link LearningState#SCHEDULE_DENSE}, ...). */
  static int imageSchedule(AdamSchedule schedule) {
    return switch (schedule) {
      case DENSE -> LearningState.SCHEDULE_DENSE;
      case LAZY -> LearningState.SCHEDULE_LAZY;
      case CATCH_UP -> LearningState.SCHEDULE_CATCH_UP;
    };
  }

  /**
   * Puts {@code s} into the engine: Adam states and masters of every learned tensor (the learned
   * values follow from the masters) and, under catch-up, the per-block step counters, under
   * e-prop the traces. Core weights stay as they are. Checked completely first: a state of
   * another network, configuration, rule, schedule or tensor set, without the sections the
   * engine keeps or with one of another length, or with counters or traces out of range, is
   * refused naming the field, and nothing changes.
   */
  public void restore(LearningState s) {
    if (s == null) {
      throw new IllegalArgumentException("restore needs a learning state");
    }
    s.requireSameConfiguration(snapshot());
    List<int[]> blockSteps = schedule == AdamSchedule.CATCH_UP ? s.catchUpBlockSteps() : null;
    TraceImage traces = rule == LearningRule.EPROP ? readTraceSection(s) : null;
    List<QuantizedAdamState> states = new ArrayList<>(learned.size());
    for (int k = 0; k < learned.size(); k++) {
      LearningState.Tensor t = s.tensors().get(k);
      QuantizedAdamConfig c = learned.get(k).adam.config();
      int[] steps = c.schedule() == AdamSchedule.CATCH_UP ? blockSteps.get(k) : null;
      if (steps != null && steps.length == 0 && t.length() > 0) {
        throw new IllegalArgumentException("learning state: section "
            + LearningState.CATCH_UP_SECTION + ": tensor " + t.name() + " has no block step "
            + "counters, the engine's catch-up tensor needs " + QuantizedAdamState.blocks(
                t.length(), t.blockSize()));
      }
      if (steps == null && blockSteps != null && blockSteps.get(k).length != 0) {
        throw new IllegalArgumentException("learning state: section "
            + LearningState.CATCH_UP_SECTION + ": tensor " + t.name() + " steps densely in this "
            + "engine, the image has " + blockSteps.get(k).length + " block step counters");
      }
      states.add(new QuantizedAdamState(c, t.length(), t.mCodes(), t.mScales(), t.rCodes(),
          t.rScales(), t.step(), t.beta1Pow(), t.beta2Pow(), t.rng(), steps));
    }
    for (int k = 0; k < learned.size(); k++) {
      Learned l = learned.get(k);
      int[] m = s.tensors().get(k).masters();
      System.arraycopy(m, 0, l.master, 0, m.length);
      QuantizedAdamConfig c = l.adam.config();
      for (int i = 0; i < m.length; i++) {
        l.weights[i] = c.coreWeight(m[i]);
      }
      l.state = states.get(k);
    }
    if (traces != null) {
      int[][] mine = presynapticAndOutputTraces();
      for (int k = 0; k < mine.length; k++) {
        System.arraycopy(traces.traces()[k], 0, mine[k], 0, mine[k].length);
      }
      for (int k = 0; k < learned.size(); k++) {
        short[] ebar = learned.get(k).ebar;
        if (ebar != null) {
          System.arraycopy(traces.ebar()[k], 0, ebar, 0, ebar.length);
        }
      }
    }
  }
}
