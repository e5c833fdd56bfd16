package io.spikeloop.remote;

/**
 * A frame the decoder could not turn into a message. {@link Kind#OVERSIZED} ends the stream (the
 * decoder discards everything after it); {@link Kind#MALFORMED} frames are skipped and the next
 * frame is read normally; {@link Kind#TRUNCATED} is reported when the connection ends mid-frame.
 */
public record FrameFault(Kind kind, String detail) {
  public enum Kind { MALFORMED, OVERSIZED, TRUNCATED }

  public FrameFault {
    if (kind == null || detail == null) {
      throw new IllegalArgumentException("a frame fault needs a kind and a detail");
    }
  }
}
