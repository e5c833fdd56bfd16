package io.spikeloop.train;

/**
 * How far gradients flow back in time. A sequence of {@code T} steps is cut into chunks of
 * {@code chunk} steps (the last may be shorter); within a chunk the loss is the mean of its
 * per-step losses and gradients flow through everything; the state entering a chunk is detached;
 * one optimizer update follows each chunk. {@code tbptt1} is chunk 1 (the paper's method),
 * {@code bptt} is the whole sequence, {@code tbptt-k} is chunk {@code k}.
 */
public record TrainingMode(Kind kind, int k) {
  public enum Kind { TBPTT1, BPTT, TBPTT_K }

  public static final TrainingMode TBPTT1 = new TrainingMode(Kind.TBPTT1, 1);
  public static final TrainingMode BPTT = new TrainingMode(Kind.BPTT, 0);

  public TrainingMode {
    if (kind == Kind.TBPTT_K && k < 1) {
      throw new IllegalArgumentException("tbptt-k needs k >= 1, got " + k);
    }
  }

  public static TrainingMode tbpttK(int k) {
    return new TrainingMode(Kind.TBPTT_K, k);
  }

  /** Parses {@code tbptt1}, {@code bptt} or {@code tbptt-k} (with {@code k}). */
  public static TrainingMode parse(String name, int k) {
    return switch (name) {
      case "tbptt1" -> TBPTT1;
      case "bptt" -> BPTT;
      case "tbptt-k" -> tbpttK(k);
      default -> throw new IllegalArgumentException("unknown mode '" + name
          + "' (use tbptt1, bptt or tbptt-k)");
    };
  }

  /** Steps per chunk for a sequence of {@code steps} steps. */
  public int chunk(int steps) {
    return switch (kind) {
      case TBPTT1 -> 1;
      case BPTT -> steps;
      case TBPTT_K -> Math.min(k, steps);
    };
  }

  /** The command-line name: tbptt1, bptt or tbptt-k. */
  public String label() {
    return switch (kind) {
      case TBPTT1 -> "tbptt1";
      case BPTT -> "bptt";
      case TBPTT_K -> "tbptt-k";
    };
  }

  @Override
  public String toString() {
    return kind == Kind.TBPTT_K ? "tbptt-" + k : label();
  }
}
