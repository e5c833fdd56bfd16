package io.spikeloop.cli;

import io.spikeloop.reproduce.Figure1;
import io.spikeloop.reproduce.ProtocolDataset;
import io.spikeloop.reproduce.Table1;
import io.spikeloop.study.DistributedStudies;
import io.spikeloop.study.StudyRunner;
import io.spikeloop.study.StudyScheduler;
import io.spikeloop.study.TrainLauncher;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code spikeloop reproduce table1|figure1}: the paper's experiments. */
@Command(name = "reproduce", mixinStandardHelpOptions = true,
    description = "Run the paper's experiments on the data available here.",
    subcommands = {ReproduceCommand.Table1Command.class, ReproduceCommand.Figure1Command.class},
    footer = {"", "Examples:", "  ./spikeloop reproduce table1 --quick --out repro/t1",
        "  ./spikeloop reproduce table1 --shd data/hd.h5 --out repro/t1-full",
        "  ./spikeloop reproduce figure1 --quick --out repro/f1", "",
        "See docs/reports.md for the protocols and their run times."})
public final class ReproduceCommand implements Runnable {
  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Options shared by the experiments. */
  static final class Common {
    @Option(names = "--quick", description = "Small networks (64 hidden), 4 epochs, 2 seeds: "
        + "minutes on 2 cores. Without it: the full protocol (hours; see docs/reports.md).")
    boolean quick;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder.")
    Path out;

    @Option(names = "--seeds", split = ",", paramLabel = "S1,S2",
        description = "Seeds (default: 1,2 with --quick, else 1,2,3).")
    List<Long> seeds;

    @Option(names = "--parallel", paramLabel = "N", description = "Runs at once, at most the "
        + "cores (default: the cores).")
    Integer parallel;

    @Option(names = "--shd", paramLabel = "PATH", description = "SHD or spikeloop-converted "
        + "Heidelberg Digits (file or folder, as train's shd:PATH).")
    String shd;

    @Option(names = "--nmnist", paramLabel = "DIR", defaultValue = "../shared/data/nmnist-small",
        description = "N-MNIST folder, used when it exists (default: ${DEFAULT-VALUE}).")
    Path nmnist;

    List<Long> seeds() {
      return seeds != null ? seeds : quick ? List.of(1L, 2L) : List.of(1L, 2L, 3L);
    }

    @Option(names = "--master", paramLabel = "URL", description = "Run the grid on Apache "
        + "Spark (local[*], local[N], spark://HOST:PORT), one task per run, as study --master "
        + "(docs/studies.md).")
    String master;

    @Option(names = "--conf", paramLabel = "KEY=VALUE", description = "With --master: a Spark "
        + "setting (repeatable).")
    Map<String, String> conf = new LinkedHashMap<>();

    int parallel() {
      return StudyRunner.boundedByCores(parallel == null
          ? Runtime.getRuntime().availableProcessors() : parallel);
    }

    /** The Spark scheduler of --master (null without it); the caller closes it. */
    StudyScheduler spark(PrintWriter log) {
      if (master == null) {
        if (!conf.isEmpty()) {
          throw new IllegalArgumentException("--conf is for runs on Spark; add --master");
        }
        return null;
      }
      if (parallel != null) {
        throw new IllegalArgumentException("--parallel counts threads of this JVM; with "
            + "--master the Spark executors' cores decide");
      }
      return DistributedStudies.open(new DistributedStudies.Options(master, false, false, conf),
          log);
    }
  }

  @Command(name = "table1", mixinStandardHelpOptions = true,
      description = {"Table 1: FF and recurrent networks, tBPTT1, e-prop and BPTT, several seeds, "
          + "mean ± std of best test accuracy beside the paper's numbers (table1.md). Datasets: "
          + "SHD when --shd is given, N-MNIST when its folder exists, synthetic when neither is "
          + "(or with --synthetic).", ""})
  static final class Table1Command implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    Common common;

    @Option(names = "--synthetic", description = "Add the synthetic task as a row.")
    boolean synthetic;

    @Option(names = "--modes", split = ",", paramLabel = "MODE,...", description = "The rules "
        + "(columns) to run: tbptt1, eprop, bptt (default: all three).")
    List<String> modes;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      List<ProtocolDataset> datasets = ProtocolDataset.available(common.shd, common.nmnist,
          synthetic);
      List<Table1.Cell> cells;
      List<String> rules = modes != null ? modes : Table1.MODES;
      try (StudyScheduler spark = common.spark(out)) {
        cells = spark == null ? Table1.run(datasets, rules, common.quick, common.seeds(),
            common.out, common.parallel(), TrainLauncher.inProcess(), out)
            : Table1.run(datasets, rules, common.quick, common.seeds(), common.out, spark, out);
      }
      out.println();
      out.print(Files.readString(common.out.resolve("table1.md")));
      out.flush();
      return cells.stream().allMatch(c -> c.bestTestAccuracy().n() == 0) ? 1 : 0;
    }
  }

  @Command(name = "figure1", mixinStandardHelpOptions = true,
      description = {"Figure 1: recurrent tBPTT1 with plain SGD, momentum 0 to 0.99; best test "
          + "accuracy and SOPs per sample (figure1.png, figure1.md).", ""})
  static final class Figure1Command implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    Common common;

    @Option(names = "--dataset", paramLabel = "shd|nmnist|synthetic", description = "Data "
        + "(default: shd when --shd is given, else synthetic).")
    String dataset;

    @Option(names = "--lr", description = "SGD learning rate (default: train's, 0.05).")
    Double lr;

    @Option(names = "--lr-scaled", description = "Run momentum m at lr x (1 - m), so that the "
        + "effective step lr/(1 - m) is the same for every momentum (default: the same lr for "
        + "every momentum, the paper's protocol).")
    boolean lrScaled;

    @Option(names = "--momenta", split = ",", paramLabel = "M,...", description = "The momenta "
        + "(default: 0,0.5,0.9,0.95,0.99; with --quick 0,0.9,0.99).")
    List<String> momenta;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      String which = dataset != null ? dataset : common.shd != null ? "shd" : "synthetic";
      ProtocolDataset d = switch (which) {
        case "shd" -> {
          if (common.shd == null) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                "--dataset shd needs --shd PATH");
          }
          yield ProtocolDataset.shd(common.shd);
        }
        case "nmnist" -> {
          if (!Files.isDirectory(common.nmnist)) {
            throw new IllegalArgumentException("no N-MNIST folder " + common.nmnist);
          }
          yield ProtocolDataset.nmnist(common.nmnist);
        }
        case "synthetic" -> ProtocolDataset.synthetic();
        default -> throw new IllegalArgumentException("--dataset must be shd, nmnist or "
            + "synthetic, got " + which);
      };
      Figure1.LrProtocol protocol = lrScaled ? Figure1.LrProtocol.SCALED
          : Figure1.LrProtocol.FIXED;
      try (StudyScheduler spark = common.spark(out)) {
        if (spark == null) {
          Figure1.run(d, common.quick, momenta, common.seeds(), lr, protocol, common.out,
              common.parallel(), TrainLauncher.inProcess(), out);
        } else {
          Figure1.run(d, common.quick, momenta, common.seeds(), lr, protocol, common.out, spark,
              out);
        }
      }
      out.println();
      out.print(Files.readString(common.out.resolve("figure1.md")));
      out.flush();
      return 0;
    }
  }
}
