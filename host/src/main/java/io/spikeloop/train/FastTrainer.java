package io.spikeloop.train;

import io.spikeloop.checkpoint.StateMap;
import io.spikeloop.data.SpikeSample;
import io.spikeloop.model.ParameterTensor;
import io.spikeloop.model.SnnConfig;
import io.spikeloop.model.SnnParameters;
import io.spikeloop.model.SurrogateTable;
import io.spikeloop.optim.FpttRows;
import io.spikeloop.optim.FusedUpdate;
import io.spikeloop.optim.OptimizerSpec;
import io.spikeloop.sim.learning.AdamSchedule;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The optimized float32 trainer: the same maths as {@link ReferenceTrainer} (see its equations),
 * organised for speed on one thread.
 * <ul>
 *   <li>Weight matrices are stored transposed, one array per presynaptic unit ({@code [pre][post]}):
 *       a presynaptic spike adds one contiguous row to the membranes, so the forward pass costs one
 *       vector add per spike (inputs are ~3% dense, hidden spikes sparse too).</li>
 *   <li>The gradient of a weight row, {@code dW[pre j][:] = sum over the samples b in which j
 *       spiked of delta[b][:]}, has the same sparse pattern. With chunk length 1 (tbptt1) it is
 *       formed row by row and fed straight into the optimizer loop ({@link FusedUpdate}); rows of
 *       units that did not spike take the zero-gradient update. No gradient matrix exists.</li>
 *   <li>Longer chunks (bptt, tbptt-k) accumulate gradients sparsely into gradient rows and
 *       backpropagate through {@code [post][pre]} copies of the weights taken once per chunk, where
 *       the product {@code gu W} is a sum of contiguous rows.</li>
 *   <li>Every array a loop touches is indexed from 0 alike (rows, not offsets into one big array):
 *       that is what lets C2 vectorize the loops.</li>
 *   <li>State for a chunk of {@code L} steps is {@code L + 1} step buffers allocated once; nothing
 *       is allocated per step. tbptt1 keeps two, so its memory does not grow with T.</li>
 * </ul>
 */
public final class FastTrainer implements SnnTrainer {
  private final SnnConfig config;
  private final TrainingMode mode;
  private final TrainingObjective objective;
  private final FusedUpdate update;
  private final int maxBatch;
  private final int layers;
  private final int outputs;
  private final int[] size;
  private final int[] fanIn;
  private final float alpha;
  private final float kappa;
  private final float theta;
  private final SurrogateTable surrogateTable;

  /** One parameter tensor as rows {@code [pre][post]} (a bias is one row), with optimizer state. */
  private static final class Slot {
    final int post;
    final int pre;
    final float[][] w;
    final float[][] s1;
    final float[][] s2;
    /** Catch-up Adam only: per element the update at which it was last brought current. */
    final int[][] last;
    /** Weight matrices take the weight decay, biases do not. */
    final boolean decayed;
    /** FPTT only: the running average Wbar and lambda, rows like {@code w}. */
    final float[][] wbar;
    final float[][] lambda;
    float[][] grad;

    Slot(ParameterTensor t, boolean adam, boolean catchUp, boolean fptt) {
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
      last = catchUp ? new int[pre][post] : new int[pre][];
      wbar = fptt ? new float[pre][] : null;
      lambda = fptt ? new float[pre][post] : null;
      if (fptt) {
        for (int j = 0; j < pre; j++) {
          wbar[j] = w[j].clone(); // Wbar starts at the initial weights
        }
      }
    }

    /** Writes the values back in canonical {@code [post][pre]} order. */
    void export(double[] out) {
      for (int i = 0; i < post; i++) {
        for (int j = 0; j < pre; j++) {
          out[i * pre + j] = w[j][i];
        }
      }
    }

    /** {@code dst[i][j] = w[j][i]}: a {@code [post][pre]} copy for backpropagation. */
    void transposeInto(float[][] dst) {
      for (int j = 0; j < pre; j++) {
        float[] row = w[j];
        for (int i = 0; i < post; i++) {
          dst[i][j] = row[i];
        }
      }
    }
  }

  private final List<Slot> slots = new ArrayList<>();
  /** FPTT's kernels, or null without it. */
  private final FpttRows fptt;
  private final Slot[] in;
  private final Slot[] rec;
  private final Slot[] bias;
  private final Slot out;
  private final Slot outBias;
  /** [post][pre] copies: in[l] for l >= 1, rec[l], out; refreshed before a backward pass. */
  private final float[][][] inCanonical;
  private final float[][][] recCanonical;
  private final float[][] outCanonical;
  /** Outputs summed over the steps of the current training batch, [b][k] (float64). */
  private final double[][] outputSum;

  /** State after one step, rows per sample; index 0 of the history enters the chunk. */
  private static final class StepState {
    final float[][][] u;
    final float[][][] z;
    final int[][][] ids;
    final int[][] count;
    final float[][] o;

    StepState(int[] size, int batch, int outputs) {
      int layers = size.length;
      u = new float[layers][][];
      z = new float[layers][][];
      ids = new int[layers][][];
      count = new int[layers][batch];
      for (int l = 0; l < layers; l++) {
        u[l] = new float[batch][size[l]];
        z[l] = new float[batch][size[l]];
        ids[l] = new int[batch][size[l]];
      }
      o = new float[batch][outputs];
    }

    void clear() {
      for (int l = 0; l < u.length; l++) {
        for (int b = 0; b < u[l].length; b++) {
          Arrays.fill(u[l][b], 0);
          Arrays.fill(z[l][b], 0);
        }
        Arrays.fill(count[l], 0);
      }
      for (float[] row : o) {
        Arrays.fill(row, 0);
      }
    }
  }

  private StepState[] history;
  // Backward scratch, rows per sample.
  private float[][][] gu;
  private float[][][] guNext;
  private final float[][] go;
  private final float[][] goNext;
  private final float[][] gz;
  private final float[] rowScratch;
  // Per layer, who spiked into it this step: inputs (or the layer below) and, for recurrent
  // layers, its own spikes of the previous step; and the last layer's spikes feeding the output.
  private final SpikeIndex[] inIndex;
  private final SpikeIndex[] recIndex;
  private final SpikeIndex outIndex;
  // The batch being processed.
  private List<SpikeSample> samples;
  private int batch;
  private int chunkStart;
  /** Per sample of the batch, the step of its last input spike (-1: none), for the loss mask. */
  private final int[] lastInput;

  /**
   * A trainer starting from {@code init} (copied to float32) for batches of up to
   * {@code maxBatch} samples.
   */
  public FastTrainer(SnnParameters init, TrainingMode mode, OptimizerSpec optimizer, int maxBatch) {
    this(init, mode, optimizer, maxBatch, TrainingObjective.PLAIN);
  }

  /** A trainer minimising {@code objective} (loss mask, rate penalty, weight decay). */
  public FastTrainer(SnnParameters init, TrainingMode mode, OptimizerSpec optimizer, int maxBatch,
                     TrainingObjective objective) {
    if (maxBatch < 1) {
      throw new IllegalArgumentException("batch must be >= 1, got " + maxBatch);
    }
    this.config = init.config();
    this.mode = mode;
    this.objective = objective;
    this.update = new FusedUpdate(optimizer, objective.weightDecay());
    if (objective.fptt().enabled() && update.schedule().lazy()) {
      throw new IllegalArgumentException("FPTT regularises every weight at every update; it "
          + "needs a dense optimizer, not the " + update.schedule().cliName() + " Adam schedule "
          + "(use --adam dense)");
    }
    this.fptt = objective.fptt().enabled() ? new FpttRows(objective.fptt()) : null;
    this.lastInput = new int[maxBatch];
    this.maxBatch = maxBatch;
    this.layers = config.layers();
    this.outputs = config.outputs();
    this.size = new int[layers];
    this.fanIn = new int[layers];
    for (int l = 0; l < layers; l++) {
      size[l] = config.hiddenSize(l);
      fanIn[l] = config.layerInputs(l);
    }
    this.alpha = (float) config.alpha();
    this.kappa = (float) config.kappa();
    this.theta = (float) config.theta();
    this.surrogateTable = new SurrogateTable(config.surrogate());
    boolean adam = optimizer instanceof OptimizerSpec.Adam;
    for (ParameterTensor t : init.tensors()) {
      slots.add(new Slot(t, adam, update.schedule() == AdamSchedule.CATCH_UP, fptt != null));
    }
    in = new Slot[layers];
    rec = new Slot[layers];
    bias = new Slot[layers];
    inCanonical = new float[layers][][];
    recCanonical = new float[layers][][];
    gu = new float[layers][][];
    guNext = new float[layers][][];
    int s = 0;
    int widest = outputs;
    for (int l = 0; l < layers; l++) {
      in[l] = slots.get(s++);
      if (l > 0) {
        inCanonical[l] = new float[size[l]][fanIn[l]];
      }
      if (config.recurrent()) {
        rec[l] = slots.get(s++);
        recCanonical[l] = new float[size[l]][size[l]];
      }
      bias[l] = slots.get(s++);
      gu[l] = new float[maxBatch][size[l]];
      guNext[l] = new float[maxBatch][size[l]];
      widest = Math.max(widest, size[l]);
    }
    out = slots.get(s++);
    outBias = slots.get(s);
    outCanonical = new float[outputs][size[layers - 1]];
    outputSum = new double[maxBatch][outputs];
    go = new float[maxBatch][outputs];
    goNext = new float[maxBatch][outputs];
    gz = new float[maxBatch][widest];
    rowScratch = new float[widest];
    inIndex = new SpikeIndex[layers];
    recIndex = new SpikeIndex[layers];
    for (int l = 0; l < layers; l++) {
      inIndex[l] = new SpikeIndex(fanIn[l], maxBatch);
      recIndex[l] = new SpikeIndex(size[l], maxBatch);
    }
    outIndex = new SpikeIndex(size[layers - 1], maxBatch);
    history = newHistory(1);
  }

  private StepState[] newHistory(int chunk) {
    StepState[] h = new StepState[chunk + 1];
    for (int i = 0; i <= chunk; i++) {
      h[i] = new StepState(size, maxBatch, outputs);
    }
    return h;
  }

  @Override
  public BatchResult train(List<SpikeSample> batchSamples) {
    int steps = begin(batchSamples);
    int chunk = mode.chunk(steps);
    if (history.length < chunk + 1) {
      history = newHistory(chunk);
    }
    if (chunk > 1) {
      for (Slot slot : slots) {
        if (slot.grad == null) {
          slot.grad = new float[slot.pre][slot.post];
        }
      }
    }
    history[0].clear();
    for (int b = 0; b < batch; b++) {
      Arrays.fill(outputSum[b], 0);
    }
    double lossSum = 0;
    for (int t0 = 0; t0 < steps; t0 += chunk) {
      int len = Math.min(chunk, steps - t0);
      chunkStart = t0;
      for (int s = 1; s <= len; s++) {
        forwardStep(history[s - 1], history[s], t0 + s - 1, null);
        lossSum += loss(history[s].o, t0 + s - 1);
        addOutputs(history[s].o);
      }
      if (len == 1) {
        refreshCanonical(false);
        backwardStep(1, 1);
        applyFused();
      } else {
        refreshCanonical(true);
        for (int s = len; s >= 1; s--) {
          backwardStep(s, len);
          accumulate(s);
          swapNext();
        }
        applyAccumulated();
      }
      StepState last = history[len];
      history[len] = history[0];
      history[0] = last;
    }
    flushDeferredUpdates();
    int[] predictions = new int[batch];
    int[] summedPredictions = new int[batch];
    for (int b = 0; b < batch; b++) {
      predictions[b] = argmax(history[0].o[b]);
      summedPredictions[b] = Softmax.argmax(outputSum[b]);
    }
    return new BatchResult(lossSum / steps, predictions, summedPredictions);
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
      long[][] counters = new long[2][batch];
      StepState prev = history[0];
      StepState cur = history[1];
      prev.clear();
      for (int t = 0; t < steps; t++) {
        forwardStep(prev, cur, t, counters);
        for (int b = 0; b < batch; b++) {
          for (int k = 0; k < outputs; k++) {
            summed[from + b][k] += cur.o[b][k];
          }
        }
        StepState swap = prev;
        prev = cur;
        cur = swap;
      }
      for (int b = 0; b < batch; b++) {
        for (int k = 0; k < outputs; k++) {
          last[from + b][k] = prev.o[b][k];
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
   * Per tensor its float32 rows {@code [pre][post]} and optimizer rows (Adam's m and v, or
   * SGD's momentum buffer), flattened, and the update count; nothing else survives a batch.
   */
  @Override
  public StateMap saveState() {
    StateMap out = new StateMap();
    out.putText("trainer.kind", "fast-float32");
    out.putLong("trainer.updates", update.steps());
    for (int i = 0; i < slots.size(); i++) {
      Slot slot = slots.get(i);
      out.putFloats("trainer." + i + ".w", flatten(slot.w, slot.post));
      out.putFloats("trainer." + i + ".s1", flatten(slot.s1, slot.post));
      if (update.spec() instanceof OptimizerSpec.Adam) {
        out.putFloats("trainer." + i + ".s2", flatten(slot.s2, slot.post));
      }
      if (update.schedule() == AdamSchedule.CATCH_UP) {
        out.putInts("trainer." + i + ".last", flattenInts(slot.last, slot.post));
      }
      if (fptt != null) {
        out.putFloats("trainer." + i + ".fptt.wbar", flatten(slot.wbar, slot.post));
        out.putFloats("trainer." + i + ".fptt.lambda", flatten(slot.lambda, slot.post));
      }
    }
    return out;
  }

  @Override
  public void restoreState(StateMap in) {
    if (!in.text("trainer.kind").equals("fast-float32")) {
      throw new IllegalArgumentException("the checkpoint holds a " + in.text("trainer.kind")
          + " trainer, not fast-float32 (another --precision?)");
    }
    long updates = in.getLong("trainer.updates");
    // Read everything first: a state of the wrong shape must not leave this trainer half-restored.
    List<float[][]> values = new ArrayList<>();
    List<int[]> lastValues = new ArrayList<>();
    List<float[][]> fpttValues = new ArrayList<>();
    if (fptt != null && !in.has("trainer.0.fptt.wbar")) {
      throw new IllegalArgumentException("the checkpoint has no FPTT state (its run was trained "
          + "without --fptt-alpha)");
    }
    for (int i = 0; i < slots.size(); i++) {
      Slot slot = slots.get(i);
      int n = slot.pre * slot.post;
      if (update.schedule() == AdamSchedule.CATCH_UP) {
        lastValues.add(in.ints("trainer." + i + ".last", n));
      }
      if (fptt != null) {
        fpttValues.add(new float[][] {in.floats("trainer." + i + ".fptt.wbar", n),
            in.floats("trainer." + i + ".fptt.lambda", n)});
      }
      values.add(new float[][] {in.floats("trainer." + i + ".w", n),
          in.floats("trainer." + i + ".s1", n),
          update.spec() instanceof OptimizerSpec.Adam ? in.floats("trainer." + i + ".s2", n) : null});
    }
    for (int i = 0; i < slots.size(); i++) {
      Slot slot = slots.get(i);
      unflatten(values.get(i)[0], slot.w);
      unflatten(values.get(i)[1], slot.s1);
      if (values.get(i)[2] != null) {
        unflatten(values.get(i)[2], slot.s2);
      }
      if (!lastValues.isEmpty()) {
        int[] flat = lastValues.get(i);
        for (int j = 0; j < slot.pre; j++) {
          System.arraycopy(flat, j * slot.post, slot.last[j], 0, slot.post);
        }
      }
      if (!fpttValues.isEmpty()) {
        unflatten(fpttValues.get(i)[0], slot.wbar);
        unflatten(fpttValues.get(i)[1], slot.lambda);
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

  private static int[] flattenInts(int[][] rows, int width) {
    int[] flat = new int[rows.length * width];
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
      int[] ch = s.channels();
      for (int t = 0; t < steps; t++) {
        int end = s.offsets()[t + 1];
        if (end > s.offsets()[t] && ch[end - 1] >= config.inputs()) {
          throw new IllegalArgumentException("input channel " + ch[end - 1]
              + " out of range: the network has " + config.inputs() + " inputs");
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

  /**
   * One forward step from {@code prev} into {@code cur} at time {@code t}; counts spikes and
   * SOPs into {@code counters} ({@code [0]} spikes, {@code [1]} SOPs per sample) when given.
   * Leaves this step's spike indexes in {@code inIndex}, {@code recIndex} and {@code outIndex}.
   */
  private void forwardStep(StepState prev, StepState cur, int t, long[][] counters) {
    float a = alpha;
    float th = theta;
    for (int l = 0; l < layers; l++) {
      int n = size[l];
      float[] b0 = bias[l].w[0];
      for (int b = 0; b < batch; b++) {
        float[] u = cur.u[l][b];
        float[] uPrev = prev.u[l][b];
        float[] zPrev = prev.z[l][b];
        for (int i = 0; i < n; i++) {
          u[i] = a * (uPrev[i] - th * zPrev[i]) + b0[i];
        }
      }
      if (l == 0) {
        inIndex[0].fromSamples(samples, t, fanIn[0]);
      } else {
        inIndex[l].fromLists(cur.ids[l - 1], cur.count[l - 1], batch, fanIn[l]);
      }
      addRows(cur.u[l], in[l].w, inIndex[l], n);
      if (rec[l] != null) {
        recIndex[l].fromLists(prev.ids[l], prev.count[l], batch, n);
        addRows(cur.u[l], rec[l].w, recIndex[l], n);
      }
      for (int b = 0; b < batch; b++) {
        float[] u = cur.u[l][b];
        float[] z = cur.z[l][b];
        int[] spikeIds = cur.ids[l][b];
        int c = 0;
        for (int i = 0; i < n; i++) {
          if (u[i] >= th) {
            z[i] = 1;
            spikeIds[c++] = i;
          } else {
            z[i] = 0;
          }
        }
        cur.count[l][b] = c;
        if (counters != null) {
          int fanOut = l + 1 < layers ? size[l + 1] : outputs;
          long inputs = l == 0 ? inputCount(samples.get(b), t) : 0;
          long recSpikes = rec[l] != null ? prev.count[l][b] : 0;
          counters[0][b] += c;
          counters[1][b] += inputs * n + recSpikes * n + (long) c * fanOut;
        }
      }
    }
    int last = layers - 1;
    float[] bOut = outBias.w[0];
    for (int b = 0; b < batch; b++) {
      float[] o = cur.o[b];
      float[] oPrev = prev.o[b];
      for (int k = 0; k < outputs; k++) {
        o[k] = kappa * oPrev[k] + bOut[k];
      }
    }
    outIndex.fromLists(cur.ids[last], cur.count[last], batch, size[last]);
    addRows(cur.o, out.w, outIndex, outputs);
  }

  private static int inputCount(SpikeSample s, int t) {
    return s.offsets()[t + 1] - s.offsets()[t];
  }

  /** {@code target[b] += rows[j]} for every spike (j, b) of the index, row by row. */
  private static void addRows(float[][] target, float[][] rows, SpikeIndex index, int n) {
    int[] start = index.start;
    int[] sample = index.sample;
    for (int j = 0; j < index.units(); j++) {
      float[] row = rows[j];
      for (int p = start[j]; p < start[j + 1]; p++) {
        addRow(target[sample[p]], row, n);
      }
    }
  }

  /** {@code dst[0..len) += src[0..len)}. */
  private static void addRow(float[] dst, float[] src, int len) {
    for (int i = 0; i < len; i++) {
      dst[i] += src[i];
    }
  }

  /** {@code dst[0..len) += a * src[0..len)}. */
  private static void addScaledRow(float[] dst, float a, float[] src, int len) {
    for (int i = 0; i < len; i++) {
      dst[i] += a * src[i];
    }
  }

  /** Adds one step's outputs to the running sum over the sequence (the summed readout). */
  private void addOutputs(float[][] o) {
    for (int b = 0; b < batch; b++) {
      for (int k = 0; k < outputs; k++) {
        outputSum[b][k] += o[b][k];
      }
    }
  }

  /**
   * Sum over the samples whose step {@code t} carries loss of the cross-entropy of outputs
   * {@code o}, divided by the batch size (float64 arithmetic).
   */
  private double loss(float[][] o, int t) {
    double sum = 0;
    for (int b = 0; b < batch; b++) {
      if (!objective.hasLoss(t, lastInput[b])) {
        continue;
      }
      double max = Double.NEGATIVE_INFINITY;
      for (int k = 0; k < outputs; k++) {
        max = Math.max(max, o[b][k]);
      }
      double z = 0;
      for (int k = 0; k < outputs; k++) {
        z += Math.exp(o[b][k] - max);
      }
      sum += Math.log(z) + max - o[b][samples.get(b).label()];
    }
    return sum / batch;
  }

  private void refreshCanonical(boolean withRecurrent) {
    out.transposeInto(outCanonical);
    for (int l = 1; l < layers; l++) {
      in[l].transposeInto(inCanonical[l]);
    }
    if (withRecurrent && config.recurrent()) {
      for (int l = 0; l < layers; l++) {
        rec[l].transposeInto(recCanonical[l]);
      }
    }
  }

  /**
   * Backward through step {@code s} of a chunk of {@code len} steps (see {@link
   * ReferenceTrainer}): fills {@code go} and {@code gu}, using {@code goNext}/{@code guNext} from
   * step {@code s+1} when {@code s < len}.
   */
  private void backwardStep(int s, int len) {
    StepState cur = history[s];
    boolean hasNext = s < len;
    float scale = (float) (1.0 / ((double) batch * len));
    int t = chunkStart + s - 1;
    for (int b = 0; b < batch; b++) {
      float[] o = cur.o[b];
      if (!objective.hasLoss(t, lastInput[b])) {
        for (int k = 0; k < outputs; k++) {
          go[b][k] = hasNext ? kappa * goNext[b][k] : 0f;
        }
        continue;
      }
      double max = Double.NEGATIVE_INFINITY;
      for (int k = 0; k < outputs; k++) {
        max = Math.max(max, o[k]);
      }
      double sum = 0;
      for (int k = 0; k < outputs; k++) {
        sum += Math.exp(o[k] - max);
      }
      int label = samples.get(b).label();
      for (int k = 0; k < outputs; k++) {
        double p = Math.exp(o[k] - max) / sum;
        float e = (float) (p - (k == label ? 1 : 0)) * scale;
        go[b][k] = hasNext ? e + kappa * goNext[b][k] : e;
      }
    }
    float at = alpha * theta;
    for (int l = layers - 1; l >= 0; l--) {
      int n = size[l];
      for (int b = 0; b < batch; b++) {
        Arrays.fill(gz[b], 0, n, 0f);
      }
      if (l == layers - 1) {
        addProduct(gz, go, outCanonical, outputs, n);
      } else {
        addProduct(gz, gu[l + 1], inCanonical[l + 1], size[l + 1], n);
      }
      if (hasNext && rec[l] != null) {
        addProduct(gz, guNext[l], recCanonical[l], n, n);
      }
      // d(rate term)/dz of every neuron of this layer: ratePenalty / (B L n)
      float rate = (float) (objective.ratePenalty() / ((double) batch * len * n));
      for (int b = 0; b < batch; b++) {
        float[] z = gz[b];
        float[] g = gu[l][b];
        float[] u = cur.u[l][b];
        if (rate != 0) {
          for (int i = 0; i < n; i++) {
            z[i] += rate;
          }
        }
        if (hasNext) {
          float[] gNext = guNext[l][b];
          for (int i = 0; i < n; i++) {
            float d = (z[i] - at * gNext[i]) * surrogate(u[i]);
            g[i] = d + alpha * gNext[i];
          }
        } else {
          for (int i = 0; i < n; i++) {
            g[i] = z[i] * surrogate(u[i]);
          }
        }
      }
    }
  }

  /**
   * {@code gz[b][:] += sum_i coeff[b][i] * rows[i][:]} for every sample, in blocks of samples so
   * that each row is read from cache once per block, not once per sample.
   */
  private void addProduct(float[][] gz, float[][] coeff, float[][] rows, int nRows, int n) {
    for (int b0 = 0; b0 < batch; b0 += SAMPLE_BLOCK) {
      int b1 = Math.min(batch, b0 + SAMPLE_BLOCK);
      int i = 0;
      // Four rows per pass: each target element is loaded and stored once per four rows.
      for (; i + 4 <= nRows; i += 4) {
        float[] r0 = rows[i];
        float[] r1 = rows[i + 1];
        float[] r2 = rows[i + 2];
        float[] r3 = rows[i + 3];
        for (int b = b0; b < b1; b++) {
          float[] c = coeff[b];
          addScaledRows(gz[b], c[i], r0, c[i + 1], r1, c[i + 2], r2, c[i + 3], r3, n);
        }
      }
      for (; i < nRows; i++) {
        for (int b = b0; b < b1; b++) {
          addScaledRow(gz[b], coeff[b][i], rows[i], n);
        }
      }
    }
  }

  /** {@code dst += a0 r0 + a1 r1 + a2 r2 + a3 r3} over {@code [0, len)}. */
  private static void addScaledRows(float[] dst, float a0, float[] r0, float a1, float[] r1,
                                    float a2, float[] r2, float a3, float[] r3, int len) {
    for (int j = 0; j < len; j++) {
      dst[j] += a0 * r0[j] + a1 * r1[j] + a2 * r2[j] + a3 * r3[j];
    }
  }

  private static final int SAMPLE_BLOCK = 8;

  private float surrogate(float u) {
    return surrogateTable.at(u - theta);
  }

  private void swapNext() {
    for (int b = 0; b < batch; b++) {
      System.arraycopy(go[b], 0, goNext[b], 0, outputs);
    }
    float[][][] t = guNext;
    guNext = gu;
    gu = t;
  }

  /** Adds step {@code s}'s gradient (in {@code go}, {@code gu}) to the gradient rows. */
  private void accumulate(int s) {
    StepState cur = history[s];
    StepState prev = history[s - 1];
    int last = layers - 1;
    int t = chunkStart + s - 1;
    outIndex.fromLists(cur.ids[last], cur.count[last], batch, size[last]);
    gradientRows(out.grad, go, outIndex, outputs);
    for (int b = 0; b < batch; b++) {
      addRow(outBias.grad[0], go[b], outputs);
    }
    for (int l = 0; l < layers; l++) {
      int n = size[l];
      if (l == 0) {
        inIndex[0].fromSamples(samples, t, fanIn[0]);
      } else {
        inIndex[l].fromLists(cur.ids[l - 1], cur.count[l - 1], batch, fanIn[l]);
      }
      gradientRows(in[l].grad, gu[l], inIndex[l], n);
      if (rec[l] != null) {
        recIndex[l].fromLists(prev.ids[l], prev.count[l], batch, n);
        gradientRows(rec[l].grad, gu[l], recIndex[l], n);
      }
      for (int b = 0; b < batch; b++) {
        addRow(bias[l].grad[0], gu[l][b], n);
      }
    }
  }

  /** {@code grad[j] += delta[b]} for every spike (j, b) of the index. */
  private static void gradientRows(float[][] grad, float[][] delta, SpikeIndex index, int n) {
    int[] start = index.start;
    int[] sample = index.sample;
    for (int j = 0; j < index.units(); j++) {
      float[] g = grad[j];
      for (int p = start[j]; p < start[j + 1]; p++) {
        addRow(g, delta[sample[p]], n);
      }
    }
  }

  /** Catch-up Adam: every element brought to the last update, so callers read current weights. */
  private void flushDeferredUpdates() {
    if (update.schedule() != AdamSchedule.CATCH_UP) {
      return;
    }
    for (Slot slot : slots) {
      for (int j = 0; j < slot.pre; j++) {
        update.flushRow(slot.w[j], slot.s1[j], slot.s2[j], slot.last[j]);
      }
    }
  }

  private void applyAccumulated() {
    update.begin();
    for (Slot slot : slots) {
      for (int j = 0; j < slot.pre; j++) {
        if (fptt != null) {
          fptt.addGradient(slot.grad[j], slot.w[j], slot.wbar[j], slot.lambda[j]);
        }
        update.row(slot.w[j], slot.s1[j], slot.s2[j], slot.last[j], slot.grad[j], slot.decayed);
        if (fptt != null) {
          fptt.afterStep(slot.w[j], slot.wbar[j], slot.lambda[j]);
        }
        Arrays.fill(slot.grad[j], 0f);
      }
    }
  }

  /**
   * One tbptt1 update: every row's gradient formed on the fly from the spike indexes the forward
   * step left behind, and consumed at once.
   */
  private void applyFused() {
    update.begin();
    fusedRows(out, go, outIndex);
    fusedBias(outBias, go);
    for (int l = 0; l < layers; l++) {
      fusedRows(in[l], gu[l], inIndex[l]);
      if (rec[l] != null) {
        fusedRows(rec[l], gu[l], recIndex[l]);
      }
      fusedBias(bias[l], gu[l]);
    }
  }

  /** Row {@code j}'s gradient is the sum of {@code delta[b]} over the samples indexed for j. */
  private void fusedRows(Slot slot, float[][] delta, SpikeIndex index) {
    if (fptt != null) {
      fusedRowsFptt(slot, delta, index);
      return;
    }
    int post = slot.post;
    int[] start = index.start;
    int[] sample = index.sample;
    for (int j = 0; j < slot.pre; j++) {
      int from = start[j];
      int to = start[j + 1];
      if (from == to) {
        update.zeroRow(slot.w[j], slot.s1[j], slot.s2[j], slot.decayed);
      } else if (to - from == 1) {
        update.row(slot.w[j], slot.s1[j], slot.s2[j], slot.last[j], delta[sample[from]],
            slot.decayed);
      } else {
        float[] g = rowScratch;
        System.arraycopy(delta[sample[from]], 0, g, 0, post);
        for (int p = from + 1; p < to; p++) {
          addRow(g, delta[sample[p]], post);
        }
        update.row(slot.w[j], slot.s1[j], slot.s2[j], slot.last[j], g, slot.decayed);
      }
    }
  }

  /**
   * {@link #fusedRows} with FPTT: every row steps (its regulariser gradient is not zero), the
   * loss gradient summed into the scratch row first (the delta rows are shared by other tensors).
   */
  private void fusedRowsFptt(Slot slot, float[][] delta, SpikeIndex index) {
    int post = slot.post;
    int[] start = index.start;
    int[] sample = index.sample;
    float[] g = rowScratch; // FPTT's kernels run over w.length, like the optimizer's
    for (int j = 0; j < slot.pre; j++) {
      int from = start[j];
      int to = start[j + 1];
      if (from == to) {
        fptt.setGradient(g, slot.w[j], slot.wbar[j], slot.lambda[j]);
      } else {
        System.arraycopy(delta[sample[from]], 0, g, 0, post);
        for (int p = from + 1; p < to; p++) {
          addRow(g, delta[sample[p]], post);
        }
        fptt.addGradient(g, slot.w[j], slot.wbar[j], slot.lambda[j]);
      }
      update.row(slot.w[j], slot.s1[j], slot.s2[j], slot.last[j], g, slot.decayed);
      fptt.afterStep(slot.w[j], slot.wbar[j], slot.lambda[j]);
    }
  }

  private void fusedBias(Slot slot, float[][] delta) {
    int n = slot.post;
    float[] g = rowScratch;
    System.arraycopy(delta[0], 0, g, 0, n);
    for (int b = 1; b < batch; b++) {
      addRow(g, delta[b], n);
    }
    if (fptt != null) {
      fptt.addGradient(g, slot.w[0], slot.wbar[0], slot.lambda[0]);
    }
    update.row(slot.w[0], slot.s1[0], slot.s2[0], slot.last[0], g, false);
    if (fptt != null) {
      fptt.afterStep(slot.w[0], slot.wbar[0], slot.lambda[0]);
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
