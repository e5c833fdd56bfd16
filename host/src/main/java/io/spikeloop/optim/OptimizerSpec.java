package io.spikeloop.optim;

import io.spikeloop.sim.learning.AdamSchedule;

/** Hyperparameters of an optimizer, validated; {@link #create(int[])} makes its float64 form. */
public sealed interface OptimizerSpec
    permits OptimizerSpec.Adam, OptimizerSpec.Sgd, OptimizerSpec.QuantizedAdam {

  double lr();

  /** A float64 optimizer for tensors of the given sizes, with fresh state. */
  Optimizer create(int[] sizes);

  /**
   * {@code torch.optim.Adam(lr, betas=(beta1, beta2), eps)}: per step {@code t = 1, 2, ...}
   * {@code m = beta1 m + (1-beta1) g}, {@code v = beta2 v + (1-beta2) g^2},
   * {@code w -= (lr / (1-beta1^t)) * m / (sqrt(v) / sqrt(1-beta2^t) + eps)}. The {@code schedule}
   * says what elements with a zero gradient do (dense: the above; lazy: nothing; catch-up: lazy
   * with the skipped updates applied later in closed form; {@code docs/learning-engine.md} 10).
   */
  record Adam(double lr, double beta1, double beta2, double eps, AdamSchedule schedule)
      implements OptimizerSpec {
    public static final Adam PAPER = new Adam(1e-3, 0.9, 0.999, 1e-8);

    public Adam {
      if (!(lr > 0) || !(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1) || !(eps >= 0)) {
        throw new IllegalArgumentException("Adam needs lr > 0, betas in [0, 1), eps >= 0; got lr="
            + lr + " betas=" + beta1 + "," + beta2 + " eps=" + eps);
      }
      java.util.Objects.requireNonNull(schedule, "Adam schedule");
    }

    /** Dense Adam (every element steps at every update). */
    public Adam(double lr, double beta1, double beta2, double eps) {
      this(lr, beta1, beta2, eps, AdamSchedule.DENSE);
    }

    /** The same hyper-parameters under another schedule. */
    public Adam withSchedule(AdamSchedule s) {
      return new Adam(lr, beta1, beta2, eps, s);
    }

    /**
     * {@code sum_{i=1..k} r^i} with {@code r = beta1 / sqrt(beta2)}: the momentum moves of
     * {@code k} skipped updates in units of the first, for the catch-up schedule.
     */
    public double catchUpSum(long k) {
      double r = beta1 / Math.sqrt(beta2);
      if (r == 1) {
        return k;
      }
      return r * (1 - Math.pow(r, k)) / (1 - r);
    }

    /** {@code lr / (1 - beta1^t)}, the step size of update {@code t} (1-based). */
    public double stepSize(long t) {
      return lr / (1 - Math.pow(beta1, t));
    }

    /** {@code sqrt(1 - beta2^t)}, the divisor of {@code sqrt(v)} at update {@code t}. */
    public double biasCorrection2Sqrt(long t) {
      return Math.sqrt(1 - Math.pow(beta2, t));
    }

    @Override
    public Optimizer create(int[] sizes) {
      return new AdamOptimizer(this, sizes);
    }
  }

  /**
   * {@code torch.optim.SGD(lr, momentum)} without dampening or Nesterov:
   * {@code buf = momentum buf + g} ({@code buf = g} at the first step), {@code w -= lr buf};
   * plain {@code w -= lr g} when momentum is 0.
   */
  record Sgd(double lr, double momentum) implements OptimizerSpec {
    public Sgd {
      if (!(lr > 0) || !(momentum >= 0 && momentum < 1)) {
        throw new IllegalArgumentException("SGD needs lr > 0 and momentum in [0, 1); got lr=" + lr
            + " momentum=" + momentum);
      }
    }

    @Override
    public Optimizer create(int[] sizes) {
      return new SgdOptimizer(this, sizes);
    }
  }

  /**
   * Adam with quantized state and integer master weights: the learning engine's arithmetic
   * ({@code io.spikeloop.sim.learning}, {@code docs/learning-engine.md}) run inside the float
   * trainer. Each tensor gets a power-of-two weight LSB with {@code headroom} times its initial
   * largest magnitude as range (weights grow during training), {@code weightBits}-bit core weights
   * and {@code masterFracBits} master bits below them; the trainer's float weights are the master
   * values, gradients are quantized per tensor and step. Runs on {@code ReferenceTrainer} only.
   *
   * @param stateBits 8 or 4 bits per {@code m} and {@code sqrt(v)} code
   * @param blockSize elements per block scale
   * @param seed      seeds the stochastic rounding (tensor {@code i} uses {@code seed + i})
   */
  record QuantizedAdam(double lr, double beta1, double beta2, double eps, int stateBits,
                       int blockSize, int weightBits, int masterFracBits, double headroom,
                       long seed) implements OptimizerSpec {
    /** Weights grew ~15x during training in the PyTorch emulation: leave 16x range. */
    public static final double DEFAULT_HEADROOM = 16;

    public QuantizedAdam {
      new Adam(lr, beta1, beta2, eps); // same validation as float Adam
      if (!(headroom >= 1)) {
        throw new IllegalArgumentException("weight range headroom must be >= 1, got " + headroom);
      }
      // the fixed-point ranges (state bits, block, beta1 <= 0.99, weight widths) are checked here
      io.spikeloop.sim.learning.QuantizedAdamConfig.fromFloat(stateBits, blockSize, 0, beta1,
          beta2, eps, weightBits, masterFracBits);
    }

    /** Paper hyper-parameters with the given state width and block size (int8 weights, Q8). */
    public static QuantizedAdam of(double lr, int stateBits, int blockSize, long seed) {
      return builder(lr).stateBits(stateBits).blockSize(blockSize).seed(seed).build();
    }

    /**
     * Starts from the learning rate. Defaults: the paper's beta1 0.9, beta2 0.999, eps 1e-8;
     * 8-bit state in blocks of 64; int8 core weights with 8 master fraction bits; headroom
     * {@value #DEFAULT_HEADROOM}; seed 1.
     */
    public static Builder builder(double lr) {
      return new Builder(lr);
    }

    /** Named setters for {@link QuantizedAdam}; {@link Builder#build} runs the record's checks. */
    public static final class Builder {
      private final double lr;
      private double beta1 = 0.9;
      private double beta2 = 0.999;
      private double eps = 1e-8;
      private int stateBits = 8;
      private int blockSize = 64;
      private int weightBits = 8;
      private int masterFracBits = 8;
      private double headroom = DEFAULT_HEADROOM;
      private long seed = 1;

      private Builder(double lr) {
        this.lr = lr;
      }

      public Builder betas(double beta1, double beta2) {
        this.beta1 = beta1;
        this.beta2 = beta2;
        return this;
      }

      public Builder eps(double eps) {
        this.eps = eps;
        return this;
      }

      /** Bits per m and sqrt(v) code: 8 or 4 (default 8). */
      public Builder stateBits(int stateBits) {
        this.stateBits = stateBits;
        return this;
      }

      /** Elements per block scale (default 64). */
      public Builder blockSize(int blockSize) {
        this.blockSize = blockSize;
        return this;
      }

      /** Core weight width (default 8). */
      public Builder weightBits(int weightBits) {
        this.weightBits = weightBits;
        return this;
      }

      /** Master-weight bits below the core weight LSB (default 8). */
      public Builder masterFracBits(int masterFracBits) {
        this.masterFracBits = masterFracBits;
        return this;
      }

      /** Weight range as a multiple of the initial largest magnitude, >= 1 (default 16). */
      public Builder headroom(double headroom) {
        this.headroom = headroom;
        return this;
      }

      /** Seeds the stochastic rounding (default 1). */
      public Builder seed(long seed) {
        this.seed = seed;
        return this;
      }

      public QuantizedAdam build() {
        return new QuantizedAdam(lr, beta1, beta2, eps, stateBits, blockSize, weightBits,
            masterFracBits, headroom, seed);
      }
    }

    @Override
    public Optimizer create(int[] sizes) {
      return new QuantizedAdamOptimizer(this, sizes);
    }

    /** Optimizer-state and master-weight memory for tensors of these sizes (for run logs). */
    public io.spikeloop.sim.learning.LearningMemory memory(int[] sizes) {
      return io.spikeloop.sim.learning.LearningMemory.of(
          io.spikeloop.sim.learning.QuantizedAdamConfig.fromFloat(stateBits, blockSize, 0, beta1,
              beta2, eps, weightBits, masterFracBits), sizes);
    }
  }
}
