package io.spikeloop.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The trainable float64 parameters of an {@link SnnConfig}, in the canonical {@code [post][pre]}
 * row-major layout of the paper and the SL-1 core. The tensor order is fixed: for each hidden
 * layer {@code layer{l}.in [N][M]}, {@code layer{l}.rec [N][N]} (recurrent nets only),
 * {@code layer{l}.bias [N]}; then {@code out.w [K][N]}, {@code out.bias [K]}. The arrays are live
 * (trainers update them in place); {@link #copy()} takes a snapshot.
 */
public final class SnnParameters {
  private final SnnConfig config;
  private final List<ParameterTensor> tensors;

  /** Wraps tensors (in the order above, with matching shapes) without copying them. */
  public SnnParameters(SnnConfig config, List<ParameterTensor> tensors) {
    this.config = config;
    List<ParameterTensor> expected = zeros(config).tensors;
    if (tensors.size() != expected.size()) {
      throw new IllegalArgumentException("expected " + expected.size() + " tensors " + expected
          + " but got " + tensors.size() + " " + tensors);
    }
    for (int i = 0; i < tensors.size(); i++) {
      ParameterTensor want = expected.get(i);
      ParameterTensor got = tensors.get(i);
      if (!want.name().equals(got.name()) || want.rows() != got.rows()
          || want.cols() != got.cols()) {
        throw new IllegalArgumentException("tensor " + i + ": expected " + want + " but got " + got);
      }
    }
    this.tensors = Collections.unmodifiableList(new ArrayList<>(tensors));
  }

  private SnnParameters(List<ParameterTensor> tensors, SnnConfig config) {
    this.config = config;
    this.tensors = Collections.unmodifiableList(tensors);
  }

  /** All parameters zero. */
  public static SnnParameters zeros(SnnConfig config) {
    List<ParameterTensor> list = new ArrayList<>();
    for (int l = 0; l < config.layers(); l++) {
      int n = config.hiddenSize(l);
      list.add(new ParameterTensor("layer" + l + ".in", n, config.layerInputs(l),
          new double[n * config.layerInputs(l)]));
      if (config.recurrent()) {
        list.add(new ParameterTensor("layer" + l + ".rec", n, n, new double[n * n]));
      }
      list.add(new ParameterTensor("layer" + l + ".bias", n, 1, new double[n]));
    }
    int k = config.outputs();
    list.add(new ParameterTensor("out.w", k, config.lastHidden(), new double[k * config.lastHidden()]));
    list.add(new ParameterTensor("out.bias", k, 1, new double[k]));
    return new SnnParameters(list, config);
  }

  /**
   * Seeded initialisation as {@code torch.nn.Linear} does it: every weight and bias of a
   * projection with fan-in {@code f} is drawn from {@code U(-1/sqrt(f), 1/sqrt(f))}; the fan-in of
   * a hidden layer's bias is that of its feed-forward weights. The same seed gives the same
   * parameters.
   */
  public static SnnParameters initialise(SnnConfig config, long seed) {
    SnnParameters p = zeros(config);
    SplittableRandom random = new SplittableRandom(seed);
    for (int l = 0; l < config.layers(); l++) {
      fillUniform(p.wIn(l), 1.0 / Math.sqrt(config.layerInputs(l)), random);
      if (config.recurrent()) {
        fillUniform(p.wRec(l), 1.0 / Math.sqrt(config.hiddenSize(l)), random);
      }
      fillUniform(p.bias(l), 1.0 / Math.sqrt(config.layerInputs(l)), random);
    }
    fillUniform(p.wOut(), 1.0 / Math.sqrt(config.lastHidden()), random);
    fillUniform(p.bOut(), 1.0 / Math.sqrt(config.lastHidden()), random);
    return p;
  }

  private static void fillUniform(double[] values, double bound, SplittableRandom random) {
    for (int i = 0; i < values.length; i++) {
      values[i] = (2 * random.nextDouble() - 1) * bound;
    }
  }

  public SnnConfig config() {
    return config;
  }

  /** The tensors in their fixed order. */
  public List<ParameterTensor> tensors() {
    return tensors;
  }

  public ParameterTensor tensor(String name) {
    for (ParameterTensor t : tensors) {
      if (t.name().equals(name)) {
        return t;
      }
    }
    throw new IllegalArgumentException("no parameter named " + name + " (have " + tensors + ")");
  }

  /** {@code W_in} of hidden layer {@code l}, {@code [N][M]} row-major. */
  public double[] wIn(int l) {
    return tensor("layer" + l + ".in").values();
  }

  /** {@code W_rec} of hidden layer {@code l}, {@code [N][N]}; fails for feed-forward nets. */
  public double[] wRec(int l) {
    if (!config.recurrent()) {
      throw new IllegalStateException("a feed-forward network has no recurrent weights");
    }
    return tensor("layer" + l + ".rec").values();
  }

  public double[] bias(int l) {
    return tensor("layer" + l + ".bias").values();
  }

  /** {@code W_out}, {@code [K][N_last]} row-major. */
  public double[] wOut() {
    return tensor("out.w").values();
  }

  public double[] bOut() {
    return tensor("out.bias").values();
  }

  public SnnParameters copy() {
    List<ParameterTensor> list = new ArrayList<>();
    for (ParameterTensor t : tensors) {
      list.add(t.copy());
    }
    return new SnnParameters(list, config);
  }

  /** Largest absolute difference to {@code other} over all parameters (same config). */
  public double maxAbsDifference(SnnParameters other) {
    double max = 0;
    for (int i = 0; i < tensors.size(); i++) {
      double[] a = tensors.get(i).values();
      double[] b = other.tensors.get(i).values();
      for (int j = 0; j < a.length; j++) {
        max = Math.max(max, Math.abs(a[j] - b[j]));
      }
    }
    return max;
  }
}
