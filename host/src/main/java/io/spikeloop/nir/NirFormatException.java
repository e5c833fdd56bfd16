package io.spikeloop.nir;

import java.io.IOException;
import java.nio.file.Path;

/** A NIR file that cannot be read or does not describe a network spikeloop can run. */
public final class NirFormatException extends IOException {
  public NirFormatException(Path file, String problem) {
    super(file + ": " + problem);
  }
}
