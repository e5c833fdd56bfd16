package io.spikeloop.train;

import io.spikeloop.data.SpikeSample;
import io.spikeloop.model.ParameterTensor;
import io.spikeloop.model.SnnConfig;
import io.spikeloop.model.SnnParameters;
import io.spikeloop.model.Surrogate;
import io.spikeloop.optim.FusedUpdate;
import io.spikeloop.optim.OptimizerSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * The optimized float32 trainer: the same maths as {@link ReferenceTrainer} (see its equations),
 * organised for speed on one thread.
 * <ul>
 *   <li>Weight matrices are stored transposed, {@code [pre][post]}: a presynaptic spike adds one
 *       contiguous row to the membranes, so the forward pass costs one vector add per spike
 *       (inputs are ~3% dense, hidden spikes sparse too).</li>
 *   <li>The gradient of a weight row {@code dW[pre j][:] = sum over samples b in which j spiked of
 *       delta[b][:]} is the same sparse pattern. With chunk length 1 (tbptt1) it is formed row by
 *       row and fed straight into the optimizer loop ({@link FusedUpdate}); rows of presynaptic
 *       units that did not spike take the zero-gradient update. No gradient matrix exists.</li>
 *   <li>Longer chunks (bptt, tbptt-k) accumulate gradients sparsely into a gradient array and
 *       backpropagate through {@code [post][pre]} copies of the weights taken once per chunk,
 *       where the product {@code gu W} is a sum of contiguous rows.</li>
 *   <li>State for a chunk of {@code L} steps is {@code L + 1} step buffers allocated once; nothing
 *       is allocated per step. tbptt1 keeps two, so its memory does not grow with T.</li>
 * </ul>
 */
public final class FastTrainer implements SnnTrainer {
  private final SnnConfig config;
  private final TrainingMode mode;
  private final FusedUpdate update;
  private final int maxBatch;
  private final int layers;
  private final int outputs;
  private final int[] size;
  private final int[] fanIn;
  private final float alpha;
  private final float kappa;
  private final float theta;
  private final Surrogate surrogate;

  /** One parameter tensor: values, optimizer state, optional gradient; matrices [pre][post]. */
  private static final class Slot {
    final int post;
    final int pre;
    final float[] w;
    final float[] s1;
    final float[] s2;
    float[] grad;

    Slot(ParameterTensor t, boolean adam) {
      post = t.rows();
      pre = t.cols();
      w = new float[t.values().length];
      for (int i = 0; i < post; i++) {
        for (int j = 0; j < pre; j++) {
          w[j * post + i] = (float) t.values()[i * pre + j];
        }
      }
      s1 = new float[w.length];
      s2 = adam ? new float[w.length] : null;
    }

    /** Writes the values back in canonical {@code [post][pre]} order. */
    void export(double[] out) {
      for (int i = 0; i < post; i++) {
        for (int j = 0; j < pre; j++) {
          out[i * pre + j] = w[j * post + i];
        }
      }
    }

    /** {@code dst[i][j] = w[j][i]}: a {@code [post][pre]} copy for backpropagation. */
    void transposeInto(float[] dst) {
      for (int j = 0; j < pre; j++) {
        int row = j * post;
        for (int i = 0; i < post; i++) {
          dst[i * pre + j] = w[row + i];
        }
      }
    }
  }

  private final List<Slot> slots = new ArrayList<>();
  private final Slot[] in;
  private final Slot[] rec;
  private final Slot[] bias;
  private final Slot out;
  private final Slot outBias;
  /** [post][pre] copies: in[l] for l >= 1, rec[l], out; refreshed before a backward pass. */
  private final float[][] inCanonical;
  private final float[][] recCanonical;
  private final float[] outCanonical;

  /** State after one step; index 0 of the history is the state entering the chunk. */
  private static final class StepState {
    final float[][] u;
    final float[][] z;
    final int[][] ids;
    final int[][] count;
    final float[] o;

    StepState(int[] size, int batch, int outputs) {
      int layers = size.length;
      u = new float[layers][];
      z = new float[layers][];
      ids = new int[layers][];
      count = new int[layers][batch];
      for (int l = 0; l < layers; l++) {
        u[l] = new float[batch * size[l]];
        z[l] = new float[batch * size[l]];
        ids[l] = new int[batch * size[l]];
      }
      o = new float[batch * outputs];
    }

    void clear() {
      for (int l = 0; l < u.length; l++) {
        java.util.Arrays.fill(u[l], 0);
        java.util.Arrays.fill(z[l], 0);
        java.util.Arrays.fill(count[l], 0);
      }
      java.util.Arrays.fill(o, 0);
    }
  }

  private StepState[] history;
  // Backward scratch, [b * size + i].
  private final float[][] gu;
  private final float[][] guNext;
  private final float[] go;
  private final float[] goNext;
  private final float[] gz;
  private final float[] rowScratch;
  // Inverted spike index for fused rows: samples in which presynaptic unit j spiked.
  private final int[] preStart;
  private final int[] preSamples;
  // The batch being processed.
  private List<SpikeSample> samples;
  private int batch;

  /**
   * A trainer starting from {@code init} (copied to float32) for batches of up to
   * {@code maxBatch} samples.
   */
  public FastTrainer(SnnParameters init, TrainingMode mode, OptimizerSpec optimizer, int maxBatch) {
    if (maxBatch < 1) {
      throw new IllegalArgumentException("batch must be >= 1, got " + maxBatch);
    }
    this.config = init.config();
    this.mode = mode;
    this.update = new FusedUpdate(optimizer);
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
    this.surrogate = config.surrogate();
    boolean adam = optimizer instanceof OptimizerSpec.Adam;
    for (ParameterTensor t : init.tensors()) {
      slots.add(new Slot(t, adam));
    }
    in = new Slot[layers];
    rec = new Slot[layers];
    bias = new Slot[layers];
    inCanonical = new float[layers][];
    recCanonical = new float[layers][];
    int s = 0;
    int widest = outputs;
    int widestPre = config.inputs();
    for (int l = 0; l < layers; l++) {
      in[l] = slots.get(s++);
      if (l > 0) {
        inCanonical[l] = new float[in[l].w.length];
      }
      if (config.recurrent()) {
        rec[l] = slots.get(s++);
        recCanonical[l] = new float[rec[l].w.length];
      }
      bias[l] = slots.get(s++);
      widest = Math.max(widest, size[l]);
      widestPre = Math.max(widestPre, size[l]);
    }
    out = slots.get(s++);
    outBias = slots.get(s);
    outCanonical = new float[out.w.length];
    gu = new float[layers][];
    guNext = new float[layers][];
    for (int l = 0; l < layers; l++) {
      gu[l] = new float[maxBatch * size[l]];
      guNext[l] = new float[maxBatch * size[l]];
    }
    go = new float[maxBatch * outputs];
    goNext = new float[maxBatch * outputs];
    gz = new float[maxBatch * widest];
    rowScratch = new float[widest];
    preStart = new int[widestPre + 1];
    preSamples = new int[maxBatch * widestPre];
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
          slot.grad = new float[slot.w.length];
        }
      }
    }
    history[0].clear();
    double lossSum = 0;
    for (int t0 = 0; t0 < steps; t0 += chunk) {
      int len = Math.min(chunk, steps - t0);
      chunkStart = t0;
      for (int s = 1; s <= len; s++) {
        forwardStep(history[s - 1], history[s], t0 + s - 1, null);
        lossSum += loss(history[s].o);
      }
      if (len == 1) {
        backwardStep(1, 1, true);
      } else {
        refreshCanonical(true);
        for (int s = len; s >= 1; s--) {
          backwardStep(s, len, false);
        }
        applyAccumulated();
      }
      StepState last = history[len];
      history[len] = history[0];
      history[0] = last;
    }
    int[] predictions = new int[batch];
    for (int b = 0; b < batch; b++) {
      predictions[b] = argmax(history[0].o, b * outputs, outputs);
    }
    return new BatchResult(lossSum / steps, predictions);
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
      long[] partSpikes = new long[batch];
      long[] partSops = new long[batch];
      StepState prev = history[0];
      StepState cur = history[1];
      prev.clear();
      long[][] counters = {partSpikes, partSops};
      for (int t = 0; t < steps; t++) {
        forwardStep(prev, cur, t, counters);
        for (int b = 0; b < batch; b++) {
          for (int k = 0; k < outputs; k++) {
            summed[from + b][k] += cur.o[b * outputs + k];
          }
        }
        StepState swap = prev;
        prev = cur;
        cur = swap;
      }
      for (int b = 0; b < batch; b++) {
        for (int k = 0; k < outputs; k++) {
          last[from + b][k] = prev.o[b * outputs + k];
        }
        spikes[from + b] = partSpikes[b];
        sops[from + b] = partSops[b];
      }
    }
    return new Inference(last, summed, spikes, sops);
  }

  @Override
  public SnnParameters parameters() {
    SnnParameters p = SnnParameters.zeros(config);
    for (int i = 0; i < slots.size(); i++) {
      slots.get(i).export(p.tensors().get(i).values());
    }
    return p;
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
    return steps;
  }

  /**
   * One forward step from {@code prev} into {@code cur} at time {@code t}; counts spikes and
   * SOPs into {@code counters} ({@code [0]} spikes, {@code [1]} SOPs per sample) when given.
   */
  private void forwardStep(StepState prev, StepState cur, int t, long[][] counters) {
    for (int l = 0; l < layers; l++) {
      int n = size[l];
      float[] wIn = in[l].w;
      float[] b0 = bias[l].w;
      float[] u = cur.u[l];
      float[] uPrev = prev.u[l];
      float[] zPrev = prev.z[l];
      for (int b = 0; b < batch; b++) {
        int off = b * n;
        float a = alpha;
        float th = theta;
        for (int i = 0; i < n; i++) {
          u[off + i] = a * (uPrev[off + i] - th * zPrev[off + i]) + b0[i];
        }
        int[] ids;
        int from;
        int to;
        if (l == 0) {
          SpikeSample s = samples.get(b);
          ids = s.channels();
          from = s.offsets()[t];
          to = s.offsets()[t + 1];
        } else {
          ids = cur.ids[l - 1];
          from = b * fanIn[l];
          to = from + cur.count[l - 1][b];
        }
        for (int p = from; p < to; p++) {
          addRow(u, off, wIn, ids[p] * n, n);
        }
        int recSpikes = 0;
        if (rec[l] != null) {
          float[] wRec = rec[l].w;
          int[] prevIds = prev.ids[l];
          recSpikes = prev.count[l][b];
          for (int p = off; p < off + recSpikes; p++) {
            addRow(u, off, wRec, prevIds[p] * n, n);
          }
        }
        float[] z = cur.z[l];
        int[] spikeIds = cur.ids[l];
        int c = 0;
        for (int i = 0; i < n; i++) {
          if (u[off + i] >= th) {
            z[off + i] = 1;
            spikeIds[off + c++] = i;
          } else {
            z[off + i] = 0;
          }
        }
        cur.count[l][b] = c;
        if (counters != null) {
          int fanOut = l + 1 < layers ? size[l + 1] : outputs;
          counters[0][b] += c;
          long inputFanOut = l == 0 ? (long) (to - from) * n : 0;
          counters[1][b] += inputFanOut + (long) recSpikes * n + (long) c * fanOut;
        }
      }
    }
    int last = layers - 1;
    int n = size[last];
    for (int b = 0; b < batch; b++) {
      int off = b * outputs;
      for (int k = 0; k < outputs; k++) {
        cur.o[off + k] = kappa * prev.o[off + k] + outBias.w[k];
      }
      int[] ids = cur.ids[last];
      for (int p = b * n; p < b * n + cur.count[last][b]; p++) {
        addRow(cur.o, off, out.w, ids[p] * outputs, outputs);
      }
    }
  }

  /** {@code dst[dOff..dOff+len) += src[sOff..sOff+len)}. */
  private static void addRow(float[] dst, int dOff, float[] src, int sOff, int len) {
    for (int i = 0; i < len; i++) {
      dst[dOff + i] += src[sOff + i];
    }
  }

  /** {@code dst[dOff..dOff+len) += a * src[sOff..sOff+len)}. */
  private static void addScaledRow(float[] dst, int dOff, float a, float[] src, int sOff, int len) {
    for (int i = 0; i < len; i++) {
      dst[dOff + i] += a * src[sOff + i];
    }
  }

  /** Mean over the batch of the cross-entropy of outputs {@code o} (float64 arithmetic). */
  private double loss(float[] o) {
    double sum = 0;
    for (int b = 0; b < batch; b++) {
      int off = b * outputs;
      double max = Double.NEGATIVE_INFINITY;
      for (int k = 0; k < outputs; k++) {
        max = Math.max(max, o[off + k]);
      }
      double z = 0;
      for (int k = 0; k < outputs; k++) {
        z += Math.exp(o[off + k] - max);
      }
      sum += Math.log(z) + max - o[off + samples.get(b).label()];
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
   * Backward through step {@code s} of a chunk of {@code len} (see {@link ReferenceTrainer}).
   * With {@code fused} (chunk of one step) the gradient goes straight into the optimizer;
   * otherwise it is accumulated into the slots' gradient arrays.
   */
  private void backwardStep(int s, int len, boolean fused) {
    if (fused) {
      refreshCanonical(false);
    }
    StepState cur = history[s];
    StepState prev = history[s - 1];
    boolean hasNext = s < len;
    float scale = (float) (1.0 / ((double) batch * len));
    for (int b = 0; b < batch; b++) {
      int off = b * outputs;
      double max = Double.NEGATIVE_INFINITY;
      for (int k = 0; k < outputs; k++) {
        max = Math.max(max, cur.o[off + k]);
      }
      double sum = 0;
      for (int k = 0; k < outputs; k++) {
        sum += Math.exp(cur.o[off + k] - max);
      }
      int label = samples.get(b).label();
      for (int k = 0; k < outputs; k++) {
        double p = Math.exp(cur.o[off + k] - max) / sum;
        float e = (float) (p - (k == label ? 1 : 0)) * scale;
        go[off + k] = hasNext ? e + kappa * goNext[off + k] : e;
      }
    }
    for (int l = layers - 1; l >= 0; l--) {
      int n = size[l];
      float[] g = gu[l];
      float[] gNext = guNext[l];
      for (int b = 0; b < batch; b++) {
        int off = b * n;
        java.util.Arrays.fill(gz, off, off + n, 0f);
        if (l == layers - 1) {
          for (int k = 0; k < outputs; k++) {
            addScaledRow(gz, off, go[b * outputs + k], outCanonical, k * n, n);
          }
        } else {
          int above = size[l + 1];
          float[] gAbove = gu[l + 1];
          for (int i = 0; i < above; i++) {
            addScaledRow(gz, off, gAbove[b * above + i], inCanonical[l + 1], i * n, n);
          }
        }
        if (hasNext) {
          if (rec[l] != null) {
            for (int i = 0; i < n; i++) {
              addScaledRow(gz, off, gNext[off + i], recCanonical[l], i * n, n);
            }
          }
          float at = alpha * theta;
          for (int i = 0; i < n; i++) {
            gz[off + i] -= at * gNext[off + i];
          }
        }
        float[] u = cur.u[l];
        for (int i = 0; i < n; i++) {
          float d = gz[off + i] * (float) surrogate.derivative(u[off + i] - theta);
          g[off + i] = hasNext ? d + alpha * gNext[off + i] : d;
        }
      }
    }
    if (fused) {
      update.begin();
      int last = layers - 1;
      fusedRows(out, go, outputs, cur.ids[last], cur.count[last], size[last]);
      fusedBias(outBias, go, outputs);
      for (int l = 0; l < layers; l++) {
        fusedInputRows(l, cur);
        if (rec[l] != null) {
          fusedRows(rec[l], gu[l], size[l], prev.ids[l], prev.count[l], size[l]);
        }
        fusedBias(bias[l], gu[l], size[l]);
      }
    } else {
      int last = layers - 1;
      accumulateRows(out, go, outputs, cur.ids[last], cur.count[last], size[last]);
      accumulateBias(outBias, go, outputs);
      for (int l = 0; l < layers; l++) {
        if (l == 0) {
          for (int b = 0; b < batch; b++) {
            SpikeSample smp = samples.get(b);
            int t = timeOf(s);
            for (int p = smp.offsets()[t]; p < smp.offsets()[t + 1]; p++) {
              addRow(in[0].grad, smp.channels()[p] * size[0], gu[0], b * size[0], size[0]);
            }
          }
        } else {
          accumulateRows(in[l], gu[l], size[l], cur.ids[l - 1], cur.count[l - 1], size[l - 1]);
        }
        if (rec[l] != null) {
          accumulateRows(rec[l], gu[l], size[l], prev.ids[l], prev.count[l], size[l]);
        }
        accumulateBias(bias[l], gu[l], size[l]);
      }
      float[] swap = goNext;
      System.arraycopy(go, 0, swap, 0, batch * outputs);
      for (int l = 0; l < layers; l++) {
        float[] t = guNext[l];
        guNext[l] = gu[l];
        gu[l] = t;
      }
    }
  }

  private int chunkStart;

  private int timeOf(int s) {
    return chunkStart + s - 1;
  }

  private void fusedInputRows(int l, StepState cur) {
    if (l > 0) {
      fusedRows(in[l], gu[l], size[l], cur.ids[l - 1], cur.count[l - 1], size[l - 1]);
      return;
    }
    // Inverted index of this step's input spikes: counting sort by channel.
    int m = fanIn[0];
    int t = timeOf(1);
    int[] start = preStart;
    java.util.Arrays.fill(start, 0, m + 1, 0);
    for (int b = 0; b < batch; b++) {
      SpikeSample smp = samples.get(b);
      for (int p = smp.offsets()[t]; p < smp.offsets()[t + 1]; p++) {
        start[smp.channels()[p] + 1]++;
      }
    }
    int[] next = prefixSums(m);
    for (int b = 0; b < batch; b++) {
      SpikeSample smp = samples.get(b);
      for (int p = smp.offsets()[t]; p < smp.offsets()[t + 1]; p++) {
        preSamples[next[smp.channels()[p]]++] = b;
      }
    }
    fusedFromIndex(in[0], gu[0], size[0], m);
  }

  private int[] cursor = new int[0];

  /** Turns counts in {@code preStart[j+1]} into offsets; returns a fill cursor per row. */
  private int[] prefixSums(int m) {
    int[] start = preStart;
    for (int j = 0; j < m; j++) {
      start[j + 1] += start[j];
    }
    if (cursor.length < m) {
      cursor = new int[m];
    }
    System.arraycopy(start, 0, cursor, 0, m);
    return cursor;
  }

  /** Fused update of a [pre][post] matrix whose presynaptic spikes are per-sample id lists. */
  private void fusedRows(Slot slot, float[] delta, int post, int[] ids, int[] count, int preSize) {
    int[] start = preStart;
    java.util.Arrays.fill(start, 0, preSize + 1, 0);
    for (int b = 0; b < batch; b++) {
      for (int p = b * preSize; p < b * preSize + count[b]; p++) {
        start[ids[p] + 1]++;
      }
    }
    int[] next = prefixSums(preSize);
    for (int b = 0; b < batch; b++) {
      for (int p = b * preSize; p < b * preSize + count[b]; p++) {
        preSamples[next[ids[p]]++] = b;
      }
    }
    fusedFromIndex(slot, delta, post, preSize);
  }

  /** Row {@code j}'s gradient is the sum of {@code delta[b]} over the samples listed for j. */
  private void fusedFromIndex(Slot slot, float[] delta, int post, int preSize) {
    for (int j = 0; j < preSize; j++) {
      int from = preStart[j];
      int to = preStart[j + 1];
      int row = j * post;
      if (from == to) {
        update.zeroRow(slot.w, slot.s1, slot.s2, row, post);
      } else if (to - from == 1) {
        update.row(slot.w, slot.s1, slot.s2, row, post, delta, preSamples[from] * post);
      } else {
        float[] g = rowScratch;
        System.arraycopy(delta, preSamples[from] * post, g, 0, post);
        for (int p = from + 1; p < to; p++) {
          addRow(g, 0, delta, preSamples[p] * post, post);
        }
        update.row(slot.w, slot.s1, slot.s2, row, post, g, 0);
      }
    }
  }

  private void fusedBias(Slot slot, float[] delta, int n) {
    float[] g = rowScratch;
    System.arraycopy(delta, 0, g, 0, n);
    for (int b = 1; b < batch; b++) {
      addRow(g, 0, delta, b * n, n);
    }
    update.row(slot.w, slot.s1, slot.s2, 0, n, g, 0);
  }

  private void accumulateRows(Slot slot, float[] delta, int post, int[] ids, int[] count,
                              int preSize) {
    for (int b = 0; b < batch; b++) {
      for (int p = b * preSize; p < b * preSize + count[b]; p++) {
        addRow(slot.grad, ids[p] * post, delta, b * post, post);
      }
    }
  }

  private void accumulateBias(Slot slot, float[] delta, int n) {
    for (int b = 0; b < batch; b++) {
      addRow(slot.grad, 0, delta, b * n, n);
    }
  }

  private void applyAccumulated() {
    update.begin();
    for (Slot slot : slots) {
      update.row(slot.w, slot.s1, slot.s2, 0, slot.w.length, slot.grad, 0);
      java.util.Arrays.fill(slot.grad, 0f);
    }
  }

  private static int argmax(float[] v, int off, int len) {
    int best = 0;
    for (int i = 1; i < len; i++) {
      if (v[off + i] > v[off + best]) {
        best = i;
      }
    }
    return best;
  }
}
