package io.spikeloop.sim.reckon;

import io.spikeloop.target.reckon.ReckonChip;
import io.spikeloop.target.reckon.ReckonChipDevice;
import io.spikeloop.target.reckon.ReckonCostModel;
import io.spikeloop.target.reckon.ReckonNetwork;
import io.spikeloop.target.reckon.ReckonProtocol;
import io.spikeloop.target.reckon.ReckonProtocolException;
import io.spikeloop.target.reckon.ReckonState;
import io.spikeloop.target.reckon.ReckonStep;
import io.spikeloop.target.reckon.ReckonStepResult;
import io.spikeloop.target.reckon.ReckonTensor;
import java.util.Arrays;

/**
 * {@code sim:reckon}: a bit-accurate model of ReckOn's datapath ({@code srnn.v}), in the manner of
 * Lava's bit-accurate process models: the same integer widths, the same order of operations and
 * the same LFSR draws as the RTL, at the granularity of a tick instead of a clock cycle.
 *
 * <p>Each tick follows the global FSM: STEP (spike test, leak, trace decay and output leak, pair by
 * pair, with the pair's LFSR draws), SDONE (winner count), EPROP (group by group of 16
 * postsynaptic neurons, then every presynaptic row), SEND, PROP (event-driven integration in
 * increasing presynaptic order, saturating after each index). {@code docs/reckon.md} has the
 * arithmetic; comments below name the RTL signal each step reproduces.
 *
 * <p>Hot loops work on primitive arrays allocated once; a step allocates only its result.
 */
public final class ReckonModel implements ReckonChip, ReckonChipDevice.HiddenSpikes {
  private static final int N = 256;
  private static final int OUTS = 16;

  // ---- configuration (registers and neuron SRAM constants)
  private ReckonNetwork net;
  private int numInp, numRec, numOut, numNeur, numRecOut;
  private int pairs;
  private final int[] alpha = new int[N / 2];
  private final int[] threshold = new int[N / 2];
  private int enables;
  private int[] hThresholds = new int[4], hLevels = new int[5];

  // ---- SRAMs: weights [pre][post] in 256-wide rows, also kept shifted for integration
  private final byte[] wIn = new byte[N * N];
  private final byte[] wRec = new byte[N * N];
  private final byte[] wOut = new byte[N * OUTS];
  private final int[] wInShifted = new int[N * N];
  private final int[] wRecShifted = new int[N * N];
  private final int[] wOutShifted = new int[N * OUTS];

  // ---- dynamic state (effective values)
  private final int[] u = new int[N];
  private final int[] traceIn = new int[N];
  private final int[] traceRec = new int[N];
  private final int[] traceOut = new int[N];
  private final int[] o = new int[OUTS];
  private final int[] winnerCount = new int[OUTS];
  /** neur_z: spikes of this tick's STEP, consumed (cleared) by its PROP. */
  private final boolean[] spiked = new boolean[N];
  private final boolean[] lastTickSpikes = new boolean[N];
  private final boolean[] inputEvent = new boolean[N];
  private int spikeCount;
  private boolean inSample;
  private int classLabel;
  private boolean gotLabel;

  // ---- LFSRs (instances of srnn.v, same names)
  private final UnfoldedLfsr[] neuronRounding = {UnfoldedLfsr.neuronRounding(), UnfoldedLfsr.neuronRounding()};
  private final UnfoldedLfsr[] inputTraceRounding = {UnfoldedLfsr.neuronRounding(), UnfoldedLfsr.neuronRounding()};
  private final UnfoldedLfsr[] recTraceRounding = {UnfoldedLfsr.neuronRounding(), UnfoldedLfsr.neuronRounding()};
  private final UnfoldedLfsr[] outTraceRounding = {UnfoldedLfsr.outputRounding(), UnfoldedLfsr.outputRounding()};
  private final UnfoldedLfsr outputRounding = UnfoldedLfsr.outputRounding();
  private final UnfoldedLfsr noise = UnfoldedLfsr.noise();
  private final UnfoldedLfsr inputWeightDraws = UnfoldedLfsr.weightsInRec();
  private final UnfoldedLfsr recWeightDraws = UnfoldedLfsr.weightsInRec();
  private final UnfoldedLfsr outWeightDraws = UnfoldedLfsr.weightsOut();

  // ---- e-prop scratch, one group of 16 postsynaptic neurons
  private final int[] error = new int[OUTS];
  private final int[] learningSignal = new int[16];
  private final int[] pseudoDerivative = new int[16];
  private final int[] regularizationTrace = new int[16];
  private final int[] draws = new int[16];

  // ---- telemetry
  private long steps, cycles, synapticOps, learnedSteps;

  /** A chip after reset: LFSRs at their reset values, zero SRAMs, no network. */
  public ReckonModel() {
    seedLfsrs(ReckonNetwork.Seeds.RESET);
  }

  @Override
  public ReckonNetwork network() {
    return net;
  }

  @Override
  public void configure(ReckonNetwork network) {
    requireIdle("configure");
    net = network;
    numInp = network.inputs() - 1;
    numRec = network.recurrent() - 1;
    numOut = network.outputs() - 1;
    numNeur = Math.max(numInp, numRec); // SPI_NUM_NEUR
    numRecOut = Math.max(numNeur, numOut); // SPI_NUM_RECOUT
    pairs = network.pairs();
    Arrays.fill(alpha, 0);
    Arrays.fill(threshold, 0);
    for (int p = 0; p < pairs; p++) {
      alpha[p] = network.alphaOfPair(p);
      threshold[p] = network.thresholdOfPair(p);
    }
    enables = network.eprop().enables();
    hThresholds = network.eprop().pseudoDerivativeThresholds();
    hLevels = network.eprop().pseudoDerivativeLevels();
    seedLfsrs(network.seeds());
    reshift();
    clearState();
  }

  @Override
  public void writeWeights(ReckonTensor tensor, byte[] weights) {
    requireNetwork();
    requireIdle("writeWeights");
    int rows = tensor.rows(net), cols = tensor.columns(net);
    if (weights.length != rows * cols) {
      throw new ReckonProtocolException(tensor + " needs " + rows + " x " + cols + " = "
          + rows * cols + " weights [pre][post], got " + weights.length);
    }
    byte[] sram = sram(tensor);
    int stride = tensor == ReckonTensor.OUTPUT ? OUTS : N;
    for (int r = 0; r < rows; r++) {
      System.arraycopy(weights, r * cols, sram, r * stride, cols);
    }
    reshift();
  }

  @Override
  public byte[] readWeights(ReckonTensor tensor) {
    requireNetwork();
    int rows = tensor.rows(net), cols = tensor.columns(net);
    byte[] sram = sram(tensor);
    int stride = tensor == ReckonTensor.OUTPUT ? OUTS : N;
    byte[] w = new byte[rows * cols];
    for (int r = 0; r < rows; r++) {
      System.arraycopy(sram, r * stride, w, r * cols, cols);
    }
    return w;
  }

  @Override
  public void setEpropEnables(int bits) {
    requireNetwork();
    requireIdle("setEpropEnables");
    if (bits < 0 || bits > 7) {
      throw new ReckonProtocolException("SPI_DO_EPROP is 3 bits, got " + bits);
    }
    enables = bits;
  }

  @Override
  public int epropEnables() {
    return enables;
  }

  @Override
  public boolean inSample() {
    return inSample;
  }

  @Override
  public ReckonStepResult step(ReckonStep in) {
    requireNetwork();
    ReckonProtocol.checkStep(net, in, inSample, gotLabel, enables);
    boolean first = !inSample;
    // AER before the tick: events latch into inp_events_next, a label into class_label. A label
    // sent while the chip is IDLE is forgotten (got_label is held clear in IDLE).
    int events = 0;
    for (int e = 0; e < in.eventCount(); e++) {
      int id = in.event(e);
      if (!inputEvent[id]) {
        inputEvent[id] = true;
        events++;
      }
    }
    if (in.label() >= 0) {
      classLabel = in.label();
      gotLabel = true;
    }
    int[] bus = NO_BUS;
    boolean learned = false;
    int spikesThisTick = 0;
    if (first) {
      inSample = true; // IDLE -> PROP
      Arrays.fill(lastTickSpikes, false);
    } else {
      leakAndSpike(); // STEP
      spikesThisTick = spikeCount;
      if (in.inferAccumulate()) {
        countWinner(); // SDONE
      }
      if (in.endOfSample()) {
        // SEND (what the readout mode sends), then IDLE clears the state
        bus = net.readout().sendLabelOnly() ? labelBus() : membraneBus();
        long c = ReckonCostModel.cycles(net, 0, 0, false);
        account(c, 0, false);
        clearState();
        return new ReckonStepResult(bus, false, c, 0);
      }
      if (enables != 0 && in.targetValid()) {
        eprop();
        learned = true;
      }
      if (net.readout().sendPerTimestep()) {
        bus = net.readout().sendLabelOnly() ? labelBus() : membraneBus();
      }
    }
    integrate(); // PROP
    long ops = ReckonCostModel.synapticOps(net, events, spikesThisTick);
    long c = ReckonCostModel.cycles(net, events, spikesThisTick, learned);
    account(c, ops, learned);
    return new ReckonStepResult(bus, learned, c, ops);
  }

  private static final int[] NO_BUS = new int[0];

  // ------------------------------------------------------------------ STEP
  /** srnn.v, state STEP: every pair of neurons, then the output neurons. */
  private void leakAndSpike() {
    ReckonNetwork n = net;
    boolean stochastic = n.stochasticRounding();
    boolean resetToZero = n.resetToZero();
    int kappa = n.kappa();
    spikeCount = 0;
    for (int p = 0; p < pairs; p++) {
      int a = alpha[p];
      int thr = threshold[p];
      boolean roundNeurons = stochastic && a != 0x8000; // en of lfsr_strnd_neur_u
      for (int lane = 0; lane < 2; lane++) {
        int j = 2 * p + lane;
        // membrane: spike test on u before the leak, then neur_u_lkst
        int uj = u[j];
        int leak = uj * a; // neur_u_leak, 32-bit signed (fits: |u| <= 2^15, a < 2^16)
        int leaked = (short) (leak >> 15); // leak[30:15]
        if (roundNeurons && (leak & 0x7FFF) >= neuronRounding[lane].lane(0) && leaked != 0) {
          leaked = (short) (leaked + 1);
        }
        boolean spike = uj >= thr;
        u[j] = spike ? (resetToZero ? 0 : (short) (leaked - thr)) : leaked;
        spiked[j] = spike;
        lastTickSpikes[j] = spike;
        if (spike) {
          spikeCount++;
        }
        // traces: 12-bit input and recurrent with alpha, 10-bit output with kappa
        traceIn[j] = decayTrace12(traceIn[j], a, stochastic, inputTraceRounding[lane]);
        traceRec[j] = decayTrace12(traceRec[j], a, stochastic, recTraceRounding[lane]);
        int step = traceOut[j] * kappa; // trace_out_step, 18 bits
        int t = (step >>> 7) & 0x3FF;
        if (stochastic && kappa != 0x80 && (step & 0x7F) >= outTraceRounding[lane].lane(0)
            && ((step >>> 7) & 0x3FF) != 0) {
          t = (t + 1) & 0x3FF;
        }
        traceOut[j] = t;
      }
      if (roundNeurons) {
        neuronRounding[0].advance();
        neuronRounding[1].advance();
      }
      if (stochastic) {
        for (int lane = 0; lane < 2; lane++) {
          inputTraceRounding[lane].advance();
          recTraceRounding[lane].advance();
          outTraceRounding[lane].advance();
        }
      }
    }
    // output neurons leak on STEP cycles 0..15 (one per cycle); the LFSR steps on each cycle
    int cyclesWithOutputs = Math.min(16, numRecOut + 1);
    boolean roundOutputs = stochastic && kappa != 0x80;
    for (int k = 0; k < cyclesWithOutputs; k++) {
      if (k <= numOut) {
        int leak = o[k] * kappa; // oneur_u_leak, 24-bit signed
        int leaked = (short) (leak >> 7);
        if (roundOutputs && (leak & 0x7F) >= outputRounding.lane(0) && leaked != 0) {
          leaked = (short) (leaked + 1);
        }
        o[k] = leaked;
      }
      if (roundOutputs) {
        outputRounding.advance();
      }
    }
  }

  /** trace_inp/rec_lkst: {@code (t * alpha)[26:15]} plus the stochastic LSB, 12-bit wrap. */
  private static int decayTrace12(int trace, int a, boolean stochastic, UnfoldedLfsr lfsr) {
    int step = trace * a; // 28 bits unsigned
    int t = (step >>> 15) & 0xFFF;
    if (stochastic && a != 0x8000 && (step & 0x7FFF) >= lfsr.lane(0) && t != 0) {
      t = (t + 1) & 0xFFF;
    }
    return t;
  }

  // ------------------------------------------------------------------ SDONE / SEND
  /** label_winner: the output with the largest o, lowest index on ties; cnt_winner 16-bit. */
  private void countWinner() {
    int best = 0;
    for (int k = 1; k <= numOut; k++) {
      if (o[k] > o[best]) {
        best = k;
      }
    }
    winnerCount[best] = (winnerCount[best] + 1) & 0xFFFF;
  }

  private int[] labelBus() {
    int best = 0;
    for (int k = 1; k <= numOut; k++) {
      if (winnerCount[k] > winnerCount[best]) {
        best = k;
      }
    }
    return new int[] {best};
  }

  private int[] membraneBus() {
    int[] bus = new int[2 * (numOut + 1)];
    for (int k = 0; k <= numOut; k++) {
      bus[2 * k] = o[k] & 0xFF;
      bus[2 * k + 1] = (o[k] >> 8) & 0xFF;
    }
    return bus;
  }

  // ------------------------------------------------------------------ PROP
  /**
   * srnn.v event controller: presynaptic indices 0..SPI_NUM_NEUR in order; an index with an input
   * event and/or a hidden spike adds {@code sat16(W_in<<s + W_rec<<s)} to every hidden neuron with
   * 16-bit saturation (and noise), a spike adds its W_out row to the outputs, traces step up.
   */
  private void integrate() {
    ReckonNetwork n = net;
    boolean noiseOn = n.noiseShift() >= 0;
    int noiseShift = Math.max(n.noiseShift(), 0);
    boolean traceInOn = (enables & 1) != 0 || n.eprop().forceTraces();
    boolean traceRecOn = (enables & 2) != 0 || n.eprop().forceTraces();
    boolean traceOutOn = (enables & 4) != 0 || n.eprop().forceTraces();
    int inStep = 8 << n.eprop().inputTraceShift();
    int recStep = 8 << n.eprop().recurrentTraceShift();
    int outStep = 2 << n.eprop().outputTraceShift();
    int posts = 2 * ((numRec >> 1) + 1); // neur128x2_cnt covers pairs 0..NUM_REC/2
    int[] uu = u;
    for (int i = 0; i <= numNeur; i++) {
      boolean in = inputEvent[i];
      boolean z = spiked[i];
      if (!in && !z) {
        continue;
      }
      int row = i * N;
      if (noiseOn) {
        integrateWithNoise(i, in, z, posts, noiseShift);
      } else if (in && z) {
        for (int j = 0; j < posts; j++) {
          int w = clamp16(wInShifted[row + j] + wRecShifted[row + j]);
          uu[j] = clamp16(uu[j] + w);
        }
      } else {
        int[] w = in ? wInShifted : wRecShifted;
        for (int j = 0; j < posts; j++) {
          uu[j] = clamp16(uu[j] + w[row + j]);
        }
      }
      if (z) {
        int orow = i * OUTS;
        for (int k = 0; k <= numOut; k++) {
          o[k] = clamp16(o[k] + wOutShifted[orow + k]);
        }
        // rec/out traces step in the EVT pass when it reaches the neuron's own pair
        if ((i >> 1) <= (numRec >> 1)) {
          if (traceRecOn) {
            traceRec[i] = saturatingAdd(traceRec[i], recStep, 0xFFF);
          }
          if (traceOutOn) {
            traceOut[i] = saturatingAdd(traceOut[i], outStep, 0x3FF);
          }
        }
      }
      if (in && traceInOn) {
        // EVT pass (pair within NUM_REC/2) or SUPP cycle (beyond it): same increment
        traceIn[i] = saturatingAdd(traceIn[i], inStep, 0xFFF);
      }
      inputEvent[i] = false;
      spiked[i] = false;
    }
  }

  /** update_u with noise: the overflow test looks at u and w only, as in the RTL. */
  private void integrateWithNoise(int i, boolean in, boolean z, int posts, int noiseShift) {
    int row = i * N;
    for (int p = 0; p < posts / 2; p++) {
      int draw = 0;
      for (int lane = 0; lane < 2; lane++) {
        int j = 2 * p + lane;
        int w = clamp16((in ? wInShifted[row + j] : 0) + (z ? wRecShifted[row + j] : 0));
        if (lane == 0) {
          draw = noise.lane(0) | (noise.lane(1) << 16);
        }
        int nz = ((short) (draw >>> (16 * lane))) >> noiseShift;
        int sum = (short) (u[j] + w + nz);
        boolean ovflP = u[j] >= 0 && w >= 0 && sum < 0;
        boolean ovflN = u[j] < 0 && w < 0 && sum >= 0;
        u[j] = ovflP ? 32767 : ovflN ? -32768 : sum;
      }
      noise.advance();
    }
  }

  // ------------------------------------------------------------------ EPROP
  private void eprop() {
    ReckonNetwork.Eprop ep = net.eprop();
    ReckonNetwork.Regularization reg = ep.regularization();
    boolean noActivation = net.readout().noOutputActivation();
    for (int k = 0; k < OUTS; k++) {
      error[k] = k <= numOut ? outputError(o[k], classLabel == k, noActivation) : 0;
    }
    boolean outputOnly = enables == 4;
    int groups = (numRec >> 4) + 1;
    for (int g = 0; g < groups; g++) {
      for (int lane = 0; lane < 16; lane++) {
        int post = 16 * g + lane;
        if (outputOnly && post > numRec) {
          break;
        }
        postsynaptic(post, lane, ep, reg);
      }
      if (!outputOnly) {
        presynaptic(g, ep, reg);
      }
    }
  }

  /** output_act_err: classification target 2048 / 0, hardsigmoid, saturating difference. */
  static int outputError(int vo, boolean isLabel, boolean noActivation) {
    int y;
    if (noActivation) {
      y = vo;
    } else if (vo > 2047) {
      y = 2048;
    } else if (vo < -2048) {
      y = 0;
    } else {
      y = (vo + 2048) >> 1;
    }
    int target = isLabel ? 2048 : 0;
    return clamp16(target - y);
  }

  /** The buf16_post phase for one postsynaptic neuron: h, treg, L, and its W_out row. */
  private void postsynaptic(int post, int lane, ReckonNetwork.Eprop ep,
      ReckonNetwork.Regularization reg) {
    // words beyond SPI_NUM_NEUR are not read: the SRAM output still holds the last pair read
    int src = post <= numNeur ? post : 2 * (numNeur >> 1) + (post & 1);
    int[] thr = hThresholds;
    int[] levels = hLevels;
    int up = u[src];
    pseudoDerivative[lane] = up < thr[0] ? levels[0] : up < thr[1] ? levels[1]
        : up < thr[2] ? levels[2] : up < thr[3] ? levels[3] : levels[4];
    if (reg.any()) {
      int a = traceRec[src] >>> ep.recurrentTraceShift();
      int d = (a - reg.f0()) & 0xFFF;
      regularizationTrace[lane] = d > a ? 0 : d;
    }
    int signal = 0;
    if (post <= numRec && (enables & 3) != 0) {
      long psum = 0;
      int orow = post * OUTS;
      for (int k = 0; k <= numOut; k++) {
        psum += (long) error[k] * wOut[orow + k];
      }
      signal = learningSignal(psum, ep.learningSignalShift());
    }
    learningSignal[lane] = signal;
    int tOut = post <= numRec ? traceOut[post] >>> ep.outputTraceShift() : 0;
    if (post <= numRec && (enables & 4) != 0 && tOut != 0) {
      outWeightDraws.lanes(draws);
      int orow = post * OUTS;
      for (int k = 0; k < OUTS; k++) {
        int prob = ((error[k] * tOut) << 4) >> 4; // 28-bit signed product
        int r = StochasticUpdate.apply(prob, wOut[orow + k], true, ep.outputRateRight(),
            ep.outputRateLeft(), 28, draws[k]);
        if ((r & StochasticUpdate.WRITTEN) != 0) {
          setWeight(ReckonTensor.OUTPUT, orow + k, (byte) r);
        }
      }
      outWeightDraws.advance();
    }
  }

  /** neur_learn_sigs_temp2: {@code psum << shift}, saturated to 28 bits, bits 27:12. */
  static int learningSignal(long psum, int shift) {
    long v = psum << shift;
    if (v > (1L << 27) - 1) {
      return 32767;
    }
    if (v < -(1L << 27)) {
      return -32768;
    }
    return (int) (v >> 12);
  }

  /** The e_pre phase of group {@code g}: W_in and W_rec rows of 16 lanes each. */
  private void presynaptic(int g, ReckonNetwork.Eprop ep, ReckonNetwork.Regularization reg) {
    boolean regZero = true;
    if (reg.any()) {
      for (int lane = 0; lane < 16; lane++) {
        regZero &= regularizationTrace[lane] == 0;
      }
    }
    boolean learnIn = (enables & 1) != 0;
    boolean learnRec = (enables & 2) != 0;
    for (int pre = 0; pre <= numNeur; pre++) {
      if (learnIn && pre <= numInp) {
        int t = traceIn[pre] >>> ep.inputTraceShift();
        if (!(t == 0 && regZero)) {
          updateRow(ReckonTensor.INPUT, wIn, pre, g, t, ep.inputRateRight(), ep.inputRateLeft(),
              reg, reg.inputs(), reg.kInputLeft(), reg.kInputRight(), inputWeightDraws);
        }
      }
      if (learnRec && pre <= numRec) {
        int t = traceRec[pre] >>> ep.recurrentTraceShift();
        if (!(t == 0 && regZero)) {
          updateRow(ReckonTensor.RECURRENT, wRec, pre, g, t, ep.recurrentRateRight(),
              ep.recurrentRateLeft(), reg, reg.recurrent(), reg.kRecurrentLeft(),
              reg.kRecurrentRight(), recWeightDraws);
        }
      }
    }
  }

  /** prob_winp/prob_wrec and stoch_update for the 16 lanes of one SRAM word. */
  private void updateRow(ReckonTensor tensor, byte[] sram, int pre, int g, int trace, int lrRight,
      int lrLeft, ReckonNetwork.Regularization reg, boolean regularized, int kLeft, int kRight,
      UnfoldedLfsr lfsr) {
    boolean additive = reg.additive() && regularized;
    boolean multiplicative = reg.multiplicative() && (reg.inputs() || reg.recurrent());
    boolean regUpdate = reg.any() && regularized; // do_update_wregi / wregr
    int base = pre * N + 16 * g;
    for (int lane = 0; lane < 16; lane++) {
      int h = pseudoDerivative[lane];
      boolean enabled = h != 0; // winp_en: do_update & |neur_h
      int probE = enabled ? learningSignal[lane] * trace * h : 0;
      if (probE == 0 && !regUpdate) {
        continue; // stoch_update sees prob 0 or en low: the lane keeps its weight
      }
      int treg = regularizationTrace[lane];
      int regAdd = additive ? (treg << kLeft) >>> kRight : 0;
      int regMulTrace = multiplicative ? treg >>> reg.kMultiplicative() : 0;
      int regScale = !multiplicative ? 16 : (regMulTrace >>> 4) != 0 ? 0 : 16 - (regMulTrace & 15);
      long k = probE < 0 ? probE * 16L : probE * (long) regScale; // prob_*_k, 37 bits
      int s = (int) (k >> 4) - regAdd; // prob_*_s
      int prob = (s >= 0 && ((k >>> 31) & 1) != 0) ? Integer.MIN_VALUE : s;
      int r = StochasticUpdate.apply(prob, sram[base + lane], enabled || regUpdate, lrRight,
          lrLeft, 32, lfsr.lane(lane));
      if ((r & StochasticUpdate.WRITTEN) != 0) {
        int post = 16 * g + lane;
        byte value = tensor == ReckonTensor.RECURRENT && post == pre ? 0 : (byte) r;
        setWeight(tensor, base + lane, value);
      }
    }
    lfsr.advance();
  }

  private void setWeight(ReckonTensor tensor, int index, byte value) {
    switch (tensor) {
      case INPUT -> {
        wIn[index] = value;
        wInShifted[index] = value << net.inputWeightShift();
      }
      case RECURRENT -> {
        wRec[index] = value;
        wRecShifted[index] = value << net.recurrentWeightShift();
      }
      case OUTPUT -> {
        wOut[index] = value;
        wOutShifted[index] = value << net.outputWeightShift();
      }
    }
  }

  // ------------------------------------------------------------------ state
  @Override
  public ReckonState readState() {
    requireNetwork();
    short[] mem = new short[net.recurrent()];
    for (int j = 0; j < mem.length; j++) {
      mem[j] = (short) u[j];
    }
    short[] out = new short[net.outputs()];
    for (int k = 0; k < out.length; k++) {
      out[k] = (short) o[k];
    }
    return new ReckonState(mem, out, Arrays.copyOf(traceIn, net.inputs()),
        Arrays.copyOf(traceRec, net.recurrent()), Arrays.copyOf(traceOut, net.recurrent()));
  }

  /** Hidden spikes of the last tick's spike test (not visible at the chip's pins): a copy. */
  public boolean[] lastSpikes() {
    return Arrays.copyOf(lastTickSpikes, net.recurrent());
  }

  /** Ids of the hidden spikes of the last tick's spike test, ascending (what sim:reckon reports). */
  @Override
  public int[] lastHiddenSpikeIds() {
    int count = 0;
    for (int j = 0; j < net.recurrent(); j++) {
      count += lastTickSpikes[j] ? 1 : 0;
    }
    int[] ids = new int[count];
    for (int j = 0, n = 0; n < count; j++) {
      if (lastTickSpikes[j]) {
        ids[n++] = j;
      }
    }
    return ids;
  }

  /** Hidden spikes of the last tick's spike test. */
  public int lastSpikeCount() {
    return spikeCount;
  }

  /** Total ticks, cycles, synaptic operations and ticks with e-prop since construction. */
  public long[] telemetry() {
    return new long[] {steps, cycles, synapticOps, learnedSteps};
  }

  /** States of the LFSRs (weights in, rec, out; neuron rounding 0/1; output rounding; noise). */
  int[] lfsrStates() {
    return new int[] {inputWeightDraws.state(), recWeightDraws.state(), outWeightDraws.state(),
        neuronRounding[0].state(), neuronRounding[1].state(), outputRounding.state(),
        noise.state()};
  }

  @Override
  public void close() {}

  // ------------------------------------------------------------------ helpers
  private void account(long c, long ops, boolean learned) {
    steps++;
    cycles += c;
    synapticOps += ops;
    if (learned) {
      learnedSteps++;
    }
  }

  private void clearState() {
    Arrays.fill(u, 0);
    Arrays.fill(traceIn, 0);
    Arrays.fill(traceRec, 0);
    Arrays.fill(traceOut, 0);
    Arrays.fill(o, 0);
    Arrays.fill(winnerCount, 0);
    Arrays.fill(spiked, false);
    Arrays.fill(inputEvent, false);
    inSample = false;
    gotLabel = false;
  }

  private void seedLfsrs(ReckonNetwork.Seeds s) {
    neuronRounding[0].seed(s.neuronRounding() & 0x7FFF);
    neuronRounding[1].seed(s.neuronRounding() >>> 15);
    inputTraceRounding[0].seed(s.inputTraceRounding() & 0x7FFF);
    inputTraceRounding[1].seed(s.inputTraceRounding() >>> 15);
    recTraceRounding[0].seed(s.recurrentTraceRounding() & 0x7FFF);
    recTraceRounding[1].seed(s.recurrentTraceRounding() >>> 15);
    outTraceRounding[0].seed(s.outputTraceRounding() & 0x7FFF);
    outTraceRounding[1].seed(s.outputTraceRounding() >>> 15);
    outputRounding.seed(s.outputRounding());
    noise.seed(s.noise());
    inputWeightDraws.seed(s.inputWeights());
    recWeightDraws.seed(s.recurrentWeights());
    outWeightDraws.seed(s.outputWeights());
  }

  private void reshift() {
    if (net == null) {
      return;
    }
    for (int i = 0; i < N * N; i++) {
      wInShifted[i] = wIn[i] << net.inputWeightShift();
      wRecShifted[i] = wRec[i] << net.recurrentWeightShift();
    }
    for (int i = 0; i < N * OUTS; i++) {
      wOutShifted[i] = wOut[i] << net.outputWeightShift();
    }
  }

  private byte[] sram(ReckonTensor t) {
    return switch (t) {
      case INPUT -> wIn;
      case RECURRENT -> wRec;
      case OUTPUT -> wOut;
    };
  }

  private void requireNetwork() {
    if (net == null) {
      throw new ReckonProtocolException("no network configured: call configure first");
    }
  }

  private void requireIdle(String what) {
    if (inSample) {
      throw new ReckonProtocolException(what + " inside a sample: the chip takes configuration "
          + "and weight writes only between samples; end the sample first");
    }
  }

  static int clamp16(int v) {
    return v > 32767 ? 32767 : v < -32768 ? -32768 : v;
  }

  private static int saturatingAdd(int trace, int step, int max) {
    int t = trace + step;
    return t > max ? max : t;
  }
}
