package io.spikeloop.target.reckon;

/**
 * Cycles and energy of a ReckOn tick.
 *
 * <p>Cycles follow the formula measured on the RTL ({@code ../shared/boards/reckon/README.md}):
 * {@code 2(N+1)} per tick (event scan and leak sweep, N = max(N_in, N_rec)), plus {@code
 * N_rec + 2} per input event or hidden spike (one pass over the postsynaptic pairs, two cycles
 * per pair), plus {@code ceil(N_rec/16) * (32 + 2(N+1))} on ticks with e-prop (per group of 16
 * postsynaptic neurons: 32 cycles of learning signals, then a pass over every presynaptic
 * neuron). 256-256-16: 514 idle, +258 per event, +8,736 learning.
 *
 * <p>Energy uses the chip's published figure, 5.3 pJ per synaptic operation at 0.5 V (Frenkel
 * and Indiveri, ISSCC 2022, quoted in {@code upstream/doc/README.md}); a synaptic operation is
 * one weight read and accumulate: N_rec per input event, N_rec + N_out per hidden spike.
 */
public final class ReckonCostModel {
  /** Energy per synaptic operation, picojoules, at 0.5 V (ISSCC 2022). */
  public static final double PICOJOULES_PER_SOP = 5.3;

  private ReckonCostModel() {}

  /** Cycles of one tick with {@code events} input events and {@code spikes} hidden spikes. */
  public static long cycles(ReckonNetwork net, int events, int spikes, boolean learned) {
    long n = Math.max(net.inputs(), net.recurrent());
    long cycles = 2 * (n + 1) + (long) (net.recurrent() + 2) * (events + spikes);
    if (learned) {
      cycles += ((net.recurrent() + 15) / 16) * (32 + 2 * (n + 1));
    }
    return cycles;
  }

  /** Synaptic operations of one tick. */
  public static long synapticOps(ReckonNetwork net, int events, int spikes) {
    return (long) events * net.recurrent() + (long) spikes * (net.recurrent() + net.outputs());
  }

  /** Energy in joules of {@code synapticOps} operations. */
  public static double joules(long synapticOps) {
    return synapticOps * PICOJOULES_PER_SOP * 1e-12;
  }
}
