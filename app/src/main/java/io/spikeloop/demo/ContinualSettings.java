package io.spikeloop.demo;

/**
 * What the demo trains and how often it measures.
 *
 * @param hidden      hidden neurons of the feed-forward network
 * @param lr          Adam learning rate of the learning engine
 * @param weightBits  core weight width
 * @param adamBits    Adam state width on the core (8 or 4)
 * @param evalEvery   measure every this many streamed samples (and at the end of each stage)
 * @param stepMillis  time step of the dataset (sets the membrane and output decays)
 * @param seed        seed of the initialisation, the stream order and the engine's rounding
 * @param tauOutMillis time constant of the output layer's leak (how much of a sample the
 *                    last-step readout sees)
 */
public record ContinualSettings(int hidden, double lr, int weightBits, int adamBits,
                                int evalEvery, double stepMillis, long seed, double tauOutMillis) {
  public static final double TAU_MEM_MS = 20;
  public static final double TAU_OUT_MS = 20;

  /** With the default output time constant, {@value #TAU_OUT_MS} ms. */
  public ContinualSettings(int hidden, double lr, int weightBits, int adamBits, int evalEvery,
                           double stepMillis, long seed) {
    this(hidden, lr, weightBits, adamBits, evalEvery, stepMillis, seed, TAU_OUT_MS);
  }

  public ContinualSettings {
    if (!(tauOutMillis > 0)) {
      throw new IllegalArgumentException("--tau-out must be > 0 ms, got " + tauOutMillis);
    }
    if (hidden < 1 || evalEvery < 1) {
      throw new IllegalArgumentException("hidden and eval-every must be >= 1, got hidden="
          + hidden + " eval-every=" + evalEvery);
    }
  }
}
