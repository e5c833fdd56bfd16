package io.spikeloop.sim.timing;

import io.spikeloop.sim.core.Sl1Core;

/**
 * The SL-1 microarchitecture the cycle model describes (see {@code docs/core-spec.md}): one
 * synapse engine with {@code synapseLanes} parallel adders, one neuron engine with
 * {@code neuronLanes} parallel LIF units, and one event FIFO of {@code fifoDepth} entries that
 * feeds the synapse engine. The engines share the neuron state memory, so the core works stage by
 * stage (hidden layers in order, then the output layer), each stage a synapse phase followed by a
 * neuron phase.
 *
 * <p>Cycles of one step: {@code stepOverheadCycles} plus, for each stage {@code s} of size
 * {@code N} with {@code A} feed-forward events arriving, {@code F} of them fanned out and
 * {@code R} recurrent events:
 * <pre>
 *   (F + R) * (eventCycles + ceil(N / synapseLanes))     synapse phase: row fetch + lane passes
 * + refills(A) * refillCycles                            FIFO refills (STALL only)
 * + ceil(N / neuronLanes) + neuronPipelineCycles          neuron phase
 * </pre>
 * with {@code refills(A) = ceil(A / fifoDepth) - 1} when {@code A > fifoDepth}, else 0. Each stage
 * counts {@code max(0, A - fifoDepth)} FIFO overflows in either policy.
 *
 * @param clockHz           core clock
 * @param stepPeriodSeconds real-time budget of one step; a step whose cycles exceed
 *                          {@code clockHz * stepPeriodSeconds} misses its deadline (0 = none)
 */
public record MicroArchitecture(double clockHz, double stepPeriodSeconds, int synapseLanes,
                                int neuronLanes, int fifoDepth, OverflowPolicy overflow,
                                int eventCycles, int neuronPipelineCycles, int refillCycles,
                                int stepOverheadCycles) {

  /** The reference SL-1: 100 MHz, 1 ms steps, 16 synapse lanes, 8 neuron lanes, 64-entry FIFO. */
  public static final MicroArchitecture SL1 =
      new MicroArchitecture(100e6, 1e-3, 16, 8, 64, OverflowPolicy.STALL, 2, 4, 8, 16);

  public MicroArchitecture {
    if (!(clockHz > 0) || Double.isInfinite(clockHz)) {
      throw new IllegalArgumentException("clockHz must be positive and finite, got " + clockHz);
    }
    if (!(stepPeriodSeconds >= 0) || Double.isInfinite(stepPeriodSeconds)) {
      throw new IllegalArgumentException("stepPeriodSeconds must be >= 0 and finite, got "
          + stepPeriodSeconds);
    }
    positive("synapseLanes", synapseLanes);
    positive("neuronLanes", neuronLanes);
    positive("fifoDepth", fifoDepth);
    if (overflow == null) {
      throw new IllegalArgumentException("an overflow policy is needed");
    }
    nonNegative("eventCycles", eventCycles);
    nonNegative("neuronPipelineCycles", neuronPipelineCycles);
    nonNegative("refillCycles", refillCycles);
    nonNegative("stepOverheadCycles", stepOverheadCycles);
  }

  private static void positive(String what, int v) {
    if (v <= 0) {
      throw new IllegalArgumentException(what + " must be positive, got " + v);
    }
  }

  private static void nonNegative(String what, int v) {
    if (v < 0) {
      throw new IllegalArgumentException(what + " must be >= 0, got " + v);
    }
  }

  public MicroArchitecture withClock(double hz) {
    return new MicroArchitecture(hz, stepPeriodSeconds, synapseLanes, neuronLanes, fifoDepth,
        overflow, eventCycles, neuronPipelineCycles, refillCycles, stepOverheadCycles);
  }

  public MicroArchitecture withStepPeriod(double seconds) {
    return new MicroArchitecture(clockHz, seconds, synapseLanes, neuronLanes, fifoDepth,
        overflow, eventCycles, neuronPipelineCycles, refillCycles, stepOverheadCycles);
  }

  public MicroArchitecture withFifo(int depth, OverflowPolicy policy) {
    return new MicroArchitecture(clockHz, stepPeriodSeconds, synapseLanes, neuronLanes, depth,
        policy, eventCycles, neuronPipelineCycles, refillCycles, stepOverheadCycles);
  }

  public MicroArchitecture withLanes(int synapse, int neuron) {
    return new MicroArchitecture(clockHz, stepPeriodSeconds, synapse, neuron, fifoDepth,
        overflow, eventCycles, neuronPipelineCycles, refillCycles, stepOverheadCycles);
  }

  /** The event limit a core must apply per stream: the FIFO depth in DROP mode, else none. */
  public int coreEventLimit() {
    return overflow == OverflowPolicy.DROP ? fifoDepth : Sl1Core.UNLIMITED;
  }

  /** Cycles per step within the real-time budget ({@link Long#MAX_VALUE} without a deadline). */
  public long cycleBudget() {
    return stepPeriodSeconds == 0 ? Long.MAX_VALUE : (long) Math.floor(clockHz * stepPeriodSeconds);
  }

  /** Cycles of the step the core ran last. */
  public long stepCycles(Sl1Core core) {
    long cycles = stepOverheadCycles;
    for (int s = 0; s <= core.layerCount(); s++) {
      int n = core.stageSize(s);
      long events = (long) core.deliveredEvents(s) + core.recurrentEvents(s);
      cycles += events * (eventCycles + ceilDiv(n, synapseLanes));
      cycles += (long) refills(core.arrivedEvents(s)) * refillCycles;
      cycles += ceilDiv(n, neuronLanes) + neuronPipelineCycles;
    }
    return cycles;
  }

  /** Events of the last step that found the FIFO full (waited in STALL, lost in DROP). */
  public long fifoOverflows(Sl1Core core) {
    long overflows = 0;
    for (int s = 0; s <= core.layerCount(); s++) {
      overflows += Math.max(0, core.arrivedEvents(s) - fifoDepth);
    }
    return overflows;
  }

  private int refills(int arrived) {
    if (overflow != OverflowPolicy.STALL || arrived <= fifoDepth) {
      return 0;
    }
    return ceilDiv(arrived, fifoDepth) - 1;
  }

  private static int ceilDiv(int a, int b) {
    return (a + b - 1) / b;
  }
}
