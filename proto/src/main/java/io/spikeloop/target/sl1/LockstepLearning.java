package io.spikeloop.target.sl1;

import io.spikeloop.device.WeightTensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The learning configuration SL-1's lock-step checks ({@code diff --learning}, the learning
 * soak's tests, the reconnect tests) enable on an integer network that has no float model (a
 * random network, or a mapped model without its training settings).
 */
public final class LockstepLearning {
  private LockstepLearning() {}

  /**
   * Every tensor learns at {@code lrQ16} master LSBs (Q16.16), Adam's defaults (0.9, 0.999, eps
   * 2^-27), 8 master fraction bits, outputs read as {@code o * 2^-outputFracBits}, and a
   * Gaussian surrogate of width theta/2 in 64 entries (Q2.14, rounded to nearest), indexed by
   * {@code |u - theta| >> shift}, the shift the smallest that puts theta below entry 32.
   *
   * @throws IllegalArgumentException for a network of more than one hidden layer (the engine
   *     learns one)
   */
  public static LearningConfig config(NetworkConfig net, int stateBits, int blockSize, int lrQ16,
                                      int outputFracBits, long seed) {
    if (net.layers().size() != 1) {
      throw new IllegalArgumentException("diff --learning needs one hidden layer (the on-chip "
          + "engine learns one); this network has " + net.layers().size());
    }
    LayerConfig layer = net.layers().get(0);
    Map<String, Integer> rates = new LinkedHashMap<>();
    for (WeightTensor t : net.tensors()) {
      rates.put(t.name(), lrQ16);
    }
    int theta = layer.theta();
    int shift = Math.max(0, 32 - Integer.numberOfLeadingZeros(theta) - 5);
    int[] table = new int[64];
    for (int i = 0; i < table.length; i++) {
      double x = i * Math.scalb(1.0, shift) / theta;
      table[i] = (int) Math.rint((1 << 14) * Math.exp(-2 * x * x));
    }
    return LearningConfig.builder(rates, shift, table).stateBits(stateBits).blockSize(blockSize)
        .seed(seed).outputFracBits(outputFracBits).build();
  }
}
