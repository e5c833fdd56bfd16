package io.spikeloop.target.reckon;

import java.util.Random;

/**
 * Small random ReckOn networks that exercise every switch (reset modes, stochastic rounding,
 * noise, additive regularization, e-prop on all tensors), for lock-step comparisons ({@code diff},
 * the contract suite, the board/model tests). Deterministic for a given {@link Random}.
 */
public final class ReckonRandomNetworks {
  private ReckonRandomNetworks() {}

  /**
   * A network of 2..12 inputs, 4..14 recurrent neurons, 1..3 outputs with per-step membrane
   * readout; its e-prop settings enable all three tensors when {@code learning}.
   */
  public static ReckonNetwork network(Random random, boolean learning) {
    int inputs = 2 * (1 + random.nextInt(6));
    int recurrent = 2 * (2 + random.nextInt(6));
    int outputs = 1 + random.nextInt(3);
    int pairs = Math.max(inputs, recurrent) / 2;
    int[] alpha = new int[pairs];
    int[] threshold = new int[pairs];
    for (int p = 0; p < pairs; p++) {
      alpha[p] = 0x7000 + random.nextInt(0x2000);
      threshold[p] = 200 + random.nextInt(1500);
    }
    ReckonNetwork.Regularization reg =
        new ReckonNetwork.Regularization(false, true, true, true, 160, 0, 10, 0, 10, 0);
    ReckonNetwork.Eprop eprop = new ReckonNetwork.Eprop(learning ? 7 : 0, false, 3, 4, 6, 5,
        new int[] {-400, 0, 205, 600}, new int[] {0, 1, 2, 3, 1}, 0, 8, 0, 8, 0, 14, reg);
    return ReckonNetwork.builder(inputs, recurrent, outputs)
        .weightShifts(3 + random.nextInt(3), 2 + random.nextInt(3), random.nextInt(4))
        .pairAlpha(alpha)
        .pairThreshold(threshold)
        .kappa(0x70 + random.nextInt(0x11))
        .resetToZero(random.nextBoolean())
        .stochasticRounding(random.nextBoolean())
        .noiseShift(random.nextBoolean() ? -1 : 8 + random.nextInt(8))
        .eprop(eprop)
        .readout(ReckonNetwork.Readout.MEMBRANES_PER_STEP)
        .build();
  }

  /** Random weights in -40..40 for a tensor, {@code [pre][post]}. */
  public static byte[] weights(Random random, ReckonNetwork net, ReckonTensor t) {
    byte[] w = new byte[t.rows(net) * t.columns(net)];
    for (int i = 0; i < w.length; i++) {
      w[i] = (byte) (random.nextInt(81) - 40);
    }
    return w;
  }

  /**
   * Random weights (-40..40) for every tensor, by generic name and in the generic {@code
   * [post][pre]} order that {@link io.spikeloop.device.Device#writeWeights} takes.
   */
  public static java.util.Map<String, int[]> genericWeights(Random random, ReckonNetwork net) {
    java.util.Map<String, int[]> all = new java.util.LinkedHashMap<>();
    for (ReckonTensor t : ReckonTensor.values()) {
      int[] w = new int[t.rows(net) * t.columns(net)];
      for (int i = 0; i < w.length; i++) {
        w[i] = random.nextInt(81) - 40;
      }
      all.put(t.tensorName(), w);
    }
    return all;
  }

  /** 0..3 input events, repeats allowed (the chip latches one bit per input). */
  public static int[] events(Random random, int inputs) {
    int n = random.nextInt(4);
    int[] events = new int[n];
    for (int i = 0; i < n; i++) {
      events[i] = random.nextInt(inputs);
    }
    return events;
  }
}
