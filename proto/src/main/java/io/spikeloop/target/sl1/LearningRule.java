package io.spikeloop.target.sl1;

import java.util.Arrays;
import java.util.Locale;

/**
 * The learning rule SL-1's on-chip engine runs ({@code docs/learning-engine.md} section 11):
 * {@link #TBPTT1} (the default, {@code docs/core-spec.md} section 9) or {@link #EPROP} (e-prop
 * with integer eligibility traces). The wire number is the {@code rule} field of the {@code
 * LearningConfig} message and of the C {@code spikeloop_learning_config} (driver ABI 5).
 */
public enum LearningRule {
  /** One-step truncated backpropagation: delta through W_out times the surrogate, no traces. */
  TBPTT1(0),
  /** e-prop (Bellec et al. 2020, LIF): alpha- and kappa-filtered int16 eligibility traces. */
  EPROP(1);

  private final int wire;

  LearningRule(int wire) {
    this.wire = wire;
  }

  /** The number on the wire and in the C ABI (0 = tBPTT1, so an unset field is tBPTT1). */
  public int wire() {
    return wire;
  }

  /** The name the CLI uses ({@code --mode tbptt1|eprop}). */
  public String cliName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The rule of CLI name {@code name} ({@link #cliName}); another is refused naming the known. */
  public static LearningRule parse(String name) {
    for (LearningRule r : values()) {
      if (r.cliName().equals(name)) {
        return r;
      }
    }
    throw new IllegalArgumentException("SL-1's on-chip engine has no learning rule '" + name
        + "'; known: " + Arrays.stream(values()).map(LearningRule::cliName).toList());
  }

  /** The rule with wire number {@code n}; another number is refused naming the known ones. */
  public static LearningRule ofWire(int n) {
    for (LearningRule r : values()) {
      if (r.wire == n) {
        return r;
      }
    }
    throw new IllegalArgumentException("learning rule " + Integer.toUnsignedString(n)
        + " is unknown; known rules: " + Arrays.stream(values())
        .map(r -> r.wire + " (" + r.cliName() + ")").toList());
  }
}
