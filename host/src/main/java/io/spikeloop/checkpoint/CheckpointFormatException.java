package io.spikeloop.checkpoint;

import java.io.IOException;
import java.nio.file.Path;

/** A checkpoint file that is not one, is truncated, corrupted, or of an unknown version. */
public final class CheckpointFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  public CheckpointFormatException(Path file, String problem) {
    super("checkpoint " + file + ": " + problem);
  }
}
