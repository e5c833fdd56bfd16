package io.spikeloop.sim.reckon;

/**
 * The chip's {@code stoch_update} module: a weight moves by one LSB towards the sign of {@code
 * prob} when {@code (|prob| << lrLeft, all ones on overflow) >> lrRight} is at least an unsigned
 * LFSR draw of the same width; the most negative {@code prob} always moves. An 8-bit weight that
 * would wrap keeps its value (but still counts as written).
 */
final class StochasticUpdate {
  /** Result flag: the byte lane is written (the RTL's mask). */
  static final int WRITTEN = 1 << 8;

  private StochasticUpdate() {}

  /**
   * @param prob signed probability, {@code width} bits, sign-extended into an int
   * @param weight current weight, -128..127
   * @param enabled the RTL's {@code en}
   * @param width 32 (W_in, W_rec) or 28 (W_out)
   * @param draw unsigned LFSR lane, {@code width} bits
   * @return the new weight in the low 8 bits (two's complement), {@link #WRITTEN} when the lane is
   *     written; 0 with no {@code WRITTEN} bit when nothing changes
   */
  static int apply(int prob, int weight, boolean enabled, int lrRight, int lrLeft, int width,
      int draw) {
    if (!enabled || prob == 0) {
      return weight & 0xFF;
    }
    boolean negative = prob < 0;
    long widthMask = (1L << width) - 1;
    boolean mostNegative = prob == (int) -(1L << (width - 1));
    long abs = negative ? (-(long) prob) & widthMask : prob;
    long shifted = abs << lrLeft;
    long total = ((shifted >>> width) != 0 ? widthMask : shifted) >>> lrRight;
    boolean update = mostNegative || total >= (draw & widthMask);
    if (!update) {
      return weight & 0xFF;
    }
    int next = negative ? weight - 1 : weight + 1;
    if (next > 127 || next < -128) {
      next = weight;
    }
    return (next & 0xFF) | WRITTEN;
  }
}
