package io.spikeloop.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricsTableTest {
  @TempDir
  Path dir;

  @Test
  void readsColumnsByNameIncludingOnesAddedLater() throws Exception {
    Path f = dir.resolve("metrics.csv");
    Files.writeString(f, "epoch,testAccuracy,cyclesPerSample,energyJoulesPerSample\n"
        + "1,0.5,1000,2e-6\n2,0.75,1200,2.5e-6\n");
    MetricsTable m = MetricsTable.read(f);
    assertArrayEquals(new double[] {0.5, 0.75}, m.column("testAccuracy"));
    assertEquals(List.of("cyclesPerSample"), m.columnsMatching("cycles"));
    assertEquals(List.of("energyJoulesPerSample"), m.columnsMatching("ENERGY", "joules"));
    assertTrue(m.has("epoch"));
    var missing = assertThrows(IllegalArgumentException.class, () -> m.column("loss"));
    assertTrue(missing.getMessage().contains("loss"));
  }

  @Test
  void malformedLinesNameFileLineAndColumn() throws Exception {
    Path f = dir.resolve("metrics.csv");
    Files.writeString(f, "epoch,trainLoss\n1,0.5\n2,abc\n");
    var e = assertThrows(IllegalArgumentException.class, () -> MetricsTable.read(f));
    assertTrue(e.getMessage().contains("line 3") && e.getMessage().contains("trainLoss")
        && e.getMessage().contains("abc"), e.getMessage());
    Files.writeString(f, "epoch,trainLoss\n1\n");
    e = assertThrows(IllegalArgumentException.class, () -> MetricsTable.read(f));
    assertTrue(e.getMessage().contains("1 fields"), e.getMessage());
    Files.writeString(f, "");
    assertThrows(IllegalArgumentException.class, () -> MetricsTable.read(f));
  }
}
