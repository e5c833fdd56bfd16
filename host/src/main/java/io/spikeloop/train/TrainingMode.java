package io.spikeloop.train;

/**
 * How far gradients flow back in time. A sequence of {@code T} steps is cut into chunks of
 * {@code chunk} steps (the last may be shorter); within a chunk the loss is the mean of its
 * per-step losses and gradients flow through everything; the state entering a chunk is detached;
 * one optimizer update follows each chunk. {@code tbptt1} is chunk 1 (the paper's method),
 * {@code bptt} is the whole sequence, {@code tbptt-k} is chunk {@code k}.
 *
 * <p>{@code eprop} is not chunked backpropagation: it updates at every step like tbptt1, from
 * eligibility traces that carry credit forward in time instead ({@link EpropTrainer}).
 */
public record TrainingMode(Kind kind, int k) {
  public enum Kind { TBPTT1, BPTT, TBPTT_K, EPROP }

  public static final TrainingMode TBPTT1 = new TrainingMode(Kind.TBPTT1, 1);
  public static final TrainingMode BPTT = new TrainingMode(Kind.BPTT, 0);
  public static final TrainingMode EPROP = new TrainingMode(Kind.EPROP, 1);

  public TrainingMode {
    if (kind == Kind.TBPTT_K && k < 1) {
      throw new IllegalArgumentException("tbptt-k needs k >= 1, got " + k);
    }
  }

  public static TrainingMode tbpttK(int k) {
    return new TrainingMode(Kind.TBPTT_K, k);
  }

  /** Parses {@code tbptt1}, {@code bptt}, {@code tbptt-k} (with {@code k}) or {@code eprop}. */
  public static TrainingMode parse(String name, int k) {
    return switch (name) {
      case "tbptt1" -> TBPTT1;
      case "bptt" -> BPTT;
      case "tbptt-k" -> tbpttK(k);
      case "eprop" -> EPROP;
      default -> throw new IllegalArgumentException("unknown mode '" + name
          + "' (use tbptt1, bptt, tbptt-k or eprop)");
    };
  }

  /** Steps per chunk (steps per optimizer update) for a sequence of {@code steps} steps. */
  public int chunk(int steps) {
    return switch (kind) {
      case TBPTT1, EPROP -> 1;
      case BPTT -> steps;
      case TBPTT_K -> Math.min(k, steps);
    };
  }

  /** Whether the optimizer steps at every time step (tbptt1, eprop): they share its settings. */
  public boolean updatesEveryStep() {
    return kind == Kind.TBPTT1 || kind == Kind.EPROP;
  }

  /** The command-line name: tbptt1, bptt, tbptt-k or eprop. */
  public String label() {
    return switch (kind) {
      case TBPTT1 -> "tbptt1";
      case BPTT -> "bptt";
      case TBPTT_K -> "tbptt-k";
      case EPROP -> "eprop";
    };
  }

  @Override
  public String toString() {
    return kind == Kind.TBPTT_K ? "tbptt-" + k : label();
  }
}
