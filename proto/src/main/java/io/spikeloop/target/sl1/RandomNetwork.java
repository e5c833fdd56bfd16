package io.spikeloop.target.sl1;

import io.spikeloop.device.WeightTensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A seeded random SL-1 network for differential runs ({@code diff}, the fault soak, lock-step
 * tests) when no trained run is given: 8-bit weights (wExp 0), 16-bit membranes and outputs,
 * threshold 64, alpha and kappa 3900/4096.
 * Feed-forward weights are drawn from [-16, 19] and recurrent ones from [-16, 15], so that sparse
 * input spikes drive a few hidden neurons over threshold each step and the recurrence matters.
 */
public record RandomNetwork(NetworkConfig config, Map<String, int[]> weights) {
  public static final int THETA = 64;

  public RandomNetwork {
    weights = Map.copyOf(weights);
  }

  public static RandomNetwork of(int inputs, List<Integer> hidden, boolean recurrent, int outputs,
                                 long seed) {
    List<LayerConfig> layers = new ArrayList<>();
    int fanIn = inputs;
    for (int size : hidden) {
      layers.add(LayerConfig.builder(size, fanIn, THETA).recurrent(recurrent).alpha(3900)
          .build());
      fanIn = size;
    }
    NetworkConfig config = new NetworkConfig(inputs, layers,
        OutputConfig.builder(outputs).kappa(3900).build());
    SplittableRandom random = new SplittableRandom(seed);
    Map<String, int[]> weights = new LinkedHashMap<>();
    for (WeightTensor t : config.tensors()) {
      int[] w = new int[t.length()];
      boolean rec = t.name().endsWith(".rec");
      boolean bias = t.cols() == 1;
      for (int i = 0; i < w.length; i++) {
        w[i] = bias ? random.nextInt(-2, 3) : rec ? random.nextInt(-16, 16) : random.nextInt(-16, 20);
      }
      weights.put(t.name(), w);
    }
    return new RandomNetwork(config, weights);
  }
}
