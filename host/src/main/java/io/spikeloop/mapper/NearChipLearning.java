package io.spikeloop.mapper;

import io.spikeloop.device.WeightTensor;
import io.spikeloop.sim.learning.QuantizedAdamConfig;
import io.spikeloop.sim.learning.QuantizedAdamState;
import java.util.ArrayList;
import java.util.List;

/**
 * What a learner beside the chip (the {@code near-chip} placement) runs on a mapping, made by
 * {@link TargetMapper#nearChipLearning}: per target tensor the integer quantized Adam of
 * {@code io.spikeloop.sim.learning} (learned width, rate in master LSBs, betas, eps) and the
 * shift from learned integers to the chip's ({@code core = learned << shift}), and the codec of
 * the learner's state for checkpoints, which is the target's own learning-state image where it
 * has one. {@link #uniform} is the default: every tensor at its own width, no shift, checkpoints
 * refused by name.
 */
public interface NearChipLearning {
  /** The learned tensors, in the mapping's tensor order. */
  List<Tensor> tensors();

  /**
   * The learner's state as the target's learning-state image, bytes to checkpoint.
   *
   * @param states one per tensor of {@link #tensors()}, in order
   * @throws UnsupportedOperationException naming why, for a target without such an image
   */
  byte[] encodeState(List<TensorState> states);

  /**
   * The learner's state from {@code image} ({@link #encodeState}), refusing an image whose
   * configuration is not {@code current}'s by name.
   *
   * @throws UnsupportedOperationException naming why, for a target without such an image
   */
  List<TensorState> decodeState(byte[] image, List<TensorState> current);

  /**
   * Why the learner's state cannot be checkpointed on this target (so that {@code
   * --checkpoint-every} is refused before anything trains), or null when it can.
   */
  default String notCheckpointable() {
    return null;
  }

  /**
   * One learned tensor.
   *
   * @param name   the target tensor
   * @param adam   its quantized Adam ({@code weightBits} is the learned integers' width)
   * @param shift  left shift from learned integers to the chip's values (0: the same)
   */
  record Tensor(String name, QuantizedAdamConfig adam, int shift) {}

  /**
   * What the learner holds for one tensor.
   *
   * @param adam    the quantized Adam state
   * @param masters integer master weights ({@code masterFracBits} below the learned LSB)
   */
  record TensorState(QuantizedAdamState adam, int[] masters) {}

  /**
   * A float learning rate in master LSBs: {@code round(lr / lsb * 2^F * 2^16)}, capped at
   * {@link QuantizedAdamConfig#MAX_LR_Q16} (SL-1's engine takes its rates by the same rule).
   */
  static int lrQ16(double lr, double lsb, int masterFracBits) {
    double q = Math.rint(lr / lsb * Math.scalb(1.0, masterFracBits + 16));
    return (int) Math.min(QuantizedAdamConfig.MAX_LR_Q16, q);
  }

  /** The quantized Adam of {@code options} with a tensor's rate and learned width. */
  static QuantizedAdamConfig adam(LearningOptions options, int lrQ16, int weightBits) {
    QuantizedAdamConfig q = QuantizedAdamConfig.fromFloat(options.stateBits(),
        options.blockSize(), 1, options.beta1(), options.beta2(), options.eps(), 8,
        options.masterFracBits());
    return new QuantizedAdamConfig(options.stateBits(), options.blockSize(), q.beta1Q20(),
        q.beta2Q20(), lrQ16, q.epsExp(), weightBits, options.masterFracBits());
  }

  /**
   * Every tensor learned at its own width, no shift, rate {@link #lrQ16} on its LSB; the target
   * has no learning-state image for the learner, so checkpoints are refused naming it.
   */
  static NearChipLearning uniform(TargetMapping mapping, LearningOptions options) {
    List<Tensor> tensors = new ArrayList<>();
    List<WeightTensor> shapes = mapping.network().tensors();
    for (int i = 0; i < mapping.tensors().size(); i++) {
      MappedTensor m = mapping.tensors().get(i);
      tensors.add(new Tensor(m.name(), adam(options,
          lrQ16(options.lr(), m.lsb(), options.masterFracBits()), shapes.get(i).bits()), 0));
    }
    List<Tensor> learned = List.copyOf(tensors);
    String target = mapping.targetId();
    return new NearChipLearning() {
      @Override
      public List<Tensor> tensors() {
        return learned;
      }

      @Override
      public byte[] encodeState(List<TensorState> states) {
        throw refused("the learner's state image");
      }

      @Override
      public List<TensorState> decodeState(byte[] image, List<TensorState> current) {
        throw refused("restoring the learner");
      }

      @Override
      public String notCheckpointable() {
        return "near-chip on target " + target + ": checkpoints need a learning-state image of "
            + "the target for a learner beside the chip, and target " + target + " has none";
      }

      private UnsupportedOperationException refused(String what) {
        return new UnsupportedOperationException("near-chip on target " + target + ": " + what
            + " needs a learning-state image of the target for a learner beside the chip, and "
            + "target " + target + " has none");
      }
    };
  }
}
