package io.spikeloop.train;

/**
 * Hyper-parameter defaults of {@code spikeloop train} for one kind of data; every value is only a
 * default that an explicit option overrides. {@link #GENERAL} keeps the paper's settings (used for
 * synthetic data and N-MNIST); {@link #SPEECH} is chosen for {@code shd:} datasets from the study
 * in docs/results.md ("R1: tBPTT1 on real speech"): spoken digits at 10 ms bins learn best with
 * time constants of 200 ms (20 steps), a summed readout (the last 0.3-0.5 s of a sample are
 * silence), for tBPTT1's per-step updates a small Adam rate with moments averaged over about a
 * sample ({@code 1/(1-beta1)} = 200 steps) or longer, and for both methods channel jitter of
 * +-20 channels (the largest single gain on unseen speakers) with a cosine learning-rate schedule
 * (peak rates tBPTT1 3e-5, BPTT 2e-3: with the schedule both want a higher rate than before).
 * tBPTT1 also takes Adam eps 1e-6 instead of 1e-8 (+1.3 points on every one of 3 seeds; BPTT,
 * whose gradients sum 100 steps' losses, keeps 1e-8).
 *
 * @param tauMemMs    membrane time constant in ms
 * @param tauOutMs    output time constant in ms
 * @param readout     how a class is read from the output
 * @param tbptt1Lr    Adam learning rate for tBPTT1 and e-prop (one update per time step)
 * @param chunkedLr   Adam learning rate for BPTT and tBPTT-k (one update per chunk)
 * @param tbptt1Beta1 Adam beta1 for tBPTT1
 * @param tbptt1Beta2 Adam beta2 for tBPTT1
 * @param beta1       Adam beta1 for BPTT and tBPTT-k
 * @param beta2       Adam beta2 for BPTT and tBPTT-k
 * @param tbptt1Eps   Adam eps for tBPTT1
 * @param eps         Adam eps for BPTT and tBPTT-k
 * @param schedule    learning-rate schedule over the epochs
 * @param channelJitter channel-jitter augmentation in channels (0: none)
 */
public record TrainingPreset(String name, double tauMemMs, double tauOutMs, Readout readout,
                             double tbptt1Lr, double chunkedLr, double tbptt1Beta1,
                             double tbptt1Beta2, double beta1, double beta2,
                             double tbptt1Eps, double eps, LearningRateSchedule schedule, int channelJitter) {

  public TrainingPreset {
    if (channelJitter < 0) {
      throw new IllegalArgumentException(name + ": channel jitter must be >= 0, got "
          + channelJitter);
    }
    if (!(tauMemMs > 0) || !(tauOutMs > 0) || !(tbptt1Lr > 0) || !(chunkedLr > 0)
        || !(tbptt1Eps > 0) || !(eps > 0)) {
      throw new IllegalArgumentException(name + ": time constants, learning rates and Adam eps "
          + "must be > 0");
    }
    for (double beta : new double[] {tbptt1Beta1, tbptt1Beta2, beta1, beta2}) {
      if (!(beta >= 0 && beta < 1)) {
        throw new IllegalArgumentException(name + ": Adam betas must lie in [0, 1), got " + beta);
      }
    }
  }

  /**
   * The paper's settings: tau 20 ms, last-step readout, lr 1e-4 (tBPTT1) / 1e-3, betas 0.9, 0.999,
   * eps 1e-8.
   */
  public static final TrainingPreset GENERAL =
      new TrainingPreset("general", 20, 20, Readout.LAST, 1e-4, 1e-3, 0.9, 0.999, 0.9, 0.999,
          1e-8, 1e-8, LearningRateSchedule.CONSTANT, 0);

  /** Peak Adam rate of tBPTT1 on speech (with the cosine schedule). */
  public static final double SPEECH_TBPTT1_LR = 3e-5;
  /** Peak Adam rate of BPTT and tBPTT-k on speech (with the cosine schedule). */
  public static final double SPEECH_BPTT_LR = 2e-3;

  /** Spoken digits ({@code shd:}), see the class comment. */
  public static final TrainingPreset SPEECH =
      new TrainingPreset("speech", 200, 200, Readout.SUM, SPEECH_TBPTT1_LR, SPEECH_BPTT_LR, 0.995,
          0.9999, 0.9, 0.999, 1e-6, 1e-8, LearningRateSchedule.COSINE, 20);

  /** The preset for a dataset named as on the command line. */
  public static TrainingPreset forDataset(String spec) {
    return spec != null && spec.startsWith("shd:") ? SPEECH : GENERAL;
  }

  /** Adam learning rate for {@code mode}. */
  public double adamLr(TrainingMode mode) {
    return tbptt1(mode) ? tbptt1Lr : chunkedLr;
  }

  /** Adam beta1 for {@code mode}. */
  public double adamBeta1(TrainingMode mode) {
    return tbptt1(mode) ? tbptt1Beta1 : beta1;
  }

  /** Adam beta2 for {@code mode}. */
  public double adamBeta2(TrainingMode mode) {
    return tbptt1(mode) ? tbptt1Beta2 : beta2;
  }

  /** Adam eps for {@code mode}. */
  public double adamEps(TrainingMode mode) {
    return tbptt1(mode) ? tbptt1Eps : eps;
  }

  /** tBPTT1's settings also serve e-prop: both make one update per time step. */
  private static boolean tbptt1(TrainingMode mode) {
    return mode.updatesEveryStep();
  }
}
