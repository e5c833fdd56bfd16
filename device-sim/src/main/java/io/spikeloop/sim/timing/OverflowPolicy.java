package io.spikeloop.sim.timing;

/** What the SL-1 event FIFO does when an event arrives and it is full. */
public enum OverflowPolicy {
  /**
   * The producer waits and the FIFO is drained and refilled in chunks; every event is delivered,
   * so results stay bit-exact, and each refill costs {@link MicroArchitecture#refillCycles()}.
   */
  STALL,
  /** Events that find the FIFO full are lost (lowest ids are kept); results change. */
  DROP
}
