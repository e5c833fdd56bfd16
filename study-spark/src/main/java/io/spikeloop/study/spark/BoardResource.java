package io.spikeloop.study.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;
import org.apache.spark.resource.ResourceProfile;
import org.apache.spark.resource.ResourceProfileBuilder;
import org.apache.spark.resource.TaskResourceRequests;

/**
 * Boards as a Spark custom resource named {@code board}, scheduled as Spark schedules GPUs: a
 * worker advertises the boards it reaches with a discovery script that prints {@code
 * {"name":"board","addresses":["board:ref","remote://10.0.0.7:7070"]}}; an executor gets some
 * of them ({@code spark.executor.resource.board.amount}); a run that trains on a device asks
 * for one ({@link #oneBoardPerTask}) and Spark hands each address to one running task at a time.
 */
public final class BoardResource {
  /** The resource name in Spark's settings ({@code spark.worker.resource.board.*}). */
  public static final String NAME = "board";

  private BoardResource() {}

  /** The task-level request of a board run: one CPU and one board. */
  public static ResourceProfile oneBoardPerTask() {
    return new ResourceProfileBuilder()
        .require(new TaskResourceRequests().cpus(1).resource(NAME, 1.0)).build();
  }

  /** The board Spark assigned to the running task; fails naming the settings when none was. */
  public static String assigned(TaskContext context) {
    Map<String, ResourceInformation> resources = context == null ? Map.of()
        : context.resourcesJMap();
    ResourceInformation board = resources.get(NAME);
    if (board == null || board.addresses().length == 0) {
      throw new IllegalStateException("this run needs a board but Spark assigned none: the "
          + "workers must advertise the resource 'board' (spark.worker.resource.board.amount "
          + "and .discoveryScript) and executors must ask for it "
          + "(spark.executor.resource.board.amount); docs/studies.md");
    }
    if (board.addresses().length != 1) {
      throw new IllegalStateException("a run takes exactly one board, Spark assigned "
          + List.of(board.addresses()));
    }
    return board.addresses()[0];
  }

  /**
   * Writes an executable discovery script into {@code dir} that advertises {@code addresses}
   * ({@code board:NAME} or {@code remote://HOST:PORT}), for {@code
   * spark.worker.resource.board.discoveryScript}.
   */
  public static Path discoveryScript(Path dir, String workerName, List<String> addresses)
      throws IOException {
    for (String a : addresses) {
      if (!a.matches("(board:[A-Za-z0-9_.-]+|remote://[A-Za-z0-9_.:\\[\\]-]+|sim(:[^\"\\\\]*)?)")) {
        throw new IllegalArgumentException("a board address is board:NAME, remote://HOST:PORT "
            + "or sim[:OPTIONS], got '" + a + "'");
      }
    }
    String json = "{\"name\":\"" + NAME + "\",\"addresses\":["
        + addresses.stream().map(a -> "\"" + a + "\"").collect(Collectors.joining(",")) + "]}";
    Path script = dir.resolve("boards-" + workerName + ".sh");
    Files.writeString(script, "#!/bin/sh\n# Boards this worker reaches, for Spark's resource "
        + "scheduler.\necho '" + json + "'\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    return script;
  }
}
