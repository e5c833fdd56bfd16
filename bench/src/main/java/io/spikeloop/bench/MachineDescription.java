package io.spikeloop.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The one line every benchmark prints about the machine it ran on. */
final class MachineDescription {
  private MachineDescription() {}

  /** CPU model, visible cores, JVM and OS, e.g. {@code AMD EPYC, 2 cores, Java 17.0.15 (...)}. */
  static String describe() {
    String cpu = "unknown CPU";
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          cpu = line.substring(line.indexOf(':') + 1).trim();
          break;
        }
      }
    } catch (IOException | RuntimeException notLinux) {
      // keep "unknown CPU"
    }
    return cpu + ", " + Runtime.getRuntime().availableProcessors() + " cores, Java "
        + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + "), "
        + System.getProperty("os.name") + " " + System.getProperty("os.arch");
  }
}
