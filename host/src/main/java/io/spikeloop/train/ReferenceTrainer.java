package io.spikeloop.train;

import io.spikeloop.checkpoint.StateMap;
import io.spikeloop.data.SpikeSample;
import io.spikeloop.model.SnnConfig;
import io.spikeloop.model.SnnParameters;
import io.spikeloop.model.SpikeFunction;
import io.spikeloop.optim.Optimizer;
import io.spikeloop.optim.OptimizerSpec;
import java.util.List;

/**
 * The float64 reference: dense arrays, one loop per equation, gradients derived by hand. It is the
 * readable statement of the maths (and is checked against finite differences and the golden
 * vectors); {@link FastTrainer} is the optimized float32 path checked against it.
 *
 * <p>Every mode is chunked backpropagation ({@link TrainingMode}): forward a chunk of {@code L}
 * steps from a detached state, loss {@code (1/L) sum_s mean_b CE(o_s, y_b)}, backward through the
 * chunk, one optimizer update. Backward, per step {@code s} from the last, with
 * {@code e_s = (softmax(o_s) - onehot(y)) / (B L)}:
 * <pre>
 *   go_s  = e_s + kappa go_{s+1}                                output integrator
 *   gz_s  = go_s W_out          (last layer)  or  gu^{l+1}_s W_in^{l+1}   (layers below)
 *         + gu_{s+1} (W_rec - alpha theta I)                   recurrence and reset
 *   gu_s  = gz_s * f'(u_s - theta) + alpha gu_{s+1}            leak
 *   dW_out += go_s^T z_s,  db_out += go_s,  dW_in += gu_s^T in_s,  dW_rec += gu_s^T z_{s-1},  db += gu_s
 * </pre>
 * with {@code f'} the surrogate; terms from {@code s+1} are absent at the chunk's last step.
 *
 * <p>A {@link TrainingObjective} other than plain multiplies {@code e_s} of a sample by its loss
 * mask (0 or 1), adds the rate penalty's {@code ratePenalty / (B L n_l)} to {@code gz_s} of every
 * neuron of hidden layer {@code l}, and multiplies the weight matrices by {@code 1 - lr decay}
 * before each optimizer step.
 */
public final class ReferenceTrainer implements SnnTrainer {
  private final SnnParameters params;
  private final SnnConfig config;
  private final SpikeFunction spike;
  private final TrainingMode mode;
  private final TrainingObjective objective;
  private final OptimizerSpec optimizerSpec;
  private final Optimizer optimizer;
  private final double[][] paramArrays;

  public ReferenceTrainer(SnnParameters params, SpikeFunction spike, TrainingMode mode,
                          OptimizerSpec optimizer) {
    this(params, spike, mode, optimizer, TrainingObjective.PLAIN);
  }

  /** A trainer minimising {@code objective} (loss mask, rate penalty, weight decay). */
  public ReferenceTrainer(SnnParameters params, SpikeFunction spike, TrainingMode mode,
                          OptimizerSpec optimizer, TrainingObjective objective) {
    if (objective.weightDecay() > 0 && optimizer instanceof OptimizerSpec.QuantizedAdam) {
      throw new IllegalArgumentException("weight decay is not implemented for quantized Adam "
          + "(its weights live in the integer master copy)");
    }
    if (objective.fptt().enabled() && optimizer instanceof OptimizerSpec.QuantizedAdam) {
      throw new IllegalArgumentException("FPTT is not implemented for quantized Adam (its "
          + "weights live in the integer master copy)");
    }
    this.objective = objective;
    this.optimizerSpec = optimizer;
    this.params = params;
    this.config = params.config();
    this.spike = spike;
    this.mode = mode;
    this.paramArrays = arrays(params);
    int[] sizes = new int[paramArrays.length];
    for (int i = 0; i < sizes.length; i++) {
      sizes[i] = paramArrays[i].length;
    }
    this.optimizer = objective.fptt().around(optimizer.create(sizes));
  }

  /** Everything one training sequence produced (for tests and golden vectors). */
  public record Trace(double[] losses, double[][][] outputs, int[] predictions,
                      SnnParameters lastGradient) {}

  @Override
  public BatchResult train(List<SpikeSample> batch) {
    Trace trace = trainTrace(dense(batch), labels(batch));
    double sum = 0;
    for (double l : trace.losses) {
      sum += l;
    }
    int[] summed = new int[trace.predictions.length];
    for (int b = 0; b < summed.length; b++) {
      double[] total = new double[config.outputs()];
      for (double[][] o : trace.outputs) {
        for (int k = 0; k < total.length; k++) {
          total[k] += o[b][k];
        }
      }
      summed[b] = Softmax.argmax(total);
    }
    return new BatchResult(sum / trace.losses.length, trace.predictions, summed);
  }

  /**
   * Trains on dense inputs {@code x[t][b][M]} (0/1) with labels {@code y[b]}; returns per-step
   * losses, the outputs {@code o[t][b][k]} (before that step's update acts) and the gradient of
   * the last update.
   */
  public Trace trainTrace(double[][][] x, int[] y) {
    int steps = x.length;
    int batch = y.length;
    int chunk = mode.chunk(steps);
    State state = new State(config, batch);
    double[] losses = new double[steps];
    double[][][] outputs = new double[steps][][];
    SnnParameters grad = null;
    int[] lastInput = lastInputSteps(x, batch);
    double keep = 1 - optimizerSpec.lr() * objective.weightDecay();
    for (int t0 = 0; t0 < steps; t0 += chunk) {
      int len = Math.min(chunk, steps - t0);
      Chunk c = forward(state, x, t0, len, y, lastInput);
      for (int s = 0; s < len; s++) {
        losses[t0 + s] = c.losses[s];
        outputs[t0 + s] = copy(c.o[s]);
      }
      grad = backward(c, y, lastInput);
      if (keep != 1) {
        for (var t : params.tensors()) {
          if (!t.name().endsWith("bias")) {
            double[] w = t.values();
            for (int i = 0; i < w.length; i++) {
              w[i] *= keep;
            }
          }
        }
      }
      optimizer.step(paramArrays, arrays(grad));
      state = c.end();
    }
    optimizer.flush(paramArrays);
    int[] predictions = new int[batch];
    for (int b = 0; b < batch; b++) {
      predictions[b] = Softmax.argmax(outputs[steps - 1][b]);
    }
    return new Trace(losses, outputs, predictions, grad);
  }

  /**
   * The gradient of the mean loss over chunk {@code [0, x.length)} from the zero state, without
   * updating (for gradient checks).
   */
  public SnnParameters gradient(double[][][] x, int[] y) {
    int[] lastInput = lastInputSteps(x, y.length);
    return backward(forward(new State(config, y.length), x, 0, x.length, y, lastInput), y,
        lastInput);
  }

  /**
   * The objective over chunk {@code [0, x.length)} from the zero state (no update): the mean over
   * steps and batch of the masked per-step cross-entropy plus the rate term (see {@link
   * TrainingObjective}), what {@link #gradient} differentiates.
   */
  public double loss(double[][][] x, int[] y) {
    Chunk c = forward(new State(config, y.length), x, 0, x.length, y,
        lastInputSteps(x, y.length));
    double sum = 0;
    for (double l : c.losses) {
      sum += l;
    }
    double rate = 0;
    for (double[][][] zs : c.z) {
      for (int l = 0; l < config.layers(); l++) {
        for (double[] zb : zs[l]) {
          rate += count(zb) / zb.length;
        }
      }
    }
    return (sum + objective.ratePenalty() * rate / y.length) / c.losses.length;
  }

  /** The float64 parameters and the optimizer's state. */
  @Override
  public StateMap saveState() {
    StateMap out = new StateMap();
    out.putText("trainer.kind", "reference-float64");
    for (int i = 0; i < paramArrays.length; i++) {
      out.putDoubles("trainer." + i + ".w", paramArrays[i]);
    }
    optimizer.saveState(out, "optimizer.");
    return out;
  }

  @Override
  public void restoreState(StateMap in) {
    if (!in.text("trainer.kind").equals("reference-float64")) {
      throw new IllegalArgumentException("the checkpoint holds a " + in.text("trainer.kind")
          + " trainer, not reference-float64 (another --precision?)");
    }
    double[][] values = new double[paramArrays.length][];
    for (int i = 0; i < paramArrays.length; i++) {
      values[i] = in.doubles("trainer." + i + ".w", paramArrays[i].length);
    }
    optimizer.restoreState(in, "optimizer.");
    for (int i = 0; i < paramArrays.length; i++) {
      System.arraycopy(values[i], 0, paramArrays[i], 0, values[i].length);
    }
  }

  @Override
  public Inference infer(List<SpikeSample> batch) {
    double[][][] x = dense(batch);
    int n = batch.size();
    Chunk c = forward(new State(config, n), x, 0, x.length, new int[n], new int[n]);
    double[][] last = copy(c.o[x.length - 1]);
    double[][] sum = new double[n][config.outputs()];
    long[] spikes = new long[n];
    long[] sops = new long[n];
    for (int s = 0; s < x.length; s++) {
      for (int b = 0; b < n; b++) {
        for (int k = 0; k < config.outputs(); k++) {
          sum[b][k] += c.o[s][b][k];
        }
        sops[b] += count(x[s][b]) * config.hiddenSize(0);
        for (int l = 0; l < config.layers(); l++) {
          double emitted = count(c.z[s][l][b]);
          spikes[b] += (long) emitted;
          int fanOut = l + 1 < config.layers() ? config.hiddenSize(l + 1) : config.outputs();
          sops[b] += (long) emitted * fanOut;
          if (config.recurrent()) {
            sops[b] += (long) count(c.zPrev(s, l)[b]) * config.hiddenSize(l);
          }
        }
      }
    }
    return new Inference(last, sum, spikes, sops);
  }

  @Override
  public SnnParameters parameters() {
    return params.copy();
  }

  /** Network state between steps: u and z per layer {@code [l][b][n]}, o {@code [b][k]}. */
  private record State(double[][][] u, double[][][] z, double[][] o) {
    State(SnnConfig c, int batch) {
      this(new double[c.layers()][batch][], new double[c.layers()][batch][],
          new double[batch][c.outputs()]);
      for (int l = 0; l < c.layers(); l++) {
        for (int b = 0; b < batch; b++) {
          u[l][b] = new double[c.hiddenSize(l)];
          z[l][b] = new double[c.hiddenSize(l)];
        }
      }
    }
  }

  /** A forward chunk: inputs and results per step {@code s}: {@code [s][l][b][n]}. */
  private record Chunk(State start, int t0, double[][][] in, double[][][][] u, double[][][][] z,
                       double[][][] o, double[] losses) {
    double[][] zPrev(int s, int l) {
      return s == 0 ? start.z[l] : z[s - 1][l];
    }

    State end() {
      int last = o.length - 1;
      return new State(u[last], z[last], o[last]);
    }
  }

  /** Per sample, the step of its last input spike (-1: none). */
  private static int[] lastInputSteps(double[][][] x, int batch) {
    int[] last = new int[batch];
    java.util.Arrays.fill(last, -1);
    for (int t = 0; t < x.length; t++) {
      for (int b = 0; b < batch; b++) {
        for (double v : x[t][b]) {
          if (v != 0) {
            last[b] = t;
            break;
          }
        }
      }
    }
    return last;
  }

  /** Forward through a chunk; {@code losses[s]} sums the CE of the samples whose step has loss, over B. */
  private Chunk forward(State start, double[][][] x, int t0, int len, int[] y, int[] lastInput) {
    int batch = y.length;
    int layers = config.layers();
    double alpha = config.alpha();
    double theta = config.theta();
    double[][][][] u = new double[len][layers][batch][];
    double[][][][] z = new double[len][layers][batch][];
    double[][][] o = new double[len][batch][];
    double[][][] in = new double[len][][];
    double[] losses = new double[len];
    for (int s = 0; s < len; s++) {
      in[s] = x[t0 + s];
      for (int l = 0; l < layers; l++) {
        int n = config.hiddenSize(l);
        int m = config.layerInputs(l);
        double[] wIn = params.wIn(l);
        double[] bias = params.bias(l);
        for (int b = 0; b < batch; b++) {
          double[] input = l == 0 ? x[t0 + s][b] : z[s][l - 1][b];
          double[] uPrev = s == 0 ? start.u[l][b] : u[s - 1][l][b];
          double[] zPrev = s == 0 ? start.z[l][b] : z[s - 1][l][b];
          double[] uNew = new double[n];
          double[] zNew = new double[n];
          for (int i = 0; i < n; i++) {
            double acc = alpha * (uPrev[i] - theta * zPrev[i]) + bias[i];
            for (int j = 0; j < m; j++) {
              acc += wIn[i * m + j] * input[j];
            }
            if (config.recurrent()) {
              double[] wRec = params.wRec(l);
              for (int j = 0; j < n; j++) {
                acc += wRec[i * n + j] * zPrev[j];
              }
            }
            uNew[i] = acc;
            zNew[i] = spike.value(acc - theta);
          }
          u[s][l][b] = uNew;
          z[s][l][b] = zNew;
        }
      }
      int k = config.outputs();
      int nLast = config.lastHidden();
      double[] wOut = params.wOut();
      double[] bOut = params.bOut();
      double loss = 0;
      for (int b = 0; b < batch; b++) {
        double[] oPrev = s == 0 ? start.o[b] : o[s - 1][b];
        double[] zLast = z[s][layers - 1][b];
        double[] oNew = new double[k];
        for (int c = 0; c < k; c++) {
          double acc = config.kappa() * oPrev[c] + bOut[c];
          for (int j = 0; j < nLast; j++) {
            acc += wOut[c * nLast + j] * zLast[j];
          }
          oNew[c] = acc;
        }
        o[s][b] = oNew;
        if (objective.hasLoss(t0 + s, lastInput[b])) {
          loss += Softmax.crossEntropy(oNew, y[b]);
        }
      }
      losses[s] = loss / batch;
    }
    return new Chunk(start, t0, in, u, z, o, losses);
  }

  private SnnParameters backward(Chunk c, int[] y, int[] lastInput) {
    SnnParameters grad = SnnParameters.zeros(config);
    int len = c.o.length;
    int batch = y.length;
    int layers = config.layers();
    int k = config.outputs();
    double alpha = config.alpha();
    double theta = config.theta();
    double scale = 1.0 / ((double) batch * len);
    int t0 = c.t0();
    double[][] goNext = new double[batch][k];
    double[][][] guNext = new double[layers][batch][];
    for (int s = len - 1; s >= 0; s--) {
      double[][] go = new double[batch][k];
      double[][][] gu = new double[layers][batch][];
      for (int b = 0; b < batch; b++) {
        double[] p = Softmax.probabilities(c.o[s][b]);
        double mask = objective.hasLoss(t0 + s, lastInput[b]) ? 1 : 0;
        for (int q = 0; q < k; q++) {
          double e = (p[q] - (q == y[b] ? 1 : 0)) * scale * mask;
          go[b][q] = e + (s + 1 < len ? config.kappa() * goNext[b][q] : 0);
        }
      }
      addOuter(grad.wOut(), go, c.z[s][layers - 1]);
      addSum(grad.bOut(), go);
      for (int l = layers - 1; l >= 0; l--) {
        int n = config.hiddenSize(l);
        double rate = objective.ratePenalty() * scale / n;
        for (int b = 0; b < batch; b++) {
          double[] gz = l == layers - 1
              ? vectorTimesMatrix(go[b], params.wOut(), n)
              : vectorTimesMatrix(gu[l + 1][b], params.wIn(l + 1), n);
          double[] g = new double[n];
          for (int i = 0; i < n; i++) {
            gz[i] += rate;
            double fromNext = 0;
            if (s + 1 < len) {
              double next = guNext[l][b][i];
              gz[i] -= alpha * theta * next;
              fromNext = alpha * next;
            }
            g[i] = gz[i];
          }
          if (s + 1 < len && config.recurrent()) {
            double[] viaRec = vectorTimesMatrix(guNext[l][b], params.wRec(l), n);
            for (int i = 0; i < n; i++) {
              g[i] += viaRec[i];
            }
          }
          double[] uS = c.u[s][l][b];
          for (int i = 0; i < n; i++) {
            g[i] = g[i] * spike.derivative(uS[i] - theta)
                + (s + 1 < len ? alpha * guNext[l][b][i] : 0);
          }
          gu[l][b] = g;
        }
        double[][] input = l == 0 ? c.in[s] : c.z[s][l - 1];
        addOuter(grad.wIn(l), gu[l], input);
        if (config.recurrent()) {
          addOuter(grad.wRec(l), gu[l], c.zPrev(s, l));
        }
        addSum(grad.bias(l), gu[l]);
      }
      goNext = go;
      guNext = gu;
    }
    return grad;
  }

  /** {@code r[j] = sum_i v[i] w[i][j]} for {@code w} row-major with {@code cols} columns. */
  private static double[] vectorTimesMatrix(double[] v, double[] w, int cols) {
    double[] r = new double[cols];
    for (int i = 0; i < v.length; i++) {
      for (int j = 0; j < cols; j++) {
        r[j] += v[i] * w[i * cols + j];
      }
    }
    return r;
  }

  /** {@code g[i][j] += sum_b a[b][i] x[b][j]}. */
  private static void addOuter(double[] g, double[][] a, double[][] x) {
    int cols = x[0].length;
    for (int b = 0; b < a.length; b++) {
      for (int i = 0; i < a[b].length; i++) {
        for (int j = 0; j < cols; j++) {
          g[i * cols + j] += a[b][i] * x[b][j];
        }
      }
    }
  }

  private static void addSum(double[] g, double[][] a) {
    for (double[] row : a) {
      for (int i = 0; i < row.length; i++) {
        g[i] += row[i];
      }
    }
  }

  private static double count(double[] v) {
    double n = 0;
    for (double x : v) {
      n += x;
    }
    return n;
  }

  private static double[][] copy(double[][] a) {
    double[][] r = new double[a.length][];
    for (int i = 0; i < a.length; i++) {
      r[i] = a[i].clone();
    }
    return r;
  }

  private static double[][] arrays(SnnParameters p) {
    return p.tensors().stream().map(t -> t.values()).toArray(double[][]::new);
  }

  /** Dense 0/1 inputs {@code [t][b][inputs]} of a batch of equal-length samples. */
  double[][][] dense(List<SpikeSample> batch) {
    int steps = batch.get(0).steps();
    double[][][] x = new double[steps][batch.size()][config.inputs()];
    for (int b = 0; b < batch.size(); b++) {
      SpikeSample s = batch.get(b);
      if (s.steps() != steps) {
        throw new IllegalArgumentException("samples of a batch must have equal steps: " + steps
            + " vs " + s.steps());
      }
      for (int t = 0; t < steps; t++) {
        for (int i = s.offsets()[t]; i < s.offsets()[t + 1]; i++) {
          int ch = s.channels()[i];
          if (ch >= config.inputs()) {
            throw new IllegalArgumentException("input channel " + ch + " out of range: the network"
                + " has " + config.inputs() + " inputs");
          }
          x[t][b][ch] = 1;
        }
      }
    }
    return x;
  }

  static int[] labels(List<SpikeSample> batch) {
    return batch.stream().mapToInt(SpikeSample::label).toArray();
  }
}
