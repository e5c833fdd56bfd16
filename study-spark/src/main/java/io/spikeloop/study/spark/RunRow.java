package io.spikeloop.study.spark;

import java.io.Serializable;

/**
 * What one run sends back to the driver: its plan index, train's JSON summary ({@code
 * summaryJson}) or the {@code error} that stopped it, wall seconds, where it ran (executor, host,
 * Spark attempt number, board address or null), when (epoch milliseconds, the executor's clock)
 * and, with copy-back, its run folder as a zip ({@code folderZip}, else null).
 */
public record RunRow(int index, String summaryJson, String error, double seconds,
                     String executor, String host, int attempt, String board, long startMillis,
                     long endMillis, byte[] folderZip) implements Serializable {
  private static final long serialVersionUID = 1L;

  public boolean ok() {
    return summaryJson != null;
  }
}
