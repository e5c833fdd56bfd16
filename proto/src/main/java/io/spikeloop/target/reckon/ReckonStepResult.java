package io.spikeloop.target.reckon;

import java.util.Arrays;

/**
 * What one tick produced on the output bus, and what it cost.
 *
 * <p><b>Output lag.</b> Input events sent before tick {@code t} are integrated after that tick;
 * the hidden spikes they cause are tested on tick {@code t+1} and added to the outputs after it;
 * the outputs leak and are read (bus, winner count, error) on tick {@code t+2}. So the output
 * membranes a step reports reflect inputs of two steps earlier, and the first step of a sample
 * sends nothing (it only integrates).
 *
 * @param bus the bytes sent on OUT_DATA during this step, in order: with {@code sendLabelOnly}
 *     one byte (the winner label, {@code 0..N_out-1}); otherwise {@code 2 * N_out} bytes, the
 *     output membranes low byte first. Empty when nothing was sent.
 * @param learned whether e-prop ran on this tick
 * @param cycles clock cycles of this tick by the cost model ({@link ReckonCostModel})
 * @param synapticOps synaptic operations of this tick (events and spikes times fan-out)
 */
public record ReckonStepResult(int[] bus, boolean learned, long cycles, long synapticOps) {

  public ReckonStepResult {
    bus = bus.clone();
  }

  @Override
  public int[] bus() {
    return bus.clone();
  }

  /** True when the bus carried something on this step. */
  public boolean sent() {
    return bus.length > 0;
  }

  /** The winner label sent (label-only readout), or -1 when none was sent. */
  public int label() {
    return bus.length == 1 ? bus[0] & 0xF : -1;
  }

  /** Output membranes decoded from a membrane transfer (signed 16-bit), or null if none. */
  public short[] outputMembranes() {
    if (bus.length < 2 || bus.length % 2 != 0) {
      return null;
    }
    short[] o = new short[bus.length / 2];
    for (int k = 0; k < o.length; k++) {
      o[k] = (short) ((bus[2 * k] & 0xFF) | (bus[2 * k + 1] & 0xFF) << 8);
    }
    return o;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ReckonStepResult r && Arrays.equals(bus, r.bus) && learned == r.learned
        && cycles == r.cycles && synapticOps == r.synapticOps;
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bus) * 31 + (learned ? 1 : 0) + Long.hashCode(cycles);
  }

  @Override
  public String toString() {
    return "ReckonStepResult[bus " + Arrays.toString(bus) + (learned ? ", learned" : "")
        + ", cycles " + cycles + "]";
  }
}
