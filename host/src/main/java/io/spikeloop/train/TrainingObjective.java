package io.spikeloop.train;

import io.spikeloop.data.SpikeSample;
import io.spikeloop.optim.Fptt;

/**
 * What training minimises besides the plain per-step cross-entropy, and the weight decay; one set
 * of knobs for every mode, so that tBPTT1 and BPTT are compared under the same objective. With
 * {@link #PLAIN} both trainers do exactly what they did without it.
 *
 * <p>The objective of a chunk of {@code L} steps over a batch of {@code B} samples is
 * <pre>
 *   (1 / (B L)) sum_s sum_b [ m_{b,t} CE(o_{b,t}, y_b) + ratePenalty sum_l mean_i z^l_{b,t,i} ]
 * </pre>
 * where the loss mask {@code m_{b,t}} is 0 for the first {@code skipSteps} steps of a sample and,
 * with {@code maskSilence}, for the steps after its last input spike (the trailing silence of a
 * spoken digit), 1 otherwise. Masked steps keep their place in the {@code 1/(B L)} normalisation:
 * masking removes their gradient without rescaling anyone else's. The reported training loss is
 * the cross-entropy part of this objective.
 *
 * @param skipSteps   leading steps of every sample that carry no loss (>= 0)
 * @param maskSilence no loss at the steps after a sample's last input spike
 * @param ratePenalty weight of the hidden firing-rate term: per hidden layer the fraction of its
 *                    neurons that spiked, per step and sample (>= 0; gradient through the surrogate)
 * @param weightDecay decoupled (AdamW-style, not L2-in-the-gradient) decay: every update first
 *                    multiplies each weight matrix, not the biases, by {@code 1 - lr weightDecay}
 *                    (>= 0); for plain SGD that equals an L2 term {@code weightDecay/2 |W|^2}
 * @param fptt        FPTT's dynamic regulariser on every update ({@link Fptt}; {@link Fptt#OFF}:
 *                    none)
 */
public record TrainingObjective(int skipSteps, boolean maskSilence, double ratePenalty,
                                double weightDecay, Fptt fptt) {

  /** Cross-entropy at every step, no penalty, no decay. */
  public static final TrainingObjective PLAIN = new TrainingObjective(0, false, 0, 0);

  /** Without FPTT. */
  public TrainingObjective(int skipSteps, boolean maskSilence, double ratePenalty,
                           double weightDecay) {
    this(skipSteps, maskSilence, ratePenalty, weightDecay, Fptt.OFF);
  }

  /** The same objective with FPTT's regulariser. */
  public TrainingObjective withFptt(Fptt f) {
    return new TrainingObjective(skipSteps, maskSilence, ratePenalty, weightDecay, f);
  }

  public TrainingObjective {
    java.util.Objects.requireNonNull(fptt, "fptt (Fptt.OFF for none)");
    if (fptt.enabled() && weightDecay > 0) {
      // Both pull the weights; their order inside one update would differ between trainers.
      throw new IllegalArgumentException("FPTT and weight decay together are not supported: "
          + "FPTT already pulls every weight toward its running average (use one)");
    }
    if (skipSteps < 0) {
      throw new IllegalArgumentException("the steps without loss must be >= 0, got " + skipSteps);
    }
    if (!(ratePenalty >= 0) || Double.isInfinite(ratePenalty)) {
      throw new IllegalArgumentException("the rate penalty must be a finite value >= 0, got "
          + ratePenalty);
    }
    if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
      throw new IllegalArgumentException("the weight decay must be a finite value >= 0, got "
          + weightDecay);
    }
  }

  /** Whether step {@code t} of a sample whose last input spike is at {@code lastInput} has loss. */
  public boolean hasLoss(int t, int lastInput) {
    return t >= skipSteps && (!maskSilence || t <= lastInput);
  }

  /** The step of the last input spike of {@code s} (-1 when it has none). */
  public static int lastInputStep(SpikeSample s) {
    for (int t = s.steps() - 1; t >= 0; t--) {
      if (s.offsets()[t + 1] > s.offsets()[t]) {
        return t;
      }
    }
    return -1;
  }
}
