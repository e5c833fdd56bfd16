package io.spikeloop.train;

/**
 * The learning rate over the epochs, as a factor on the optimizer's rate, constant within an
 * epoch: {@link #CONSTANT} 1; {@link #COSINE} {@code (1 + cos(pi (e - 1) / E)) / 2} at epoch
 * {@code e} of {@code E} (1 at the first epoch, near 0 at the last: the last epochs take small
 * steps, so the final weights do not depend on which batches came last).
 */
public enum LearningRateSchedule {
  CONSTANT,
  COSINE;

  /** The factor at {@code epoch} (1-based) of {@code epochs}. */
  public double scale(int epoch, int epochs) {
    if (epoch < 1 || epoch > epochs) {
      throw new IllegalArgumentException("epoch " + epoch + " outside 1.." + epochs);
    }
    return switch (this) {
      case CONSTANT -> 1;
      case COSINE -> (1 + Math.cos(Math.PI * (epoch - 1) / epochs)) / 2;
    };
  }

  /** Parses {@code constant} or {@code cosine}. */
  public static LearningRateSchedule parse(String name) {
    return switch (name) {
      case "constant" -> CONSTANT;
      case "cosine" -> COSINE;
      default -> throw new IllegalArgumentException("--lr-schedule must be constant or cosine, "
          + "got " + name);
    };
  }
}
