package io.spikeloop.sim.learning;

/**
 * The learning engine's random generator: xorshift64* (Vigna 2016), seeded through splitmix64.
 * State transition {@code x ^= x >>> 12; x ^= x << 25; x ^= x >>> 27}; each draw advances the
 * state once and outputs the top 32 bits of {@code x * 0x2545F4914F6CDD1D} (mod 2^64). The state
 * is a plain long so the caller keeps it in a local in hot loops and stores it in the
 * {@link QuantizedAdamState}.
 */
public final class Xorshift64Star {
  private static final long MULTIPLIER = 0x2545F4914F6CDD1DL;

  private Xorshift64Star() {}

  /**
   * Initial state for {@code seed}: splitmix64(seed), i.e. z = seed + 0x9E3779B97F4A7C15,
   * z = (z ^ z>>>30) * 0xBF58476D1CE4E5B9, z = (z ^ z>>>27) * 0x94D049BB133111EB, z ^ z>>>31;
   * a result of 0 (impossible for all but one seed) is replaced by 0x9E3779B97F4A7C15.
   */
  public static long seed(long seed) {
    long z = seed + 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    z = z ^ (z >>> 31);
    return z == 0 ? 0x9E3779B97F4A7C15L : z;
  }

  /** The next state. */
  public static long advance(long x) {
    x ^= x >>> 12;
    x ^= x << 25;
    x ^= x >>> 27;
    return x;
  }

  /** The 32-bit output of a state that has just been advanced. */
  public static int output(long x) {
    return (int) ((x * MULTIPLIER) >>> 32);
  }
}
