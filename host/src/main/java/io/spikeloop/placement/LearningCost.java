package io.spikeloop.placement;

/**
 * What training cost on the device, per trained sample.
 *
 * @param samples          samples trained
 * @param cyclesPerSample  core cycles per sample while training (forward + learning engine)
 * @param joulesPerSample  core energy per sample while training
 * @param learningCyclesPerSample the learning engine's share (0 off-chip)
 * @param learningJoulesPerSample the learning engine's share of the energy
 * @param learningUpdatesPerSample parameter updates the core made per sample
 */
public record LearningCost(long samples, double cyclesPerSample, double joulesPerSample,
                           double learningCyclesPerSample, double learningJoulesPerSample,
                           double learningUpdatesPerSample) {
  public static final LearningCost NONE = new LearningCost(0, 0, 0, 0, 0, 0);
}
