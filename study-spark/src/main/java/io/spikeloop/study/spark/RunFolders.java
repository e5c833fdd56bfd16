package io.spikeloop.study.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spikeloop.run.RunFolder;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * Where a distributed run writes its folder and how the folder reaches {@code runs/<name>}.
 * Every attempt trains into a staging folder of its own; a finished attempt (successful or not)
 * then replaces whatever an earlier attempt of the same run left: by an atomic rename on a
 * shared file system, or on the driver from the zip the task sent back ({@code --copy-back}).
 * So {@code runs/} holds each run once, written by one attempt.
 */
public final class RunFolders {
  /** Folder of staging folders inside {@code runs/} (shared mode); removed when a study ends. */
  public static final String ATTEMPTS = ".attempts";

  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT);

  private RunFolders() {}

  /** The staging folder of one attempt (created by the run itself). */
  static Path staging(RunTask task, long attemptId) throws IOException {
    if (task.copyBack()) {
      return Files.createTempDirectory("spikeloop-run-").resolve(task.name());
    }
    Path attempts = Path.of(task.runsDir()).resolve(ATTEMPTS);
    Files.createDirectories(attempts);
    return attempts.resolve(task.name() + "-attempt" + attemptId);
  }

  /** Moves a finished attempt's folder to {@code target}, replacing an earlier attempt's. */
  static void publishShared(Path staging, Path target) throws IOException {
    if (Files.exists(target)) {
      deleteTree(target);
    }
    Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
  }

  /** Unpacks a folder sent back by a task into {@code target}, replacing what was there. */
  public static void unzip(byte[] zip, Path target) throws IOException {
    if (Files.exists(target)) {
      deleteTree(target);
    }
    Files.createDirectories(target);
    Path root = target.toAbsolutePath().normalize();
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
      for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        Path file = root.resolve(e.getName()).normalize();
        if (!file.startsWith(root)) {
          throw new IOException("a run folder sent back holds an entry outside it: "
              + e.getName());
        }
        if (e.isDirectory()) {
          Files.createDirectories(file);
        } else {
          Files.createDirectories(file.getParent());
          Files.copy(in, file);
        }
      }
    }
  }

  /** The files of {@code dir} (relative names), zipped. */
  static byte[] zip(Path dir) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    List<Path> files;
    try (Stream<Path> walk = Files.walk(dir)) {
      files = walk.filter(Files::isRegularFile).sorted().toList();
    }
    try (ZipOutputStream out = new ZipOutputStream(bytes)) {
      for (Path f : files) {
        out.putNextEntry(new ZipEntry(dir.relativize(f).toString().replace('\\', '/')));
        Files.copy(f, out);
        out.closeEntry();
      }
    }
    return bytes.toByteArray();
  }

  /**
   * Makes the run's {@code result.json} (and the summary the driver keeps) name the folder the
   * run ended up in rather than its staging folder; returns the summary so corrected.
   */
  public static ObjectNode relocate(ObjectNode summary, Path runDir) {
    if (summary.has("runDir")) {
      summary.put("runDir", runDir.toString());
      Path result = runDir.resolve(RunFolder.RESULT);
      if (Files.isRegularFile(result)) {
        try {
          JSON.writeValue(result.toFile(), summary);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    return summary;
  }

  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    List<Path> all;
    try (Stream<Path> walk = Files.walk(root)) {
      all = walk.sorted(Comparator.reverseOrder()).toList();
    }
    for (Path p : all) {
      Files.delete(p);
    }
  }
}
