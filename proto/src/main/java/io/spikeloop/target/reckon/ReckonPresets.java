package io.spikeloop.target.reckon;

/** Networks that come with the chip's own material. */
public final class ReckonPresets {
  private ReckonPresets() {}

  /**
   * The upstream testbench's cue-accumulation network ({@code upstream/src/tbench.h} and the
   * neuron initialisation of {@code tbench.sv}): 40-100-2, weight shifts 3, alpha 0x7FEF, threshold
   * 614, kappa 0x79, stochastic rounding, trace shifts 3/4/6, learning-signal shift 5, h = 1 above
   * 205 else 0, learning rates as left shifts 8/8/14, additive regularization of W_in and W_rec
   * (f0 160, k 10), the testbench's seeds, e-prop off (each phase sets it).
   */
  public static ReckonNetwork cueAccumulation() {
    ReckonNetwork.Regularization reg =
        new ReckonNetwork.Regularization(false, true, true, true, 160, 0, 10, 0, 10, 0);
    ReckonNetwork.Eprop eprop = new ReckonNetwork.Eprop(0, false, 3, 4, 6, 5,
        new int[] {205, 205, 205, 205}, new int[] {0, 0, 0, 0, 1}, 0, 8, 0, 8, 0, 14, reg);
    ReckonNetwork.Seeds seeds = new ReckonNetwork.Seeds(0xF0F0, 0xF1F1, 0xF2F2, 0x3F3FF3F3,
        0xF4F4 & 0x7FFF, 0x3F5FF5F5, 0x3F6FF6F6, 0x3F7FF7F7, 0x00FF0);
    return ReckonNetwork.builder(40, 100, 2)
        .weightShifts(3, 3, 3)
        .alpha(0x7FEF)
        .threshold(614)
        .kappa(0x79)
        .stochasticRounding(true)
        .eprop(eprop)
        .readout(ReckonNetwork.Readout.LABEL_PER_SAMPLE)
        .seeds(seeds)
        .build();
  }
}
