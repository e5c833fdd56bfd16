package io.spikeloop.device;

/**
 * Names of what a device can do beyond loading a network and stepping it; placements check these
 * before they start. Capabilities are open identifiers: these are the well-known ones, a target
 * or device may declare its own (lower-case, dash-separated).
 */
public final class Capability {
  private Capability() {}

  public static final String FORWARD = "forward";
  /** Step results carry the hidden membranes ({@link ReadoutLevel#FULL}). */
  public static final String MEMBRANE_READOUT = "membrane-readout";
  /** The dynamic state can be taken and restored ({@link Device#state()}). */
  public static final String SNAPSHOT = "snapshot";
  /** Step results and telemetry count core cycles and deadline misses. */
  public static final String CYCLE_MODEL = "cycle-model";
  /** Telemetry carries an energy estimate. */
  public static final String ENERGY_MODEL = "energy-model";
  /** The device learns on chip ({@link OnChipLearning}). */
  public static final String ON_CHIP_LEARNING = "on-chip-learning";
  /** Weights can be read back. */
  public static final String WEIGHT_READBACK = "weight-readback";
  /** The learning engine's state can be read and restored ({@link OnChipLearning#state()}). */
  public static final String LEARNING_STATE = "learning-state";
  /**
   * An imperfect chip instance (mismatch, noise, lost events): reproducible with itself only, so
   * it compares with {@link io.spikeloop.target.Equivalence#STATISTICS_ONLY}.
   */
  public static final String IMPERFECT_CHIP = "imperfect-chip";
  /** The device stores spike samples in its memory and replays them ({@link SampleStore}). */
  public static final String SAMPLE_STORE = "sample-store";

  /** Checks a capability name: lower-case letters, digits and '-', 1..64 characters. */
  public static String check(String name) {
    if (name == null || !name.matches("[a-z0-9][a-z0-9-]{0,63}")) {
      throw new IllegalArgumentException("capability name '" + name
          + "' must be 1-64 lower-case letters, digits or '-'");
    }
    return name;
  }
}
