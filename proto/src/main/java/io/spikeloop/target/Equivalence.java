package io.spikeloop.target;

/**
 * What two devices of one target promise to agree on for the same network, weights and inputs.
 * {@code diff} and the device contract suite compare with this, never with a fixed rule.
 *
 * @param bitExact                whether every output, spike and membrane must be identical
 * @param maxAbsOutputDifference  tolerated |o_a - o_b| per output and step (0 when bit-exact)
 * @param maxSpikeDisagreementRate tolerated fraction of hidden neuron-steps whose spike differs,
 *                                over a run (0 when bit-exact), in [0, 1]
 */
public record Equivalence(boolean bitExact, long maxAbsOutputDifference,
                          double maxSpikeDisagreementRate) {
  /** Identical results, bit for bit. */
  public static final Equivalence BIT_EXACT = new Equivalence(true, 0, 0.0);

  /**
   * No per-step bound: what an imperfect chip instance promises against the specification or
   * another instance. {@code diff} runs to the end and reports the divergence statistics.
   */
  public static final Equivalence STATISTICS_ONLY = new Equivalence(false, Long.MAX_VALUE, 1.0);

  public Equivalence {
    if (maxAbsOutputDifference < 0) {
      throw new IllegalArgumentException("output tolerance must be >= 0, got "
          + maxAbsOutputDifference);
    }
    if (!(maxSpikeDisagreementRate >= 0 && maxSpikeDisagreementRate <= 1)) {
      throw new IllegalArgumentException("spike disagreement rate must be in [0, 1], got "
          + maxSpikeDisagreementRate);
    }
    if (bitExact && (maxAbsOutputDifference != 0 || maxSpikeDisagreementRate != 0)) {
      throw new IllegalArgumentException("a bit-exact equivalence has no tolerances");
    }
  }

  /** A stated tolerance (not bit-exact). */
  public static Equivalence tolerance(long maxAbsOutputDifference,
                                      double maxSpikeDisagreementRate) {
    return new Equivalence(false, maxAbsOutputDifference, maxSpikeDisagreementRate);
  }

  /** Whether two output values of one step agree. */
  public boolean outputsAgree(long a, long b) {
    return Math.abs(a - b) <= maxAbsOutputDifference;
  }

  /** Whether {@code disagreeing} of {@code total} hidden neuron-steps differing is tolerated. */
  public boolean spikesAgree(long disagreeing, long total) {
    if (bitExact || total == 0) {
      return disagreeing == 0;
    }
    return disagreeing <= maxSpikeDisagreementRate * total;
  }

  @Override
  public String toString() {
    if (this.equals(STATISTICS_ONLY)) {
      return "statistics only (no per-step bound)";
    }
    return bitExact ? "bit-exact" : "|output difference| <= " + maxAbsOutputDifference
        + ", spike disagreement <= " + maxSpikeDisagreementRate;
  }
}
