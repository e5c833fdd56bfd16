package io.spikeloop.study.spark;

import java.io.Serializable;
import java.util.List;

/**
 * One run of a study as shipped to an executor: its place in the plan ({@code index}), its run
 * folder's name, train's arguments (dataset, seed, the configuration's settings), whether it
 * takes a board (then {@code --device} is the board Spark assigns), and where its folder goes.
 *
 * @param runsDir  the study's {@code runs/} folder (a path every executor sees, unless copyBack)
 * @param copyBack write in the executor's temporary space and send the folder back as bytes
 */
public record RunTask(int index, String name, List<String> trainArgs, boolean needsBoard,
                      String runsDir, boolean copyBack, boolean reports) implements Serializable {
  private static final long serialVersionUID = 1L;

  public RunTask {
    trainArgs = List.copyOf(trainArgs);
  }
}
