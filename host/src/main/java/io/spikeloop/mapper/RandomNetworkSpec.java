package io.spikeloop.mapper;

import java.util.List;

/**
 * A seeded random network for lock-step runs of two devices when no trained model is given
 * ({@code diff}, the fault soak), as a target draws it ({@link TargetMapper#randomNetwork}). The
 * weights' ranges and the neuron constants are the target's own choice, made so that sparse
 * input spikes drive a few hidden neurons each step.
 *
 * @param inputs    the most input axons the network may take (the data's channels); a target may
 *                  take fewer (its device limits, its own sizes) and the data is folded onto them
 * @param hidden    hidden layer sizes; empty: the target's choice
 * @param recurrent whether the hidden layers have recurrent weights
 * @param outputs   the most outputs (the data's classes); a target may take fewer, labels folded
 * @param learning  whether the network is to learn on chip (a target whose learning settings
 *                  come with the network switches them on)
 * @param seed      the seed every size and weight drawn comes from
 */
public record RandomNetworkSpec(int inputs, List<Integer> hidden, boolean recurrent, int outputs,
                                boolean learning, long seed) {
  public RandomNetworkSpec {
    if (inputs < 1 || outputs < 1) {
      throw new IllegalArgumentException("a random network needs >= 1 input and output, got "
          + inputs + " inputs, " + outputs + " outputs");
    }
    hidden = List.copyOf(hidden);
    for (int size : hidden) {
      if (size < 1) {
        throw new IllegalArgumentException("hidden layer sizes must be >= 1, got " + hidden);
      }
    }
  }
}
