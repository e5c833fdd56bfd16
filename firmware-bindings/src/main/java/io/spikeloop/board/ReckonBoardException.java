package io.spikeloop.board;

/** A {@code board:reckon} call refused or failed; {@link #code()} is the RECKON_ERR_* code. */
public final class ReckonBoardException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int code;

  ReckonBoardException(int code, String message) {
    super(message);
    this.code = code;
  }

  /** The library's RECKON_ERR_* code ({@link ReckonDriver}). */
  public int code() {
    return code;
  }
}
