package io.spikeloop.fault;

/** What {@link FaultyLink} does to one frame. */
public enum Fault {
  /** Forward it unchanged. */
  NONE,
  /** Forward nothing: the frame is lost (the peer waits for it until its timeout). */
  DROP,
  /** Hold it for {@link FaultyLink#DELAY_MILLIS} before forwarding (ordering is kept). */
  DELAY,
  /**
   * Set the top bit of its length prefix: the receiver sees a frame above its size limit and
   * must give up on the connection (a corrupted header cannot be resynchronised).
   */
  CORRUPT_LENGTH,
  /** Send a frame of random bytes before it: the receiver must reject it as malformed. */
  GARBAGE,
  /** Stop forwarding in this direction for the rest of the connection (a peer that hangs). */
  STALL,
  /** Close both sides of the connection instead of forwarding it. */
  CUT;

  /**
   * The faults a random plan draws from, as a fresh array (a shared public array could be
   * changed by any caller).
   */
  public static Fault[] injectable() {
    return new Fault[] {DROP, DELAY, CORRUPT_LENGTH, GARBAGE, STALL, CUT};
  }
}
