package io.spikeloop.sim.reckon;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Finds the ReckOn upstream folder beside the checkout ({@code ../shared/boards/reckon/upstream}). */
final class ReckonUpstream {
  private ReckonUpstream() {}

  /** The upstream {@code src} folder, seen from the module or the repository root. */
  static Optional<Path> src() {
    for (String up : new String[] {"..", "../.."}) {
      Path p = Path.of(up, "shared/boards/reckon/upstream/src");
      if (Files.isDirectory(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  static final String ABSENT = "ReckOn upstream folder ../shared/boards/reckon/upstream not found";
}
