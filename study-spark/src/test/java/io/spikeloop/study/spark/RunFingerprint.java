package io.spikeloop.study.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What must be identical between two runs of the same configuration and seed, wherever they ran:
 * the trained weights byte for byte ({@code model.slm}), every per-epoch figure of {@code
 * metrics.csv} but the wall-clock columns, and {@code result.json} but its wall-clock throughput,
 * the folder it names and the name of the device it trained on (a served board or the simulator
 * in process: bit-exact implementations of one core).
 */
final class RunFingerprint {
  private RunFingerprint() {}

  static String of(Path runDir) throws IOException {
    StringBuilder b = new StringBuilder();
    b.append("model.slm sha256 ").append(sha256(Files.readAllBytes(runDir.resolve("model.slm"))))
        .append('\n');
    List<String> metrics = Files.readAllLines(runDir.resolve("metrics.csv"));
    List<String> header = List.of(metrics.get(0).split(","));
    for (String line : metrics) {
      String[] cells = line.split(",");
      for (int i = 0; i < cells.length; i++) {
        String column = header.get(i);
        if (!column.equals("trainSamplesPerSecond") && !column.equals("trainSeconds")) {
          b.append(cells[i]).append(',');
        }
      }
      b.append('\n');
    }
    ObjectNode result = (ObjectNode) new ObjectMapper().readTree(
        runDir.resolve("result.json").toFile());
    result.remove(List.of("runDir", "trainSamplesPerSecond", "device"));
    b.append(result);
    return b.toString();
  }

  /** The fingerprints of every run folder under {@code runsDir}, by folder name. */
  static String ofAll(Path runsDir) throws IOException {
    try (var dirs = Files.list(runsDir)) {
      return dirs.filter(d -> Files.isRegularFile(d.resolve("model.slm"))).sorted()
          .map(d -> {
            try {
              return d.getFileName() + "\n" + of(d);
            } catch (IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          }).collect(Collectors.joining("\n\n"));
    }
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
