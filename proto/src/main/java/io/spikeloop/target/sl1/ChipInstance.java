package io.spikeloop.target.sl1;

import java.util.List;

/**
 * One imperfect SL-1 chip: fixed-pattern mismatch, temporal membrane noise and lost input events
 * ({@code docs/core-spec.md} section 10, "Chip instances"). Every draw is counter-based: a value
 * is {@link #mix64} of a key built from the instance, the kind of draw, the step and the element,
 * so nothing about the generator is state to checkpoint, and the C board (driver ABI 4,
 * {@code spikeloop_set_chip_instance}) makes the same draws from the same integers. The simulator
 * ({@code Sl1Core}) and the board driver both take an instance from these device-name options:
 * {@code mismatch=S,instance=K,noise=N,drop=P} ({@link #with}).
 *
 * <p>The real-valued options are quantized once, here, to the integers the core and the C board
 * use: {@code spreadQ24 = round(S * sqrt(3) * 2^24)}, {@code noiseQ8 = round(N * sqrt(3) * 2^8)},
 * {@code dropQ32 = round(P * 2^32)}.
 *
 * @param spread   relative standard deviation S of the fixed pattern, in [0, 1]
 * @param instance the instance number K (any long); (K, S) fixes the pattern
 * @param noise    standard deviation N of the membrane noise per step, in membrane LSBs,
 *                 in [0, 2^20]
 * @param drop     probability P that an input event is lost, in [0, 1)
 */
public record ChipInstance(double spread, long instance, double noise, double drop) {
  /** A chip exactly as specified: no mismatch, no noise, nothing lost (the bit-exact core). */
  public static final ChipInstance PERFECT = new ChipInstance(0, 0, 0, 0);

  /** The device-name options that set an instance, in the order {@link #describe} prints them. */
  public static final List<String> OPTIONS = List.of("mismatch", "instance", "noise", "drop");

  // Kinds of draw; each keys an independent stream.
  public static final long THRESHOLD = 1;
  public static final long LEAK = 2;
  public static final long HIDDEN_GAIN = 3;
  public static final long OUTPUT_GAIN = 4;
  public static final long OUTPUT_OFFSET = 5;
  public static final long NOISE = 6;
  public static final long DROP = 7;

  private static final double SQRT3 = Math.sqrt(3);

  public ChipInstance {
    if (!(spread >= 0 && spread <= 1)) {
      throw new IllegalArgumentException("mismatch spread must be in [0, 1], got " + spread);
    }
    if (!(noise >= 0 && noise <= 1 << 20)) {
      throw new IllegalArgumentException("membrane noise must be in [0, 2^20] LSBs, got " + noise);
    }
    if (!(drop >= 0 && drop < 1)) {
      throw new IllegalArgumentException("drop probability must be in [0, 1), got " + drop);
    }
  }

  /**
   * This instance with one device-name option set: {@code mismatch} (S), {@code instance} (K),
   * {@code noise} (N) or {@code drop} (P); an unknown key or a value out of range is an
   * {@link IllegalArgumentException} naming it.
   */
  public ChipInstance with(String key, String value) {
    return switch (key) {
      case "mismatch" -> new ChipInstance(Double.parseDouble(value), instance, noise, drop);
      case "instance" -> new ChipInstance(spread, Long.parseLong(value), noise, drop);
      case "noise" -> new ChipInstance(spread, instance, Double.parseDouble(value), drop);
      case "drop" -> new ChipInstance(spread, instance, noise, Double.parseDouble(value));
      default -> throw new IllegalArgumentException("unknown chip-instance option '" + key
          + "' (options: " + OPTIONS + ")");
    };
  }

  /** {@code chip instance K: mismatch S, noise N LSB, drop P} (for device descriptions). */
  public String describe() {
    return "chip instance " + instance + ": mismatch " + spread + ", noise " + noise
        + " LSB, drop " + drop;
  }

  /** Whether this chip behaves exactly as the specification (the bit-exact core). */
  public boolean perfect() {
    return spreadQ24() == 0 && noiseQ8() == 0 && dropQ32() == 0;
  }

  /** {@code round(S * sqrt(3) * 2^24)}: scales a centred sum of four 16-bit uniforms. */
  public long spreadQ24() {
    return Math.round(spread * SQRT3 * (1 << 24));
  }

  /** {@code round(N * sqrt(3) * 2^8)}. */
  public long noiseQ8() {
    return Math.round(noise * SQRT3 * (1 << 8));
  }

  /** {@code round(P * 2^32)}: an event is lost when the top 32 bits of its draw are below it. */
  public long dropQ32() {
    return Math.round(drop * 4294967296.0);
  }

  /**
   * splitmix64's output function of {@code z + 0x9E3779B97F4A7C15}: z += golden;
   * z = (z ^ z>>>30) * 0xBF58476D1CE4E5B9; z = (z ^ z>>>27) * 0x94D049BB133111EB; z ^ z>>>31.
   */
  public static long mix64(long z) {
    z += 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** Key of a stream: {@code mix64(mix64(K) + kind)}. */
  public long streamKey(long kind) {
    return mix64(mix64(instance) + kind);
  }

  /** Key of one step's draws of a stream: {@code mix64(streamKey(kind) + step)}. */
  public long stepKey(long kind, long step) {
    return mix64(streamKey(kind) + step);
  }

  /** Element index of neuron j of stage s in a key: {@code s << 32 | j}. */
  public static long element(int stage, int j) {
    return ((long) stage << 32) | j;
  }

  /**
   * The centred Irwin-Hall sum of the four 16-bit fields of a 64-bit draw:
   * {@code sum - 131070}, in [-131070, 131070], mean 0, standard deviation
   * {@code sqrt((2^32 - 1) / 3) ~ 2^16 / sqrt(3)}; approximately normal, bounded at 3.46 sigma.
   */
  public static long centredSum4(long h) {
    return (h & 0xFFFF) + ((h >>> 16) & 0xFFFF) + ((h >>> 32) & 0xFFFF) + (h >>> 48) - 131070;
  }

  /**
   * The relative factor of one element of the fixed pattern, Q16:
   * {@code max(0, 2^16 + rshift_round(centredSum4(h) * spreadQ24, 24))}, standard deviation
   * {@code S * 2^16}.
   */
  public static long factorQ16(long h, long spreadQ24) {
    return Math.max(0, 65536 + FixedPoint.rshiftRound(centredSum4(h) * spreadQ24, 24));
  }

  /** One step's noise of one neuron in membrane LSBs: {@code rshift_round(centredSum4(h) * noiseQ8, 24)}. */
  public static long noiseLsb(long h, long noiseQ8) {
    return FixedPoint.rshiftRound(centredSum4(h) * noiseQ8, 24);
  }
}
