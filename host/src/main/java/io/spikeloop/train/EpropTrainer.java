package io.spikeloop.train;

import io.spikeloop.checkpoint.StateMap;
import io.spikeloop.data.SpikeSample;
import io.spikeloop.model.ParameterTensor;
import io.spikeloop.model.SnnConfig;
import io.spikeloop.model.SnnParameters;
import io.spikeloop.model.SurrogateTable;
import io.spikeloop.optim.FusedUpdate;
import io.spikeloop.optim.OptimizerSpec;
import io.spikeloop.sim.learning.AdamSchedule;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * e-prop (Bellec et al. 2020, "A solution to the learning dilemma for recurrent networks of
 * spiking neurons") for the spikeloop LIF network without adaptation, in float32, with one
 * optimizer update per time step like tBPTT1 and the same optimizer code ({@link FusedUpdate}).
 * One hidden layer (feed-forward or recurrent), as in the paper's networks.
 *
 * <p>Per sample and step {@code t}, with {@code psi_j = f'(u_j - theta)} the surrogate derivative:
 * <pre>
 *   presynaptic traces  xbar_i = alpha xbar_i + x_i^t      (input; u^t sees W_in x^t)
 *                       zbar_i = alpha zbar_i + z_i^{t-1}  (recurrent; u^t sees W_rec z^{t-1})
 *                       bbar   = alpha bbar + 1            (bias)
 *   eligibility         e_ji   = psi_j (xbar_i | zbar_i | bbar)
 *   readout-filtered    ebar_ji = kappa ebar_ji + e_ji
 *   output traces       zout_j = kappa zout_j + z_j^t,  bout = kappa bout + 1   (exact: o is linear)
 *   error               err_k  = mask (softmax(o^t)_k - [k == y]) / B
 *   learning signal     L_j    = sum_k F_jk err_k (+ ratePenalty / (B n))
 *   gradient            dW_ji = sum_b L_j ebar_ji,  dW_out_kj = sum_b err_k zout_j,
 *                       db_out_k = sum_b err_k bout
 * </pre>
 * The eligibility follows the membrane's own leak only: the reset's dependence on the neuron's
 * spike is not carried (as Bellec et al. do for LIF neurons). The feedback {@code F} is {@code
 * W_out^T} as it stands before the step's update (symmetric e-prop) or a fixed random matrix
 * (random e-prop, {@link #randomFeedback}). Every trace starts at zero with each batch, as the
 * network state does. With {@code alpha = kappa = 0} the traces hold the current step only and
 * e-prop is tBPTT1 exactly.
 *
 * <p>Memory: the filtered eligibility traces {@code ebar} are one float32 per hidden-layer
 * synapse (input, recurrent, bias) and sample of the batch: 4 bytes per hidden-layer parameter
 * per sample, plus 4 bytes per presynaptic unit and per hidden neuron per sample for the
 * presynaptic and output traces. None of it depends on the number of steps {@code T} (BPTT keeps
 * every step's state). Layout and hot loops as in {@link FastTrainer}: weights as rows {@code
 * [pre][post]}, traces as rows {@code [sample][pre][post]}; a trace row is touched only from the
 * first step its presynaptic unit spiked in that sample (before, it is zero by definition).
 */
public final class EpropTrainer implements SnnTrainer {
  private final SnnConfig config;
  private final TrainingObjective objective;
  private final FusedUpdate update;
  private final SurrogateTable surrogateTable;
  private final int maxBatch;
  private final int inputs;
  private final int hidden;
  private final int outputs;
  private final boolean recurrent;
  private final float alpha;
  private final float kappa;
  private final float theta;
  /** Random feedback {@code [hidden][outputs]}, or null for symmetric feedback ({@code W_out^T}). */
  private final float[][] feedback;

  /** One parameter tensor as rows {@code [pre][post]} with optimizer state (as FastTrainer's). */
  private static final class Slot {
    final int post;
    final int pre;
    final float[][] w;
    final float[][] s1;
    final float[][] s2;
    final boolean decayed;

    Slot(ParameterTensor t, boolean adam) {
      decayed = !t.name().endsWith("bias");
      post = t.rows();
      pre = t.cols();
      w = new float[pre][post];
      for (int i = 0; i < post; i++) {
        for (int j = 0; j < pre; j++) {
          w[j][i] = (float) t.values()[i * pre + j];
        }
      }
      s1 = new float[pre][post];
      s2 = adam ? new float[pre][post] : new float[pre][];
    }

    void export(double[] out) {
      for (int i = 0; i < post; i++) {
        for (int j = 0; j < pre; j++) {
          out[i * pre + j] = w[j][i];
        }
      }
    }
  }

  private final List<Slot> slots = new ArrayList<>();
  private final Slot in;
  private final Slot rec;
  private final Slot bias;
  private final Slot out;
  private final Slot outBias;

  // Network state per sample: [b][n] (z and zPrev swap every step), o [b][k].
  private final float[][] u;
  private float[][] z;
  private float[][] zPrev;
  private int[][] spikeIds;
  private int[][] prevSpikeIds;
  private final int[] spikeCount;
  private final int[] prevSpikeCount;
  private final float[][] o;
  // Traces per sample: presynaptic (alpha-filtered), output (kappa-filtered), eligibility (ebar).
  private final float[][] xbar;
  private final float[][] zbar;
  private final float[][] zout;
  private final boolean[][] inStarted;
  private final boolean[][] recStarted;
  private final float[][][] ebarIn;
  private final float[][][] ebarRec;
  private final float[][] ebarBias;
  private float bbar;
  private float bout;
  // Per step: surrogate derivative, learning signal [b][n], output error [b][k].
  private final float[][] psi;
  private final float[][] signal;
  private final float[][] err;
  private final float[] rowScratch;
  private final double[][] outputSum;
  private final int[] lastInput;
  private List<SpikeSample> samples;
  private int batch;

  /**
   * A trainer starting from {@code init} (copied to float32) for batches of up to {@code
   * maxBatch} samples; {@code feedback} is null for symmetric e-prop or a {@code [hidden][outputs]}
   * row-major matrix for random e-prop.
   */
  public EpropTrainer(SnnParameters init, OptimizerSpec optimizer, int maxBatch,
                      TrainingObjective objective, double[] feedback) {
    this.config = init.config();
    if (config.layers() != 1) {
      throw new IllegalArgumentException("--mode eprop trains networks with one hidden layer, got "
          + config.layers() + " (" + config.hidden() + ")");
    }
    if (maxBatch < 1) {
      throw new IllegalArgumentException("batch must be >= 1, got " + maxBatch);
    }
    if (optimizer instanceof OptimizerSpec.QuantizedAdam) {
      throw new IllegalArgumentException("--mode eprop runs with float Adam or SGD, not qadam");
    }
    if (objective.fptt().enabled()) {
      throw new IllegalArgumentException("--fptt-alpha regularises the truncated-BPTT modes "
          + "(tbptt1, tbptt, bptt), not --mode eprop");
    }
    this.objective = objective;
    this.update = new FusedUpdate(optimizer, objective.weightDecay());
    if (update.schedule() != AdamSchedule.DENSE) {
      throw new IllegalArgumentException("--mode eprop updates every element at every step: "
          + "--adam must be dense, got " + update.schedule().name().toLowerCase());
    }
    this.surrogateTable = new SurrogateTable(config.surrogate());
    this.maxBatch = maxBatch;
    this.inputs = config.inputs();
    this.hidden = config.hiddenSize(0);
    this.outputs = config.outputs();
    this.recurrent = config.recurrent();
    this.alpha = (float) config.alpha();
    this.kappa = (float) config.kappa();
    this.theta = (float) config.theta();
    if (feedback != null && feedback.length != hidden * outputs) {
      throw new IllegalArgumentException("random feedback needs " + hidden + " x " + outputs
          + " values, got " + feedback.length);
    }
    this.feedback = feedback == null ? null : new float[hidden][outputs];
    if (feedback != null) {
      for (int j = 0; j < hidden; j++) {
        for (int k = 0; k < outputs; k++) {
          this.feedback[j][k] = (float) feedback[j * outputs + k];
        }
      }
    }
    boolean adam = optimizer instanceof OptimizerSpec.Adam;
    for (ParameterTensor t : init.tensors()) {
      slots.add(new Slot(t, adam));
    }
    int s = 0;
    in = slots.get(s++);
    rec = recurrent ? slots.get(s++) : null;
    bias = slots.get(s++);
    out = slots.get(s++);
    outBias = slots.get(s);
    u = new float[maxBatch][hidden];
    z = new float[maxBatch][hidden];
    zPrev = new float[maxBatch][hidden];
    spikeIds = new int[maxBatch][hidden];
    prevSpikeIds = new int[maxBatch][hidden];
    spikeCount = new int[maxBatch];
    prevSpikeCount = new int[maxBatch];
    o = new float[maxBatch][outputs];
    xbar = new float[maxBatch][inputs];
    zbar = new float[maxBatch][hidden];
    zout = new float[maxBatch][hidden];
    inStarted = new boolean[maxBatch][inputs];
    recStarted = new boolean[maxBatch][recurrent ? hidden : 0];
    ebarIn = new float[maxBatch][inputs][hidden];
    ebarRec = new float[maxBatch][recurrent ? hidden : 0][hidden];
    ebarBias = new float[maxBatch][hidden];
    psi = new float[maxBatch][hidden];
    signal = new float[maxBatch][hidden];
    err = new float[maxBatch][outputs];
    rowScratch = new float[Math.max(hidden, outputs)];
    outputSum = new double[maxBatch][outputs];
    lastInput = new int[maxBatch];
  }

  /**
   * A fixed random feedback matrix {@code [hidden][outputs]} (row-major) drawn like {@code W_out}'s
   * initialisation, {@code U(-1/sqrt(hidden), 1/sqrt(hidden))}, from {@code seed}.
   */
  public static double[] randomFeedback(int hidden, int outputs, long seed) {
    SplittableRandom random = new SplittableRandom(seed ^ 0x6570726f70L);  // "eprop"
    double bound = 1 / Math.sqrt(hidden);
    double[] f = new double[hidden * outputs];
    for (int i = 0; i < f.length; i++) {
      f[i] = random.nextDouble(-bound, bound);
    }
    return f;
  }

  /** Bytes of trace memory for a batch of {@code batch}: independent of the number of steps. */
  public static long traceBytes(SnnConfig config, int batch) {
    long n = config.hiddenSize(0);
    long pre = config.inputs() + (config.recurrent() ? n : 0);
    long eligibility = (pre + 1) * n;          // ebar per hidden-layer parameter
    long presynaptic = pre + n;                // xbar, zbar and zout
    return 4L * batch * (eligibility + presynaptic);
  }

  /** What a training batch did at every step (tests compare it with the golden vectors). */
  record Trace(double[] losses, double[][][] outputs, List<SnnParameters> afterStep) {}

  @Override
  public BatchResult train(List<SpikeSample> batchSamples) {
    return run(batchSamples, null);
  }

  /** Trains on one batch and records every step's loss, outputs and parameters after the update. */
  Trace trainTrace(List<SpikeSample> batchSamples) {
    List<double[][]> outs = new ArrayList<>();
    List<SnnParameters> after = new ArrayList<>();
    List<Double> losses = new ArrayList<>();
    run(batchSamples, (loss, outputsNow) -> {
      losses.add(loss);
      outs.add(outputsNow);
      after.add(parameters());
    });
    return new Trace(losses.stream().mapToDouble(Double::doubleValue).toArray(),
        outs.toArray(double[][][]::new), after);
  }

  private interface StepRecorder {
    void step(double loss, double[][] outputs);
  }

  private BatchResult run(List<SpikeSample> batchSamples, StepRecorder recorder) {
    int steps = begin(batchSamples);
    resetState();
    double lossSum = 0;
    for (int t = 0; t < steps; t++) {
      forwardStep(t, null);
      double loss = lossAndError(t);
      lossSum += loss;
      for (int b = 0; b < batch; b++) {
        for (int k = 0; k < outputs; k++) {
          outputSum[b][k] += o[b][k];
        }
      }
      if (recorder != null) {
        double[][] now = new double[batch][outputs];
        for (int b = 0; b < batch; b++) {
          for (int k = 0; k < outputs; k++) {
            now[b][k] = o[b][k];
          }
        }
        learn(t);
        recorder.step(loss, now);
      } else {
        learn(t);
      }
    }
    int[] predictions = new int[batch];
    int[] summed = new int[batch];
    for (int b = 0; b < batch; b++) {
      predictions[b] = argmax(o[b]);
      summed[b] = Softmax.argmax(outputSum[b]);
    }
    return new BatchResult(lossSum / steps, predictions, summed);
  }

  @Override
  public Inference infer(List<SpikeSample> all) {
    int n = all.size();
    double[][] last = new double[n][outputs];
    double[][] summed = new double[n][outputs];
    long[] spikes = new long[n];
    long[] sops = new long[n];
    for (int from = 0; from < n; from += maxBatch) {
      List<SpikeSample> part = all.subList(from, Math.min(n, from + maxBatch));
      int steps = begin(part);
      resetState();
      long[][] counters = new long[2][batch];
      for (int t = 0; t < steps; t++) {
        forwardStep(t, counters);
        for (int b = 0; b < batch; b++) {
          for (int k = 0; k < outputs; k++) {
            summed[from + b][k] += o[b][k];
          }
        }
      }
      for (int b = 0; b < batch; b++) {
        for (int k = 0; k < outputs; k++) {
          last[from + b][k] = o[b][k];
        }
        spikes[from + b] = counters[0][b];
        sops[from + b] = counters[1][b];
      }
    }
    return new Inference(last, summed, spikes, sops);
  }

  @Override
  public void scaleLearningRate(double scale) {
    update.scaleLearningRate(scale);
  }

  @Override
  public SnnParameters parameters() {
    SnnParameters p = SnnParameters.zeros(config);
    for (int i = 0; i < slots.size(); i++) {
      slots.get(i).export(p.tensors().get(i).values());
    }
    return p;
  }

  /**
   * Per tensor its float32 rows and optimizer rows, the update count and the feedback matrix;
   * the traces start at zero with every batch, so nothing else survives one.
   */
  @Override
  public StateMap saveState() {
    StateMap state = new StateMap();
    state.putText("trainer.kind", "eprop-float32");
    state.putLong("trainer.updates", update.steps());
    for (int i = 0; i < slots.size(); i++) {
      Slot slot = slots.get(i);
      state.putFloats("trainer." + i + ".w", flatten(slot.w, slot.post));
      state.putFloats("trainer." + i + ".s1", flatten(slot.s1, slot.post));
      if (update.spec() instanceof OptimizerSpec.Adam) {
        state.putFloats("trainer." + i + ".s2", flatten(slot.s2, slot.post));
      }
    }
    if (feedback != null) {
      state.putFloats("trainer.feedback", flatten(feedback, outputs));
    }
    return state;
  }

  @Override
  public void restoreState(StateMap state) {
    if (!state.text("trainer.kind").equals("eprop-float32")) {
      throw new IllegalArgumentException("the checkpoint holds a " + state.text("trainer.kind")
          + " trainer, not eprop-float32 (another --mode or --precision?)");
    }
    long updates = state.getLong("trainer.updates");
    List<float[][]> values = new ArrayList<>();
    for (int i = 0; i < slots.size(); i++) {
      Slot slot = slots.get(i);
      int n = slot.pre * slot.post;
      values.add(new float[][] {state.floats("trainer." + i + ".w", n),
          state.floats("trainer." + i + ".s1", n),
          update.spec() instanceof OptimizerSpec.Adam ? state.floats("trainer." + i + ".s2", n)
              : null});
    }
    float[] savedFeedback = feedback == null ? null
        : state.floats("trainer.feedback", hidden * outputs);
    if (savedFeedback != null && !Arrays.equals(savedFeedback, flatten(feedback, outputs))) {
      throw new IllegalArgumentException("the checkpoint's random feedback matrix differs from "
          + "this run's (another --seed?)");
    }
    for (int i = 0; i < slots.size(); i++) {
      Slot slot = slots.get(i);
      unflatten(values.get(i)[0], slot.w);
      unflatten(values.get(i)[1], slot.s1);
      if (values.get(i)[2] != null) {
        unflatten(values.get(i)[2], slot.s2);
      }
    }
    update.restoreSteps(updates);
  }

  private static float[] flatten(float[][] rows, int width) {
    float[] flat = new float[rows.length * width];
    for (int j = 0; j < rows.length; j++) {
      System.arraycopy(rows[j], 0, flat, j * width, width);
    }
    return flat;
  }

  private static void unflatten(float[] flat, float[][] rows) {
    for (int j = 0; j < rows.length; j++) {
      System.arraycopy(flat, j * rows[j].length, rows[j], 0, rows[j].length);
    }
  }

  /** Checks a batch and makes it current; returns its number of steps. */
  private int begin(List<SpikeSample> batchSamples) {
    if (batchSamples.isEmpty() || batchSamples.size() > maxBatch) {
      throw new IllegalArgumentException("batch of " + batchSamples.size()
          + " samples; this trainer takes 1.." + maxBatch);
    }
    int steps = batchSamples.get(0).steps();
    for (SpikeSample s : batchSamples) {
      if (s.steps() != steps) {
        throw new IllegalArgumentException("samples of a batch must have equal steps: " + steps
            + " vs " + s.steps());
      }
      for (int ch : s.channels()) {
        if (ch < 0 || ch >= inputs) {
          throw new IllegalArgumentException("input channel " + ch + " out of range: the network"
              + " has " + inputs + " inputs");
        }
      }
    }
    samples = batchSamples;
    batch = batchSamples.size();
    for (int b = 0; b < batch; b++) {
      lastInput[b] = TrainingObjective.lastInputStep(batchSamples.get(b));
    }
    return steps;
  }

  /** Zero network state and traces for a new batch (eligibility rows are zeroed when started). */
  private void resetState() {
    for (int b = 0; b < batch; b++) {
      Arrays.fill(u[b], 0);
      Arrays.fill(z[b], 0);
      Arrays.fill(zPrev[b], 0);
      Arrays.fill(o[b], 0);
      Arrays.fill(xbar[b], 0);
      Arrays.fill(zbar[b], 0);
      Arrays.fill(zout[b], 0);
      Arrays.fill(inStarted[b], false);
      Arrays.fill(recStarted[b], false);
      Arrays.fill(ebarBias[b], 0);
      Arrays.fill(outputSum[b], 0);
      spikeCount[b] = 0;
      prevSpikeCount[b] = 0;
    }
    bbar = 0;
    bout = 0;
  }

  /** One forward step at time {@code t}; counts spikes and SOPs as FastTrainer does when given. */
  private void forwardStep(int t, long[][] counters) {
    float[][] swap = zPrev;
    zPrev = z;
    z = swap;
    int[][] swapIds = prevSpikeIds;
    prevSpikeIds = spikeIds;
    spikeIds = swapIds;
    System.arraycopy(spikeCount, 0, prevSpikeCount, 0, batch);
    float[] b0 = bias.w[0];
    float[] bOut = outBias.w[0];
    for (int b = 0; b < batch; b++) {
      float[] ub = u[b];
      float[] zp = zPrev[b];
      for (int i = 0; i < hidden; i++) {
        ub[i] = alpha * (ub[i] - theta * zp[i]) + b0[i];
      }
      SpikeSample s = samples.get(b);
      int[] ch = s.channels();
      for (int p = s.offsets()[t]; p < s.offsets()[t + 1]; p++) {
        addRow(ub, in.w[ch[p]], hidden);
      }
      if (recurrent) {
        int[] ids = prevSpikeIds[b];
        for (int p = 0; p < prevSpikeCount[b]; p++) {
          addRow(ub, rec.w[ids[p]], hidden);
        }
      }
      float[] zb = z[b];
      int[] ids = spikeIds[b];
      int c = 0;
      for (int i = 0; i < hidden; i++) {
        if (ub[i] >= theta) {
          zb[i] = 1;
          ids[c++] = i;
        } else {
          zb[i] = 0;
        }
      }
      spikeCount[b] = c;
      float[] ob = o[b];
      for (int k = 0; k < outputs; k++) {
        ob[k] = kappa * ob[k] + bOut[k];
      }
      for (int p = 0; p < c; p++) {
        addRow(ob, out.w[ids[p]], outputs);
      }
      if (counters != null) {
        long inputSpikes = s.offsets()[t + 1] - s.offsets()[t];
        long recSpikes = recurrent ? prevSpikeCount[b] : 0;
        counters[0][b] += c;
        counters[1][b] += inputSpikes * hidden + recSpikes * hidden + (long) c * outputs;
      }
    }
  }

  /**
   * The step's loss (mean over the batch of the cross-entropy of the samples whose step has loss,
   * float64) and the output error {@code err}, scaled by {@code 1/B} and the loss mask.
   */
  private double lossAndError(int t) {
    double sum = 0;
    float scale = (float) (1.0 / batch);
    for (int b = 0; b < batch; b++) {
      if (!objective.hasLoss(t, lastInput[b])) {
        Arrays.fill(err[b], 0f);
        continue;
      }
      float[] ob = o[b];
      double max = Double.NEGATIVE_INFINITY;
      for (int k = 0; k < outputs; k++) {
        max = Math.max(max, ob[k]);
      }
      double total = 0;
      for (int k = 0; k < outputs; k++) {
        total += Math.exp(ob[k] - max);
      }
      int label = samples.get(b).label();
      sum += Math.log(total) + max - ob[label];
      for (int k = 0; k < outputs; k++) {
        double p = Math.exp(ob[k] - max) / total;
        err[b][k] = (float) (p - (k == label ? 1 : 0)) * scale;
      }
    }
    return sum / batch;
  }

  /** Traces, learning signals and one optimizer update for step {@code t}. */
  private void learn(int t) {
    float rate = (float) (objective.ratePenalty() / ((double) batch * hidden));
    for (int b = 0; b < batch; b++) {
      float[] ub = u[b];
      float[] p = psi[b];
      for (int i = 0; i < hidden; i++) {
        p[i] = surrogateTable.at(ub[i] - theta);
      }
      // L_j = sum_k F_jk err_k with F = W_out^T (rows out.w[j] are [k]) or the random matrix,
      // read before this step's update
      float[][] f = feedback != null ? feedback : out.w;
      float[] e = err[b];
      float[] l = signal[b];
      for (int j = 0; j < hidden; j++) {
        float[] fj = f[j];
        float acc = rate;
        for (int k = 0; k < outputs; k++) {
          acc += fj[k] * e[k];
        }
        l[j] = acc;
      }
      float[] zo = zout[b];
      float[] zb = z[b];
      for (int j = 0; j < hidden; j++) {
        zo[j] = kappa * zo[j] + zb[j];
      }
      float[] xb = xbar[b];
      for (int i = 0; i < inputs; i++) {
        xb[i] *= alpha;
      }
      SpikeSample s = samples.get(b);
      int[] ch = s.channels();
      for (int q = s.offsets()[t]; q < s.offsets()[t + 1]; q++) {
        xb[ch[q]] += 1;
      }
      if (recurrent) {
        float[] zr = zbar[b];
        float[] zp = zPrev[b];
        for (int i = 0; i < hidden; i++) {
          zr[i] = alpha * zr[i] + zp[i];
        }
      }
    }
    bbar = alpha * bbar + 1;
    bout = kappa * bout + 1;

    update.begin();
    // output weights: row j gets sum_b zout[b][j] err[b]
    float[] g = rowScratch;
    for (int j = 0; j < hidden; j++) {
      Arrays.fill(g, 0, outputs, 0f);
      boolean any = false;
      for (int b = 0; b < batch; b++) {
        float c = zout[b][j];
        if (c != 0) {
          addScaledRow(g, c, err[b], outputs);
          any = true;
        }
      }
      applyRow(out, j, g, any);
    }
    Arrays.fill(g, 0, outputs, 0f);
    for (int b = 0; b < batch; b++) {
      addScaledRow(g, bout, err[b], outputs);
    }
    applyRow(outBias, 0, g, true);
    eligibilityRows(in, ebarIn, xbar, inStarted, inputs);
    if (recurrent) {
      eligibilityRows(rec, ebarRec, zbar, recStarted, hidden);
    }
    Arrays.fill(g, 0, hidden, 0f);
    for (int b = 0; b < batch; b++) {
      float[] e = ebarBias[b];
      float[] p = psi[b];
      float[] l = signal[b];
      for (int i = 0; i < hidden; i++) {
        float v = kappa * e[i] + bbar * p[i];
        e[i] = v;
        g[i] += l[i] * v;
      }
    }
    applyRow(bias, 0, g, true);
  }

  /**
   * For every presynaptic unit {@code i}: per sample the filtered eligibility row {@code ebar[b][i]
   * = kappa ebar[b][i] + trace[b][i] psi[b]}, the gradient row {@code sum_b signal[b] * ebar[b][i]},
   * and the optimizer update of weight row {@code i}. A row whose unit has not spiked yet in a
   * sample is zero and skipped; it is started (overwritten) at the unit's first spike.
   */
  private void eligibilityRows(Slot slot, float[][][] ebar, float[][] trace, boolean[][] started,
                               int pre) {
    float[] g = rowScratch;
    int n = hidden;
    float k = kappa;
    for (int i = 0; i < pre; i++) {
      boolean any = false;
      for (int b = 0; b < batch; b++) {
        float c = trace[b][i];
        boolean wasStarted = started[b][i];
        if (!wasStarted && c == 0) {
          continue;
        }
        float[] e = ebar[b][i];
        float[] p = psi[b];
        float[] l = signal[b];
        if (!any) {
          Arrays.fill(g, 0, n, 0f);
          any = true;
        }
        if (wasStarted) {
          for (int j = 0; j < n; j++) {
            float v = k * e[j] + c * p[j];
            e[j] = v;
            g[j] += l[j] * v;
          }
        } else {
          started[b][i] = true;
          for (int j = 0; j < n; j++) {
            float v = c * p[j];
            e[j] = v;
            g[j] += l[j] * v;
          }
        }
      }
      applyRow(slot, i, g, any);
    }
  }

  private void applyRow(Slot slot, int row, float[] g, boolean nonzero) {
    if (nonzero) {
      update.row(slot.w[row], slot.s1[row], slot.s2[row], g, slot.decayed);
    } else {
      update.zeroRow(slot.w[row], slot.s1[row], slot.s2[row], slot.decayed);
    }
  }

  private static void addRow(float[] dst, float[] src, int len) {
    for (int i = 0; i < len; i++) {
      dst[i] += src[i];
    }
  }

  private static void addScaledRow(float[] dst, float a, float[] src, int len) {
    for (int i = 0; i < len; i++) {
      dst[i] += a * src[i];
    }
  }

  private int argmax(float[] v) {
    int best = 0;
    for (int i = 1; i < outputs; i++) {
      if (v[i] > v[best]) {
        best = i;
      }
    }
    return best;
  }
}
