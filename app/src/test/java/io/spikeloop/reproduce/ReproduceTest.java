package io.spikeloop.reproduce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.spikeloop.study.TrainLauncher;
import io.spikeloop.run.TrainOptions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReproduceTest {
  @TempDir
  Path dir;

  /** Stand-in for train: accuracy from model, mode and seed; records every argument list. */
  private static final class FakeTrain implements TrainLauncher {
    final List<TrainOptions> calls = new CopyOnWriteArrayList<>();

    @Override
    public com.fasterxml.jackson.databind.JsonNode train(TrainOptions options) {
      calls.add(options);
      double base = "rsnn".equals(options.model()) ? 0.80 : 0.70;
      if ("bptt".equals(options.mode())) {
        base += 0.05;
      }
      if ("eprop".equals(options.mode())) {
        base += 0.02;
      }
      if (options.fpttAlpha() > 0) {
        base += 0.01;
      }
      base -= 0.2 * options.momentum();
      long seed = options.seed();
      return new ObjectMapper().createObjectNode().put("bestTestAccuracy", base + 0.01 * seed)
          .put("lastFiveTestAccuracy", base - 0.03 + 0.01 * seed)
          .put("sopsPerSample", 500.0 * (1 + seed));
    }
  }

  @Test
  void table1IsWrittenInThePapersLayoutBesideItsQuotedNumbers() throws Exception {
    FakeTrain fake = new FakeTrain();
    List<ProtocolDataset> sets = List.of(ProtocolDataset.shd("/data/hd.h5"),
        ProtocolDataset.synthetic());
    Table1.run(sets, true, List.of(1L, 2L), dir, 2, fake, new PrintWriter(new StringWriter()));
    assertEquals(32, fake.calls.size(), "2 datasets x FF/RSNN x tBPTT1/e-prop/BPTT/FPTT x 2 seeds");
    assertEquals("shd:/data/hd.h5", fake.calls.get(0).dataset());
    assertEquals(10.0, fake.calls.get(0).dtMs());
    // FPTT is tBPTT1 with the regulariser P2's FPTT section measured; no other rule has it.
    List<TrainOptions> fptt = fake.calls.stream().filter(o -> o.fpttAlpha() > 0).toList();
    assertEquals(8, fptt.size());
    for (TrainOptions o : fptt) {
      assertEquals("tbptt1", o.mode());
      assertEquals(0.1, o.fpttAlpha());
      assertEquals(0.5, o.fpttBeta());
    }
    String md = Files.readString(dir.resolve("table1.md"));
    assertTrue(md.contains("| Dataset | Network | tBPTT1 (spikeloop) | e-prop (spikeloop) | "
        + "BPTT (spikeloop) | FPTT (spikeloop) | tBPTT1 (paper) | e-prop (paper) | BPTT (paper) | "
        + "FPTT (paper) |"), md);
    // rsnn tbptt1: 0.81, 0.82 -> 81.50 ± 0.71; eprop 83.50; bptt 86.50; fptt 82.50; paper
    // 84.29 / 80.79 / 83.23 / none.
    assertTrue(md.contains("| SHD | RSNN | 81.50 ± 0.71 | 83.50 ± 0.71 | 86.50 ± 0.71 | "
        + "82.50 ± 0.71 | 84.29 ± 0.98 | 80.79 | 83.23 ± 1.00 | - |"), md);
    assertTrue(md.contains("| SHD | FF | 71.50 ± 0.71 | 73.50 ± 0.71 | 76.50 ± 0.71 | "
        + "72.50 ± 0.71 | 68.19 ± 1.12 | 63.04 | 75.85 ± 0.48 | - |"), md);
    assertTrue(md.contains("| synthetic (stand-in) | RSNN | 81.50 ± 0.71 | 83.50 ± 0.71 | "
        + "86.50 ± 0.71 | 82.50 ± 0.71 | not a paper dataset | not a paper dataset | "
        + "not a paper dataset | not a paper dataset |"), md);
    assertTrue(md.contains("The paper has no FPTT row in its Table 1"), md);
    // the last-five-epochs table: 3 points below best in the stand-in
    assertTrue(md.contains("| SHD | RSNN | 78.50 ± 0.71 | 80.50 ± 0.71 | 83.50 ± 0.71 | "
        + "79.50 ± 0.71 |"), md);
    assertTrue(!md.contains("—"), "every cell is filled: " + md);
    // the comparison rows of the paper's Table 1 follow, e.g. TP on recurrent SHD
    assertTrue(md.contains("| SHD | TP [16] | Recurrent | LIF | 450 | yes | 100 | 81.80 ± 0.51 |"),
        md);
    assertEquals(16, md.lines().filter(l -> l.matches("\\| (SHD|N-MNIST) \\| [^|]+ \\| "
        + "(FF|Recurrent) \\|.*")).count(), md);
    assertTrue(Files.isRegularFile(dir.resolve("shd/results.csv")));
    assertTrue(Files.readString(dir.resolve("shd-fptt/results.csv")).contains("seed"));
    assertTrue(md.contains("(per-study tables and plots in `shd/`, FPTT's in `shd-fptt/`)"), md);
    // the same cells as CSV, JSON and a chart
    List<String> csv = Files.readAllLines(dir.resolve("table1.csv"));
    assertEquals(1 + 2 * 2 * 4, csv.size(), String.join("\n", csv));
    assertTrue(csv.contains("SHD,RSNN,fptt,2,0,82.5000,0.7071,79.5000,0.7071,,-"),
        String.join("\n", csv));
    assertTrue(csv.contains("SHD,RSNN,bptt,2,0,86.5000,0.7071,83.5000,0.7071,83.2300,"
        + "83.23 ± 1.00"), String.join("\n", csv));
    var json = new ObjectMapper().readTree(dir.resolve("table1.json").toFile());
    assertEquals("fptt", json.get("rules").get(3).asText());
    var fpttCell = json.get("cells").get(3);
    assertEquals("fptt", fpttCell.get("rule").asText());
    assertEquals(72.5, fpttCell.get("bestTestAccuracyPercent").asDouble(), 1e-9);
    assertTrue(fpttCell.get("paperTestAccuracyPercent").isNull());
    assertNotNull(ImageIO.read(dir.resolve("table1.png").toFile()));
  }

  @Test
  void theFpttColumnIsFilledFromRealRuns() throws Exception {
    // A tiny synthetic protocol, so that real trainings stay fast.
    List<String> tiny = List.of("--hidden", "8", "--steps", "20", "--train-samples", "64",
        "--test-samples", "32", "--epochs", "1", "--batch", "16");
    ProtocolDataset d = new ProtocolDataset("synthetic", "synthetic (stand-in)", "synthetic",
        tiny, tiny);
    List<Table1.Cell> cells = Table1.run(List.of(d), List.of("fptt", "tbptt1"), true,
        List.of(1L), dir, 1, TrainLauncher.inProcess(), new PrintWriter(new StringWriter()));
    for (String model : List.of("ff", "rsnn")) {
      Table1.Cell fptt = Table1.find(cells, d, model, "fptt");
      assertNotNull(fptt, model);
      assertEquals(0, fptt.failed(), model);
      assertEquals(1, fptt.bestTestAccuracy().n(), model);
      assertTrue(fptt.bestTestAccuracy().mean() > 0, model);
    }
    // The FPTT runs carried the regulariser: its Wbar and lambda double float Adam's 8 B/param.
    String fpttRuns = Files.readString(dir.resolve("synthetic-fptt/results.csv"));
    String tbpttRuns = Files.readString(dir.resolve("synthetic/results.csv"));
    int column = List.of(fpttRuns.lines().findFirst().orElseThrow().split(","))
        .indexOf("optimizerStateBytesPerParameter");
    assertTrue(column >= 0, fpttRuns);
    assertEquals(List.of("16.0", "16.0"), fpttRuns.lines().skip(1)
        .map(l -> l.split(",")[column]).toList(), fpttRuns);
    int tbpttColumn = List.of(tbpttRuns.lines().findFirst().orElseThrow().split(","))
        .indexOf("optimizerStateBytesPerParameter");
    assertEquals(List.of("8.0", "8.0"), tbpttRuns.lines().skip(1)
        .map(l -> l.split(",")[tbpttColumn]).toList(), tbpttRuns);
    String md = Files.readString(dir.resolve("table1.md"));
    assertTrue(md.contains("| Dataset | Network | tBPTT1 (spikeloop) | FPTT (spikeloop) | "
        + "tBPTT1 (paper) | FPTT (paper) |"), md);
    assertTrue(!md.contains("—"), "every cell is filled: " + md);
  }

  @Test
  void figure1SweepsMomentumWithPlainSgd() throws Exception {
    FakeTrain fake = new FakeTrain();
    List<Figure1.Point> points = Figure1.run(ProtocolDataset.synthetic(), true, List.of(1L),
        0.01, dir, 1, fake, new PrintWriter(new StringWriter()));
    assertEquals(List.of(0.0, 0.9, 0.99), points.stream().map(Figure1.Point::momentum).toList());
    for (TrainOptions call : fake.calls) {
      assertEquals("sgd", call.optimizer());
      assertEquals("tbptt1", call.mode());
      assertEquals("rsnn", call.model());
      assertEquals(0.01, call.lr());
    }
    assertEquals(0.81 - 0.2 * 0.9, points.get(1).bestTestAccuracy().mean(), 1e-12);
    assertNotNull(ImageIO.read(dir.resolve("figure1.png").toFile()));
    String md = Files.readString(dir.resolve("figure1.md"));
    assertTrue(md.contains("| 0.9 | 0.01 | 0.1 | 63.00 ± 0.00 | 1000 ± 0 | 0 |"), md);
  }

  @Test
  void figure1WithScaledRatesKeepsTheEffectiveStep() throws Exception {
    FakeTrain fake = new FakeTrain();
    Figure1.run(ProtocolDataset.synthetic(), true, List.of("0", "0.9", "0.99"), List.of(1L),
        0.05, Figure1.LrProtocol.SCALED, dir, 1, fake, new PrintWriter(new StringWriter()));
    assertEquals(List.of(0.05, 0.005, 0.0005), fake.calls.stream().sorted(
        java.util.Comparator.comparingDouble(TrainOptions::momentum)).map(TrainOptions::lr)
        .toList());
    String md = Files.readString(dir.resolve("figure1.md"));
    assertTrue(md.contains("| 0.99 | 0.0005 | 0.05 |"), md);
  }

  @Test
  void table1RunsTheRulesAskedForInTheTablesOrder() throws Exception {
    FakeTrain fake = new FakeTrain();
    Table1.run(List.of(ProtocolDataset.synthetic()), List.of("bptt", "eprop"), true,
        List.of(1L), dir, 1, fake, new PrintWriter(new StringWriter()));
    assertEquals(4, fake.calls.size());
    String md = Files.readString(dir.resolve("table1.md"));
    assertTrue(md.contains("| Dataset | Network | e-prop (spikeloop) | BPTT (spikeloop) | "
        + "e-prop (paper) | BPTT (paper) |"), md);
    assertThrows(IllegalArgumentException.class, () -> Table1.run(List.of(
        ProtocolDataset.synthetic()), List.of("decolle"), true, List.of(1L), dir, 1, fake,
        new PrintWriter(new StringWriter())));
  }

  @Test
  void thePapersNumbersAreItsTable1() {
    assertEquals(84.29, PaperNumbers.table1("SHD", "rsnn", "tbptt1").accuracy());
    assertEquals(83.23, PaperNumbers.table1("SHD", "rsnn", "bptt").accuracy());
    assertEquals("97.43 ± 0.15", PaperNumbers.cell("N-MNIST", "ff", "tbptt1"));
    assertEquals("98.45 ± 0.04", PaperNumbers.cell("N-MNIST", "ff", "bptt"));
    assertEquals("97.90", PaperNumbers.cell("N-MNIST", "ff", "eprop"));
    assertEquals(80.79, PaperNumbers.table1("SHD", "rsnn", "eprop").accuracy());
    assertNull(PaperNumbers.table1("N-MNIST", "rsnn", "tbptt1"));
    assertEquals("not in the paper (no recurrent N-MNIST row)",
        PaperNumbers.cell("N-MNIST", "rsnn", "bptt"));
    assertEquals("-", PaperNumbers.cell("N-MNIST", "ff", "fptt"), "the paper has no FPTT row");
    assertEquals("-", PaperNumbers.cell("SHD", "rsnn", "fptt"));
    assertEquals("not a paper dataset", PaperNumbers.cell("synthetic (stand-in)", "ff", "fptt"));
    assertEquals(16, PaperNumbers.TABLE1.size());
  }

  @Test
  void availableDatasetsFallBackToSynthetic() {
    assertEquals(List.of("synthetic"), ProtocolDataset.available(null, dir.resolve("none"),
        false).stream().map(ProtocolDataset::key).toList());
    assertEquals(List.of("shd", "nmnist"), ProtocolDataset.available("x.h5", dir, false)
        .stream().map(ProtocolDataset::key).toList());
    // a folder with the dataset's options is found by its folder and keeps the options
    List<ProtocolDataset> held = ProtocolDataset.available(null,
        Path.of(dir + "#hold-out=200"), false);
    assertEquals(List.of("nmnist"), held.stream().map(ProtocolDataset::key).toList());
    assertEquals("nmnist:" + dir + "#hold-out=200", held.get(0).spec());
  }
}
