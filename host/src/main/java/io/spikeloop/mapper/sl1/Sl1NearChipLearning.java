package io.spikeloop.mapper.sl1;

import io.spikeloop.device.WeightTensor;
import io.spikeloop.mapper.LearningOptions;
import io.spikeloop.mapper.NearChipLearning;
import io.spikeloop.mapper.TargetMapping;
import io.spikeloop.sim.engine.LearningEngine;
import io.spikeloop.sim.learning.QuantizedAdamConfig;
import io.spikeloop.sim.learning.QuantizedAdamState;
import io.spikeloop.target.sl1.LearningConfig;
import io.spikeloop.target.sl1.LearningState;
import io.spikeloop.target.sl1.NetworkConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * SL-1's learner beside the chip: the on-chip engine's arithmetic bit for bit. Its tensors take
 * the engine's bias geometry (a bias learns at {@code LearningEngine.learnedBiasBits} and reaches
 * the core shifted left by the engine's bias shift) and the learning rates of the engine's
 * tBPTT1 {@link LearningConfig} for the same options ({@link Sl1OnChipLearning#learningConfig});
 * its checkpoint is the engine's learning-state image ({@link LearningState}, same checks).
 */
final class Sl1NearChipLearning implements NearChipLearning {
  private final LearningConfig learning;
  private final NetworkConfig network;
  private final List<Tensor> tensors;

  Sl1NearChipLearning(TargetMapping mapping, LearningOptions options) {
    learning = Sl1OnChipLearning.learningConfig(mapping, options);
    network = Sl1Mapper.mappedNetwork(mapping).config();
    int theta = network.layers().get(0).theta();
    List<WeightTensor> shapes = network.tensors();
    List<Tensor> list = new ArrayList<>();
    for (int i = 0; i < mapping.tensors().size(); i++) {
      String name = mapping.tensors().get(i).name();
      int bits = shapes.get(i).bits();
      int shift = 0;
      if (name.equals(WeightTensor.layerBias(0))) {
        shift = LearningEngine.hiddenBiasShift(theta);
        bits = LearningEngine.learnedBiasBits(bits, shift);
      } else if (name.equals(WeightTensor.OUT_BIAS)) {
        shift = LearningEngine.outputBiasShift(learning.outputFracBits());
        bits = LearningEngine.learnedBiasBits(bits, shift);
      }
      list.add(new Tensor(name, NearChipLearning.adam(options, learning.learningRate(name), bits),
          shift));
    }
    tensors = List.copyOf(list);
  }

  @Override
  public List<Tensor> tensors() {
    return tensors;
  }

  @Override
  public byte[] encodeState(List<TensorState> states) {
    return image(states).toBytes();
  }

  @Override
  public List<TensorState> decodeState(byte[] bytes, List<TensorState> current) {
    LearningState saved = LearningState.fromBytes(bytes);
    saved.requireSameConfiguration(image(current));
    List<TensorState> states = new ArrayList<>(tensors.size());
    for (int i = 0; i < tensors.size(); i++) {
      LearningState.Tensor t = saved.tensors().get(i);
      states.add(new TensorState(new QuantizedAdamState(tensors.get(i).adam(), t.length(),
          t.mCodes(), t.mScales(), t.rCodes(), t.rScales(), t.step(), t.beta1Pow(),
          t.beta2Pow(), t.rng()), t.masters()));
    }
    return states;
  }

  /** The engine's image of the learner: per tensor its quantized Adam state and masters. */
  private LearningState image(List<TensorState> states) {
    List<LearningState.Tensor> list = new ArrayList<>(tensors.size());
    for (int i = 0; i < tensors.size(); i++) {
      QuantizedAdamConfig c = tensors.get(i).adam();
      QuantizedAdamState st = states.get(i).adam();
      list.add(new LearningState.Tensor(tensors.get(i).name(), st.length(), c.stateBits(),
          c.blockSize(), c.beta1Q20(), c.beta2Q20(), c.lrQ16(), c.epsExp(), c.weightBits(),
          c.masterFracBits(), tensors.get(i).shift(), st.step(), st.beta1Pow(), st.beta2Pow(),
          st.rngState(), states.get(i).masters(), st.mCodes(), st.mScales(), st.rCodes(),
          st.rScales()));
    }
    int[] table = learning.surrogateTable();
    return new LearningState(network.inputs(), network.layers().get(0).size(),
        network.output().size(), learning.outputFracBits(), learning.surrogateShift(),
        table.length, LearningState.surrogateCrc(table), list);
  }
}
