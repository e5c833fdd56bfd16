package io.spikeloop.sim.learning;

/**
 * Learning memory of a set of tensors under quantized Adam, for the line every training run
 * prints. Float Adam keeps 8 bytes of state per parameter (two float32 moments).
 *
 * @param parameters       number of trained parameters
 * @param stateBytes       m and sqrt(v) codes, block scales, counters and RNG state
 * @param masterExtraBytes master-weight bits below the core weight (masterFracBits per parameter)
 * @param config           the configuration the figures are for
 */
public record LearningMemory(long parameters, long stateBytes, long masterExtraBytes,
    QuantizedAdamConfig config) {
  public static final double FLOAT_ADAM_BYTES_PER_PARAMETER = 8.0;

  public LearningMemory {
    if (parameters < 0 || stateBytes < 0 || masterExtraBytes < 0) {
      throw new IllegalArgumentException("memory figures must be >= 0");
    }
  }

  /** The figures for tensors of the given lengths, each with its own state. */
  public static LearningMemory of(QuantizedAdamConfig config, int... tensorLengths) {
    long parameters = 0;
    long state = 0;
    for (int n : tensorLengths) {
      parameters += n;
      state += 2L * QuantizedAdamState.codeBytes(n, config.stateBits())
          + 2L * QuantizedAdamState.blocks(n, config.blockSize()) + 20;
    }
    long masterBits = parameters * config.masterFracBits();
    return new LearningMemory(parameters, state, (masterBits + 7) / 8, config);
  }

  /** Asymptotic state bytes per parameter: 2 codes plus two int8 scales per block. */
  public static double stateBytesPerParameter(QuantizedAdamConfig config) {
    return 2.0 * config.stateBits() / 8.0 + 2.0 / config.blockSize();
  }

  public double stateBytesPerParameterMeasured() {
    return parameters == 0 ? 0 : stateBytes / (double) parameters;
  }

  public double learningBytesPerParameter() {
    return parameters == 0 ? 0 : (stateBytes + masterExtraBytes) / (double) parameters;
  }

  /** One line for run logs. */
  public String describe() {
    return String.format(java.util.Locale.ROOT,
        "optimizer state: %.3f B/param (%d-bit m,sqrt(v), block %d; float Adam %.0f), "
            + "learning memory %d B for %d params (state %d + master %d-bit extension %d)",
        stateBytesPerParameterMeasured(), config.stateBits(), config.blockSize(),
        FLOAT_ADAM_BYTES_PER_PARAMETER, stateBytes + masterExtraBytes, parameters, stateBytes,
        config.masterFracBits(), masterExtraBytes);
  }
}
