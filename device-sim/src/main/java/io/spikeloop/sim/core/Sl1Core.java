package io.spikeloop.sim.core;

import io.spikeloop.device.WeightTensor;
import io.spikeloop.target.sl1.ChipInstance;
import io.spikeloop.target.sl1.FixedPoint;
import io.spikeloop.target.sl1.LayerConfig;
import io.spikeloop.target.sl1.NetworkConfig;
import io.spikeloop.target.sl1.OutputConfig;
import java.util.Arrays;

/**
 * The SL-1 forward pass of {@code core-semantics.md}, bit-exact and event-driven.
 *
 * <p>Weights are stored transposed, {@code [pre][post]}: a presynaptic event adds one contiguous
 * row into the layer's {@code int} accumulator array (a loop the JIT vectorizes), so the synaptic
 * work of a step is proportional to the events that occur and silent neurons cost nothing. Neuron
 * updates are dense (every neuron leaks every step). Nothing is allocated per step.
 *
 * <p>Widths: accumulators are {@code int}. That is exact because the constructor requires, for
 * every layer, {@code fanIn * 2^(wBits-1) <= 2^31}: a sum of at most {@code fanIn} weights of
 * {@code wBits} bits then lies in [-2^31, 2^31 - 1]. Everything after the sum ({@code scale},
 * bias, {@code decay}, saturation) is done in {@code long}: |scale(acc, wExp <= 31)| < 2^62,
 * |decay(v)| <= 2^32, |bias| <= 2^31, so no intermediate overflows 64 bits, as the spec requires.
 *
 * <p>Optional event limit ({@link #Sl1Core(NetworkConfig, int)}): each feed-forward event stream
 * (the input axons into layer 0, layer {@code l}'s spikes into layer {@code l+1} and into the
 * output layer) delivers at most that many events per step, lowest ids first; the rest are
 * dropped. This is the FIFO drop mode of {@code docs/core-spec.md}; it changes results and is off
 * ({@link #UNLIMITED}) for the bit-exact core. Recurrent events never pass a FIFO.
 *
 * <p>Optional chip instance ({@link #Sl1Core(NetworkConfig, int, ChipInstance)}): per-neuron
 * thresholds, leaks and input gains, per-output gains and offsets drawn once from the instance,
 * membrane noise and input event loss drawn per step ({@code docs/core-spec.md} section 10). A
 * {@link ChipInstance#perfect() perfect} instance runs the bit-exact loops unchanged.
 *
 * <p>Not thread-safe; one core is driven by one thread.
 */
public final class Sl1Core {
  /** No event limit: every event is delivered (the bit-exact core). */
  public static final int UNLIMITED = Integer.MAX_VALUE;

  private final NetworkConfig config;
  private final int layerCount;
  private final int eventLimit;
  private final int neuronsPerStep;

  // Per hidden layer parameters.
  private final int[] size;
  private final int[] fanIn;
  private final boolean[] recurrent;
  private final int[] wExp;
  private final int[] theta;
  private final int[] alpha;
  private final long[] uMax;
  private final long[] uMin;

  // Weights, transposed into one row per presynaptic source: inT[l][i][j] = W_in[j][i],
  // recT[l][i][j] = W_rec[j][i], outT[j][k] = W_out[k][j]. Separate row arrays (not one flat
  // array with offsets) let the JIT prove the row and the accumulator apart and vectorize.
  private final int[][][] inT;
  private final int[][][] recT;
  private final int[][] bias;
  private final int[][] outT;
  private final int[] outBias;
  private final int outSize;
  private final int outExp;
  private final int kappa;
  private final long oMax;
  private final long oMin;

  // Dynamic state.
  private final int[][] u;
  private final byte[][] fired;      // z of the last step per neuron (z_prev during a step)
  private final int[][] spikeIds;    // ids that fired at the last step, ascending
  private final int[] spikeCount;
  private final int[] o;
  private final int[][] acc;         // kept all-zero between steps
  private final int[] accOut;

  // Event counts of the last step, per stage (hidden layers 0..L-1, then the output layer L).
  private final int[] arrived;
  private final int[] delivered;
  private final int[] recurrentEvents;
  private long stepSops;
  private int stepMembraneSaturations;
  private int stepOutputSaturations;
  private int stepHiddenSpikes;

  // Chip instance (null arrays for a perfect chip). Gains are Q16 (65536 = 1), >= 0.
  private final ChipInstance chip;
  private final boolean perfect;
  private final int[][] thetaOf;     // per neuron, in [1, 2^(uBits-1)-1]
  private final int[][] alphaOf;     // per neuron, Q0.12 in [0, 4096]
  private final long[][] gainOf;     // per neuron, on the synaptic sum (W_in and W_rec rows)
  private final long[] outGainOf;    // per output; 65536 on a perfect chip
  private final long[] outOffsetOf;  // per output, added every step like b_out; 0 on a perfect chip
  private final long noiseQ8;
  private final long dropQ32;
  private final long noiseStream;
  private final long dropStream;
  private final int[] keptAxons;     // input events not lost this step
  private int stepLostInputs;

  /** A bit-exact core for this network with all weights and state zero. */
  public Sl1Core(NetworkConfig config) {
    this(config, UNLIMITED);
  }

  /**
   * A core whose feed-forward event streams deliver at most {@code eventLimit} events per step.
   */
  public Sl1Core(NetworkConfig config, int eventLimit) {
    this(config, eventLimit, ChipInstance.PERFECT);
  }

  /** A core with an event limit on an imperfect chip (its fixed pattern is drawn here). */
  public Sl1Core(NetworkConfig config, int eventLimit, ChipInstance chip) {
    if (chip == null) {
      throw new IllegalArgumentException("a core needs a chip instance (ChipInstance.PERFECT for none)");
    }
    if (eventLimit <= 0) {
      throw new IllegalArgumentException("event limit must be positive, got " + eventLimit);
    }
    this.config = config;
    this.eventLimit = eventLimit;
    layerCount = config.layers().size();
    neuronsPerStep = config.totalNeurons();
    size = new int[layerCount];
    fanIn = new int[layerCount];
    recurrent = new boolean[layerCount];
    wExp = new int[layerCount];
    theta = new int[layerCount];
    alpha = new int[layerCount];
    uMax = new long[layerCount];
    uMin = new long[layerCount];
    inT = new int[layerCount][][];
    recT = new int[layerCount][][];
    bias = new int[layerCount][];
    u = new int[layerCount][];
    fired = new byte[layerCount][];
    spikeIds = new int[layerCount][];
    spikeCount = new int[layerCount];
    acc = new int[layerCount][];
    for (int l = 0; l < layerCount; l++) {
      LayerConfig c = config.layers().get(l);
      int n = c.size();
      size[l] = n;
      fanIn[l] = c.inputs();
      recurrent[l] = c.recurrent();
      wExp[l] = c.wExp();
      theta[l] = c.theta();
      alpha[l] = c.alpha();
      uMax[l] = FixedPoint.maxSigned(c.uBits());
      uMin[l] = FixedPoint.minSigned(c.uBits());
      requireExactAccumulator("layer " + l, c.inputs() + (c.recurrent() ? n : 0), c.wBits());
      inT[l] = new int[c.inputs()][n];
      recT[l] = c.recurrent() ? new int[n][n] : new int[0][];
      bias[l] = new int[n];
      u[l] = new int[n];
      fired[l] = new byte[n];
      spikeIds[l] = new int[n];
      acc[l] = new int[n];
    }
    OutputConfig out = config.output();
    outSize = out.size();
    outExp = out.wExp();
    kappa = out.kappa();
    oMax = FixedPoint.maxSigned(out.oBits());
    oMin = FixedPoint.minSigned(out.oBits());
    requireExactAccumulator("output layer", config.lastHiddenSize(), out.wBits());
    outT = new int[config.lastHiddenSize()][outSize];
    outBias = new int[outSize];
    o = new int[outSize];
    accOut = new int[outSize];
    arrived = new int[layerCount + 1];
    delivered = new int[layerCount + 1];
    recurrentEvents = new int[layerCount + 1];

    this.chip = chip;
    perfect = chip.perfect();
    noiseQ8 = chip.noiseQ8();
    dropQ32 = chip.dropQ32();
    noiseStream = chip.streamKey(ChipInstance.NOISE);
    dropStream = chip.streamKey(ChipInstance.DROP);
    keptAxons = new int[perfect ? 0 : config.inputs()];
    outGainOf = new long[outSize];
    outOffsetOf = new long[outSize];
    if (perfect) {
      // Gain 1 and offset 0 leave the output update of section 2 exact.
      Arrays.fill(outGainOf, 65536);
      thetaOf = null;
      alphaOf = null;
      gainOf = null;
      return;
    }
    long spreadQ24 = chip.spreadQ24();
    long thetaKey = chip.streamKey(ChipInstance.THRESHOLD);
    long leakKey = chip.streamKey(ChipInstance.LEAK);
    long gainKey = chip.streamKey(ChipInstance.HIDDEN_GAIN);
    thetaOf = new int[layerCount][];
    alphaOf = new int[layerCount][];
    gainOf = new long[layerCount][];
    for (int l = 0; l < layerCount; l++) {
      int n = size[l];
      thetaOf[l] = new int[n];
      alphaOf[l] = new int[n];
      gainOf[l] = new long[n];
      for (int j = 0; j < n; j++) {
        long e = ChipInstance.element(l, j);
        long ft = ChipInstance.factorQ16(ChipInstance.mix64(thetaKey + e), spreadQ24);
        long fa = ChipInstance.factorQ16(ChipInstance.mix64(leakKey + e), spreadQ24);
        thetaOf[l][j] = (int) Math.max(1, Math.min(uMax[l],
            FixedPoint.rshiftRound(theta[l] * ft, 16)));
        alphaOf[l][j] = (int) Math.min(4096, FixedPoint.rshiftRound(alpha[l] * fa, 16));
        gainOf[l][j] = ChipInstance.factorQ16(ChipInstance.mix64(gainKey + e), spreadQ24);
      }
    }
    long outGainKey = chip.streamKey(ChipInstance.OUTPUT_GAIN);
    long offsetKey = chip.streamKey(ChipInstance.OUTPUT_OFFSET);
    for (int k = 0; k < outSize; k++) {
      long e = ChipInstance.element(0, k);
      outGainOf[k] = ChipInstance.factorQ16(ChipInstance.mix64(outGainKey + e), spreadQ24);
      // Offset: relative deviation (Q16) of one full-scale output weight 2^(wBits-1) * 2^wExp.
      long devQ16 = FixedPoint.rshiftRound(
          ChipInstance.centredSum4(ChipInstance.mix64(offsetKey + e)) * spreadQ24, 24);
      outOffsetOf[k] = FixedPoint.scale(devQ16 << (out.wBits() - 1), outExp - 16);
    }
  }

  /** The chip instance this core models. */
  public ChipInstance chip() {
    return chip;
  }

  /** Threshold of neuron j of layer l on this chip (the configured one on a perfect chip). */
  public int threshold(int l, int j) {
    return perfect ? theta[l] : thetaOf[l][j];
  }

  /** Leak (Q0.12) of neuron j of layer l on this chip. */
  public int leak(int l, int j) {
    return perfect ? alpha[l] : alphaOf[l][j];
  }

  /** Input events lost in the last step (drop=P; 0 on a chip that loses none). */
  public int stepLostInputs() {
    return stepLostInputs;
  }

  private static void requireExactAccumulator(String where, int fanIn, int wBits) {
    if ((long) fanIn << (wBits - 1) > 1L << 31) {
      throw new IllegalArgumentException(where + ": fan-in " + fanIn + " of " + wBits
          + "-bit weights could overflow the 32-bit accumulator (fanIn * 2^(wBits-1) must be <= 2^31)");
    }
  }

  public NetworkConfig config() {
    return config;
  }

  // ------------------------------------------------------------------------------------------
  // Weights
  // ------------------------------------------------------------------------------------------

  /** Writes one tensor given row-major {@code [post][pre]} (shape and widths checked). */
  public void writeWeights(String name, int[] values) {
    WeightTensor t = config.tensor(name);
    t.check(values);
    int rows = t.rows();
    int cols = t.cols();
    if (cols == 1) {
      System.arraycopy(values, 0, biasStorage(name), 0, rows);
      return;
    }
    int[][] target = matrixStorage(name);
    for (int post = 0; post < rows; post++) {
      for (int pre = 0; pre < cols; pre++) {
        target[pre][post] = values[post * cols + pre];
      }
    }
  }

  /**
   * Writes the elements of {@code values} (row-major {@code [post][pre]}) that differ from
   * {@code written}, which must hold the tensor's current values, and records them there: the
   * learning engine's write-back, where few of a tensor's weights change per step (a full
   * {@link #writeWeights} transposes every element). Each element written is checked as
   * {@link #writeWeights} checks it.
   */
  public void writeChangedWeights(String name, int[] values, int[] written) {
    WeightTensor t = config.tensor(name);
    if (values.length != t.length() || written.length != t.length()) {
      throw new IllegalArgumentException("tensor " + name + " needs " + t.length()
          + " values, got " + values.length + " (written copy " + written.length + ")");
    }
    long min = FixedPoint.minSigned(t.bits());
    long max = FixedPoint.maxSigned(t.bits());
    int cols = t.cols();
    int[] bias = cols == 1 ? biasStorage(name) : null;
    int[][] matrix = cols == 1 ? null : matrixStorage(name);
    for (int i = 0; i < values.length; i++) {
      int v = values[i];
      if (v == written[i]) {
        continue;
      }
      if (v < min || v > max) {
        throw new IllegalArgumentException("tensor " + name + " value " + v + " at ["
            + (i / cols) + "][" + (i % cols) + "] does not fit " + t.bits() + " signed bits ["
            + min + ", " + max + "]");
      }
      if (bias != null) {
        bias[i] = v;
      } else {
        matrix[i % cols][i / cols] = v;
      }
      written[i] = v;
    }
  }

  /**
   * Writes elements {@code [lo, hi)} of a weight matrix given presynaptic-unit-major ({@code
   * [pre][post]}, element {@code pre * rows + post}): the lazy learning engine's write-back of the
   * blocks it stepped, which costs what it writes. Each value is checked as {@link #writeWeights}
   * checks it.
   */
  public void writeWeightsPreMajor(String name, int[] values, int lo, int hi) {
    WeightTensor t = config.tensor(name);
    if (t.cols() == 1 || values.length != t.length() || lo < 0 || hi > values.length) {
      throw new IllegalArgumentException("tensor " + name + ": pre-major write of [" + lo + ", "
          + hi + ") needs a weight matrix of " + t.length() + " values, got " + values.length);
    }
    long min = FixedPoint.minSigned(t.bits());
    long max = FixedPoint.maxSigned(t.bits());
    int rows = t.rows();
    int[][] matrix = matrixStorage(name);
    for (int i = lo; i < hi; i++) {
      int v = values[i];
      if (v < min || v > max) {
        throw new IllegalArgumentException("tensor " + name + " value " + v + " at ["
            + (i % rows) + "][" + (i / rows) + "] does not fit " + t.bits() + " signed bits");
      }
      matrix[i / rows][i % rows] = v;
    }
  }

  /**
   * {@link #writeWeightsPreMajor} for the blocks {@code blocks[0..count)} of {@code blockSize}
   * elements each (the event-driven learning engine's write-back: the tensor is looked up once,
   * not per block).
   */
  public void writeWeightsPreMajorBlocks(String name, int[] values, int[] blocks, int count,
      int blockSize) {
    WeightTensor t = config.tensor(name);
    if (t.cols() == 1 || values.length != t.length() || blockSize < 1) {
      throw new IllegalArgumentException("tensor " + name + ": pre-major block write needs a "
          + "weight matrix of " + t.length() + " values and blocks >= 1, got " + values.length
          + " values, block " + blockSize);
    }
    long min = FixedPoint.minSigned(t.bits());
    long max = FixedPoint.maxSigned(t.bits());
    int rows = t.rows();
    int[][] matrix = matrixStorage(name);
    for (int k = 0; k < count; k++) {
      int lo = blocks[k] * blockSize;
      int hi = Math.min(lo + blockSize, values.length);
      if (lo < 0 || lo >= values.length) {
        throw new IllegalArgumentException("tensor " + name + ": block " + blocks[k]
            + " outside the " + values.length + " values");
      }
      int pre = lo / rows;
      int post = lo % rows;
      for (int i = lo; i < hi; i++) {
        int v = values[i];
        if (v < min || v > max) {
          throw new IllegalArgumentException("tensor " + name + " value " + v + " at ["
              + post + "][" + pre + "] does not fit " + t.bits() + " signed bits");
        }
        matrix[pre][post] = v;
        if (++post == rows) {
          post = 0;
          pre++;
        }
      }
    }
  }

  /** Reads one tensor back as row-major {@code [post][pre]}. */
  public int[] readWeights(String name) {
    WeightTensor t = config.tensor(name);
    int rows = t.rows();
    int cols = t.cols();
    if (cols == 1) {
      return biasStorage(name).clone();
    }
    int[][] source = matrixStorage(name);
    int[] values = new int[rows * cols];
    for (int post = 0; post < rows; post++) {
      for (int pre = 0; pre < cols; pre++) {
        values[post * cols + pre] = source[pre][post];
      }
    }
    return values;
  }

  private int[][] matrixStorage(String name) {
    if (name.equals(WeightTensor.OUT_W)) {
      return outT;
    }
    for (int l = 0; l < layerCount; l++) {
      if (name.equals(WeightTensor.layerIn(l))) {
        return inT[l];
      }
      if (name.equals(WeightTensor.layerRec(l))) {
        return recT[l];
      }
    }
    throw new IllegalArgumentException("no weight matrix '" + name + "'");
  }

  private int[] biasStorage(String name) {
    if (name.equals(WeightTensor.OUT_BIAS)) {
      return outBias;
    }
    for (int l = 0; l < layerCount; l++) {
      if (name.equals(WeightTensor.layerBias(l))) {
        return bias[l];
      }
    }
    throw new IllegalArgumentException("no bias '" + name + "'");
  }

  // ------------------------------------------------------------------------------------------
  // One time step
  // ------------------------------------------------------------------------------------------

  /**
   * Runs one time step. {@code axons[0..count)} are the input axons that spiked, ascending and
   * each in [0, inputs) — the caller checks; the core does not, so that it stays branch-free.
   */
  public void step(int[] axons, int count) {
    step(axons, count, 0);
  }

  /**
   * Runs one time step with index {@code stepIndex} (steps since configure, as telemetry counts
   * them), which keys this step's noise and event-loss draws on an imperfect chip.
   */
  public void step(int[] axons, int count, long stepIndex) {
    stepSops = 0;
    stepLostInputs = 0;
    stepMembraneSaturations = 0;
    stepOutputSaturations = 0;
    stepHiddenSpikes = 0;
    int[] events = axons;
    int eventCount = count;
    if (dropQ32 != 0) {
      eventCount = keepInputs(axons, count, stepIndex);
      events = keptAxons;
      stepLostInputs = count - eventCount;
    }
    long noiseKey = noiseQ8 != 0 ? ChipInstance.mix64(noiseStream + stepIndex) : 0;
    for (int l = 0; l < layerCount; l++) {
      int n = size[l];
      int[] a = acc[l];
      arrived[l] = eventCount;
      int ff = Math.min(eventCount, eventLimit);
      delivered[l] = ff;
      fanOut(inT[l], n, events, ff, a);
      int rec = 0;
      if (recurrent[l]) {
        rec = spikeCount[l];
        fanOut(recT[l], n, spikeIds[l], rec, a);
      }
      recurrentEvents[l] = rec;
      stepSops += (long) (ff + rec) * n;
      if (perfect) {
        updateLayer(l);
      } else {
        updateLayerOnChip(l, noiseKey);
      }
      events = spikeIds[l];
      eventCount = spikeCount[l];
      stepHiddenSpikes += eventCount;
    }
    arrived[layerCount] = eventCount;
    int ff = Math.min(eventCount, eventLimit);
    delivered[layerCount] = ff;
    recurrentEvents[layerCount] = 0;
    fanOut(outT, outSize, events, ff, accOut);
    stepSops += (long) ff * outSize;
    updateOutputs();
  }

  /**
   * Copies into {@link #keptAxons} the input events not lost: event {@code a} is lost when the
   * top 32 bits of {@code mix64(mix64(dropStream + step) + a)} are below {@code dropQ32}.
   */
  private int keepInputs(int[] axons, int count, long stepIndex) {
    long key = ChipInstance.mix64(dropStream + stepIndex);
    long threshold = dropQ32;
    int kept = 0;
    for (int e = 0; e < count; e++) {
      int a = axons[e];
      keptAxons[kept] = a;
      kept += (ChipInstance.mix64(key + a) >>> 32) < threshold ? 0 : 1;
    }
    return kept;
  }

  /** For each event id, adds its stored row {@code rows[id][0..n)} into {@code a}. */
  private static void fanOut(int[][] rows, int n, int[] ids, int count, int[] a) {
    for (int e = 0; e < count; e++) {
      int[] row = rows[ids[e]];
      for (int j = 0; j < n; j++) {
        a[j] += row[j];
      }
    }
  }

  /** LIF update of every neuron of layer l; clears its accumulator; records the spikes. */
  private void updateLayer(int l) {
    int n = size[l];
    int[] a = acc[l];
    int[] uu = u[l];
    byte[] z = fired[l];
    int[] b = bias[l];
    int[] ids = spikeIds[l];
    int e = wExp[l];
    int up = e >= 0 ? e : 0;
    int down = e < 0 ? -e : 0;
    long half = down > 0 ? 1L << (down - 1) : 0;
    long th = theta[l];
    long al = alpha[l];
    long max = uMax[l];
    long min = uMin[l];
    int spikes = 0;
    int saturated = 0;
    // Branch-free body: spikes and clamps are data-dependent and would mispredict.
    for (int j = 0; j < n; j++) {
      long input = ((((long) a[j]) << up) + half >> down) + b[j];
      long v = uu[j] - th * z[j];
      long x = ((v * al + 2048) >> 12) + input;
      long clamped = Math.max(min, Math.min(max, x));
      saturated += clamped != x ? 1 : 0;
      uu[j] = (int) clamped;
      a[j] = 0;
      int fire = clamped >= th ? 1 : 0;
      z[j] = (byte) fire;
      ids[spikes] = j; // overwritten by the next neuron unless this one fired
      spikes += fire;
    }
    spikeCount[l] = spikes;
    stepMembraneSaturations += saturated;
  }

  /**
   * {@link #updateLayer} on an imperfect chip: the synaptic sum times the neuron's gain
   * ({@code sat(rshift_round(acc * gain, 16), 32)}), its own threshold and leak, plus this step's
   * noise ({@code noiseLsb(mix64(noiseKey + element(l, j)))}) before saturation.
   */
  private void updateLayerOnChip(int l, long noiseKey) {
    int n = size[l];
    int[] a = acc[l];
    int[] uu = u[l];
    byte[] z = fired[l];
    int[] b = bias[l];
    int[] ids = spikeIds[l];
    int[] th = thetaOf[l];
    int[] al = alphaOf[l];
    long[] g = gainOf[l];
    int e = wExp[l];
    long max = uMax[l];
    long min = uMin[l];
    long nq = noiseQ8;
    long layerKey = noiseKey + ChipInstance.element(l, 0);
    int spikes = 0;
    int saturated = 0;
    for (int j = 0; j < n; j++) {
      long sum = Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE,
          FixedPoint.rshiftRound(a[j] * g[j], 16)));
      long input = FixedPoint.scale(sum, e) + b[j];
      long v = uu[j] - (long) th[j] * z[j];
      long noise = nq == 0 ? 0 : ChipInstance.noiseLsb(ChipInstance.mix64(layerKey + j), nq);
      long x = ((v * al[j] + 2048) >> 12) + input + noise;
      long clamped = Math.max(min, Math.min(max, x));
      saturated += clamped != x ? 1 : 0;
      uu[j] = (int) clamped;
      a[j] = 0;
      int fire = clamped >= th[j] ? 1 : 0;
      z[j] = (byte) fire;
      ids[spikes] = j;
      spikes += fire;
    }
    spikeCount[l] = spikes;
    stepMembraneSaturations += saturated;
  }

  /**
   * Leaky integration of every output; clears its accumulator. The sum passes the output's gain
   * ({@code sat(rshift_round(acc * gain, 16), 32)}) and the output's offset is added; on a perfect
   * chip gain 2^16 and offset 0 leave {@code o = sat(decay(o, kappa) + scale(acc, wExp) + b, oBits)}
   * exact (acc is 32-bit, so the gain's rounding and saturation do nothing).
   */
  private void updateOutputs() {
    long ka = kappa;
    int saturated = 0;
    for (int k = 0; k < outSize; k++) {
      long sum = Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE,
          FixedPoint.rshiftRound(accOut[k] * outGainOf[k], 16)));
      long input = FixedPoint.scale(sum, outExp) + outBias[k] + outOffsetOf[k];
      long x = ((o[k] * ka + 2048) >> 12) + input;
      if (x > oMax) {
        x = oMax;
        saturated++;
      } else if (x < oMin) {
        x = oMin;
        saturated++;
      }
      o[k] = (int) x;
      accOut[k] = 0;
    }
    stepOutputSaturations = saturated;
  }

  // ------------------------------------------------------------------------------------------
  // Results of the last step (views; valid until the next step)
  // ------------------------------------------------------------------------------------------

  public int layerCount() {
    return layerCount;
  }

  /** Neurons of stage s: hidden layer s for s < layerCount, the output layer for s == layerCount. */
  public int stageSize(int s) {
    return s < layerCount ? size[s] : outSize;
  }

  /** Feed-forward events that arrived at stage s in the last step (before any drop). */
  public int arrivedEvents(int s) {
    return arrived[s];
  }

  /** Feed-forward events that stage s fanned out in the last step. */
  public int deliveredEvents(int s) {
    return delivered[s];
  }

  /** Recurrent events (the layer's own spikes of the step before) stage s fanned out. */
  public int recurrentEvents(int s) {
    return recurrentEvents[s];
  }

  public long stepSops() {
    return stepSops;
  }

  public int stepHiddenSpikes() {
    return stepHiddenSpikes;
  }

  /** Membrane values clamped to uBits in the last step. */
  public int stepMembraneSaturations() {
    return stepMembraneSaturations;
  }

  /** Output values clamped to oBits in the last step. */
  public int stepOutputSaturations() {
    return stepOutputSaturations;
  }

  /** Hidden plus output neurons updated per step. */
  public int neuronsPerStep() {
    return neuronsPerStep;
  }

  /** Spike count of layer l at the last step. */
  public int spikeCount(int l) {
    return spikeCount[l];
  }

  /** Copies layer l's spike ids of the last step, ascending. */
  public int[] spikes(int l) {
    return Arrays.copyOf(spikeIds[l], spikeCount[l]);
  }

  /** Copies layer l's spike ids of the last step into {@code dst}; returns their count. */
  public int copySpikes(int l, int[] dst) {
    System.arraycopy(spikeIds[l], 0, dst, 0, spikeCount[l]);
    return spikeCount[l];
  }

  /** Membrane j of layer l without copying. */
  public int membrane(int l, int j) {
    return u[l][j];
  }

  /** Copies layer l's membranes. */
  public int[] membranes(int l) {
    return u[l].clone();
  }

  /** Copies the outputs. */
  public int[] outputs() {
    return o.clone();
  }

  /** Output k without copying. */
  public int output(int k) {
    return o[k];
  }

  public int outputCount() {
    return outSize;
  }

  // ------------------------------------------------------------------------------------------
  // State
  // ------------------------------------------------------------------------------------------

  /** Zeroes membranes, last spikes and outputs; keeps weights. */
  public void reset() {
    for (int l = 0; l < layerCount; l++) {
      Arrays.fill(u[l], 0);
      Arrays.fill(fired[l], (byte) 0);
      spikeCount[l] = 0;
    }
    Arrays.fill(o, 0);
  }

  /** Copies z_prev of layer l as 0/1 per neuron. */
  public byte[] lastSpikeFlags(int l) {
    return fired[l].clone();
  }

  /**
   * Sets the dynamic state. Checks everything before changing anything: layer count, sizes,
   * 0/1 spike flags, membranes within uBits and outputs within oBits.
   */
  public void setState(int[][] membranes, byte[][] lastSpikes, int[] outputs) {
    if (membranes.length != layerCount || lastSpikes.length != layerCount) {
      throw new IllegalArgumentException("state has " + membranes.length + " membrane and "
          + lastSpikes.length + " spike layers; the network has " + layerCount);
    }
    for (int l = 0; l < layerCount; l++) {
      if (membranes[l].length != size[l] || lastSpikes[l].length != size[l]) {
        throw new IllegalArgumentException("state layer " + l + " has " + membranes[l].length
            + " membranes and " + lastSpikes[l].length + " spike flags; the layer has " + size[l]);
      }
      for (int j = 0; j < size[l]; j++) {
        if (membranes[l][j] < uMin[l] || membranes[l][j] > uMax[l]) {
          throw new IllegalArgumentException("state layer " + l + " membrane " + j + " = "
              + membranes[l][j] + " does not fit uBits " + config.layers().get(l).uBits());
        }
        if (lastSpikes[l][j] != 0 && lastSpikes[l][j] != 1) {
          throw new IllegalArgumentException("state layer " + l + " spike flag " + j + " = "
              + lastSpikes[l][j] + " (must be 0 or 1)");
        }
      }
    }
    if (outputs.length != outSize) {
      throw new IllegalArgumentException("state has " + outputs.length + " outputs; the network has "
          + outSize);
    }
    for (int k = 0; k < outSize; k++) {
      if (outputs[k] < oMin || outputs[k] > oMax) {
        throw new IllegalArgumentException("state output " + k + " = " + outputs[k]
            + " does not fit oBits " + config.output().oBits());
      }
    }
    for (int l = 0; l < layerCount; l++) {
      System.arraycopy(membranes[l], 0, u[l], 0, size[l]);
      System.arraycopy(lastSpikes[l], 0, fired[l], 0, size[l]);
      int c = 0;
      for (int j = 0; j < size[l]; j++) {
        if (fired[l][j] != 0) {
          spikeIds[l][c++] = j;
        }
      }
      spikeCount[l] = c;
    }
    System.arraycopy(outputs, 0, o, 0, outSize);
  }
}
