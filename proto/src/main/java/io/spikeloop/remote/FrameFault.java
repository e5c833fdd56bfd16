package io.spikeloop.remote;

/**
 * A frame the decoder could not turn into a message. {@link Kind#OVERSIZED} ends the stream (the
 * decoder discards everything after it); {@link Kind#MALFORMED} frames are skipped and the next
 * frame is read normally; {@link Kind#TRUNCATED} is reported when the connection ends mid-frame;
 * {@link Kind#OVER_BUDGET} (a server, before Hello) ends the stream like OVERSIZED: the frame
 * fits the limit but the bytes that connections without a Hello may hold together are in use.
 */
public record FrameFault(Kind kind, String detail) {
  public enum Kind { MALFORMED, OVERSIZED, TRUNCATED, OVER_BUDGET }

  public FrameFault {
    if (kind == null || detail == null) {
      throw new IllegalArgumentException("a frame fault needs a kind and a detail");
    }
  }
}
