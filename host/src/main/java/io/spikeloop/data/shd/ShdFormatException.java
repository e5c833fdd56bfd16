package io.spikeloop.data.shd;

import java.io.IOException;
import java.nio.file.Path;

/** An SHD file that cannot be used: names the file and the problem. */
public final class ShdFormatException extends IOException {
  public ShdFormatException(Path file, String problem) {
    super(file + ": " + problem);
  }

  public ShdFormatException(Path file, String problem, Throwable cause) {
    super(file + ": " + problem, cause);
  }
}
