package io.spikeloop.sim.reckon;

/**
 * One of ReckOn's unfolded LFSRs: a state of up to 30 bits, an output of several lanes that is a
 * combinational GF(2) function of the state (the RTL's {@code out}), and a next state applied on
 * each enabled clock edge. Both maps come from {@link ReckonLfsrTables}; they are applied through
 * per-byte lookup tables, so a draw costs a few loads per lane and allocates nothing.
 */
final class UnfoldedLfsr {
  private final int stateBytes;
  private final int lanes;
  /** [byte index][byte value] -> next-state contribution. */
  private final int[] nextTable;
  /** [byte index][byte value][lane] -> output contribution. */
  private final int[] outTable;
  /** For single-lane LFSRs of at most 15 state bits: state -> next state and state -> output. */
  private final int[] directNext, directOut;
  private int state;

  private static final UnfoldedLfsr NEURON_ROUNDING = new UnfoldedLfsr(
      ReckonLfsrTables.NEURON_ROUNDING_NEXT, ReckonLfsrTables.NEURON_ROUNDING_OUT, 15);
  private static final UnfoldedLfsr OUTPUT_ROUNDING = new UnfoldedLfsr(
      ReckonLfsrTables.OUTPUT_ROUNDING_NEXT, ReckonLfsrTables.OUTPUT_ROUNDING_OUT, 7);
  private static final UnfoldedLfsr NOISE =
      new UnfoldedLfsr(ReckonLfsrTables.NOISE_NEXT, ReckonLfsrTables.NOISE_OUT, 16);
  private static final UnfoldedLfsr WEIGHTS_IN_REC = new UnfoldedLfsr(
      ReckonLfsrTables.WEIGHTS_IN_REC_NEXT, ReckonLfsrTables.WEIGHTS_IN_REC_OUT, 32);
  private static final UnfoldedLfsr WEIGHTS_OUT = new UnfoldedLfsr(
      ReckonLfsrTables.WEIGHTS_OUT_NEXT, ReckonLfsrTables.WEIGHTS_OUT_OUT, 28);

  /** A new generator sharing {@code kind}'s (immutable) tables. */
  private UnfoldedLfsr(UnfoldedLfsr kind) {
    stateBytes = kind.stateBytes;
    lanes = kind.lanes;
    nextTable = kind.nextTable;
    outTable = kind.outTable;
    directNext = kind.directNext;
    directOut = kind.directOut;
  }

  /**
   * @param nextMasks mask of state bits feeding each next-state bit
   * @param outMasks mask of state bits feeding each output bit (LSB first)
   * @param laneBits width of one output lane ({@code outMasks.length} must be a multiple)
   */
  UnfoldedLfsr(int[] nextMasks, int[] outMasks, int laneBits) {
    int stateBits = nextMasks.length;
    stateBytes = (stateBits + 7) / 8;
    lanes = outMasks.length / laneBits;
    if (lanes * laneBits != outMasks.length || laneBits > 32 || stateBits > 31) {
      throw new IllegalArgumentException("bad LFSR shape: " + stateBits + " state bits, "
          + outMasks.length + " output bits in lanes of " + laneBits);
    }
    nextTable = new int[stateBytes * 256];
    outTable = new int[stateBytes * 256 * lanes];
    for (int b = 0; b < stateBytes; b++) {
      for (int v = 0; v < 256; v++) {
        int stateBitsHere = v << (8 * b);
        int next = 0;
        for (int i = 0; i < stateBits; i++) {
          next |= parity(nextMasks[i] & stateBitsHere) << i;
        }
        nextTable[b * 256 + v] = next;
        for (int l = 0; l < lanes; l++) {
          int lane = 0;
          for (int i = 0; i < laneBits; i++) {
            lane |= parity(outMasks[l * laneBits + i] & stateBitsHere) << i;
          }
          outTable[(b * 256 + v) * lanes + l] = lane;
        }
      }
    }
    if (lanes == 1 && stateBits <= 15) {
      directNext = new int[1 << stateBits];
      directOut = new int[1 << stateBits];
      for (int st = 0; st < directNext.length; st++) {
        state = st;
        directOut[st] = laneFromTables(0);
        directNext[st] = nextFromTables();
      }
      state = 0;
    } else {
      directNext = null;
      directOut = null;
    }
  }

  /** lfsr_neur_stochround: 15-bit state, one 15-bit lane. */
  static UnfoldedLfsr neuronRounding() {
    return new UnfoldedLfsr(NEURON_ROUNDING);
  }

  /** lfsr_oneur_stochround: 15-bit state, one 7-bit lane. */
  static UnfoldedLfsr outputRounding() {
    return new UnfoldedLfsr(OUTPUT_ROUNDING);
  }

  /** lfsr_noise_neur: 17-bit state, two 16-bit lanes. */
  static UnfoldedLfsr noise() {
    return new UnfoldedLfsr(NOISE);
  }

  /** lfsr_winp_wrec: 25-bit state, sixteen 32-bit lanes. */
  static UnfoldedLfsr weightsInRec() {
    return new UnfoldedLfsr(WEIGHTS_IN_REC);
  }

  /** lfsr_wout: 22-bit state, sixteen 28-bit lanes. */
  static UnfoldedLfsr weightsOut() {
    return new UnfoldedLfsr(WEIGHTS_OUT);
  }

  void seed(int value) {
    state = value;
  }

  int state() {
    return state;
  }

  /** Output lane {@code l} for the current state (unsigned, {@code laneBits} wide). */
  int lane(int l) {
    return directOut != null ? directOut[state] : laneFromTables(l);
  }

  private int laneFromTables(int l) {
    int s = state;
    int out = 0;
    for (int b = 0; b < stateBytes; b++) {
      out ^= outTable[((b << 8) | ((s >>> (8 * b)) & 0xFF)) * lanes + l];
    }
    return out;
  }

  /** Fills {@code into[0..lanes-1]} with the current output lanes. */
  void lanes(int[] into) {
    for (int l = 0; l < lanes; l++) {
      into[l] = 0;
    }
    int s = state;
    for (int b = 0; b < stateBytes; b++) {
      int base = ((b << 8) | ((s >>> (8 * b)) & 0xFF)) * lanes;
      for (int l = 0; l < lanes; l++) {
        into[l] ^= outTable[base + l];
      }
    }
  }

  /** One enabled clock edge. */
  void advance() {
    state = directNext != null ? directNext[state] : nextFromTables();
  }

  private int nextFromTables() {
    int s = state;
    int next = 0;
    for (int b = 0; b < stateBytes; b++) {
      next ^= nextTable[(b << 8) | ((s >>> (8 * b)) & 0xFF)];
    }
    return next;
  }

  private static int parity(int x) {
    return Integer.bitCount(x) & 1;
  }
}
