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

/** {@code spikeloop reproduce table1|figure1|hil-mismatch}: the paper's experiments and issue 17's. */
@Command(name = "reproduce", mixinStandardHelpOptions = true,
    description = "Run the paper's experiments on the data available here.",
    subcommands = {ReproduceCommand.Table1Command.class, ReproduceCommand.Figure1Command.class,
        ReproduceCommand.HilMismatchCommand.class},
    footer = {"", "Examples:", "  ./spikeloop reproduce table1 --quick --out repro/t1",
        "  ./spikeloop reproduce table1 --shd data/hd.h5 --out repro/t1-full",
        "  ./spikeloop reproduce figure1 --quick --out repro/f1",
        "  ./spikeloop reproduce hil-mismatch --quick --out repro/hil-mismatch", "",
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
        description = "N-MNIST folder, used when it exists, with nmnist: options after # "
            + "(DIR#hold-out=200: 200 training recordings tested instead; default: "
            + "${DEFAULT-VALUE}).")
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
      description = {"Table 1: FF and recurrent networks, tBPTT1, e-prop, BPTT and FPTT, several "
          + "seeds, mean ± std of best test accuracy beside the paper's numbers (table1.md, "
          + "table1.csv, table1.json, table1.png). Datasets: "
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
        + "(columns) to run: tbptt1, eprop, bptt, fptt (tBPTT1 with FPTT's regulariser, "
        + "--fptt-alpha 0.1 --fptt-beta 0.5; the paper has no FPTT row) (default: all four).")
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
          if (!Files.isDirectory(ProtocolDataset.nmnistFolder(common.nmnist))) {
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

  @Command(name = "hil-mismatch", mixinStandardHelpOptions = true,
      description = {"Imperfect chips (docs/results.md): host-float networks deployed on chip "
          + "instances of growing mismatch spread, as is, calibrated, fine-tuned with hil, "
          + "near-chip and on-chip, and HIL-trained on another instance; held-out test accuracy "
          + "on the instance, device energy and time (hil-mismatch.csv, .md, .png). Synthetic, "
          + "plus N-MNIST when its folder exists.", ""})
  static final class HilMismatchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--quick", description = "Smaller networks and runs, seed 1, instances 1 "
        + "and 2: tens of minutes on 2 cores. Without it: seeds 1,2,3, instances 1,2,3.")
    boolean quick;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder.")
    Path out;

    @Option(names = "--json", description = "Print the rows and the recovery per spread as JSON.")
    boolean json;

    @Option(names = "--seeds", split = ",", paramLabel = "S1,S2", description = "Seeds.")
    List<Long> seeds;

    @Option(names = "--spreads", split = ",", paramLabel = "S1,S2", description = "Mismatch "
        + "spreads S (default: 0,0.05,0.1,0.2).")
    List<Double> spreads;

    @Option(names = "--instances", split = ",", paramLabel = "K1,K2", description = "Chip "
        + "instances, at least two.")
    List<Long> instances;

    @Option(names = "--noise", defaultValue = "0", description = "Membrane noise (LSBs) of "
        + "every instance with S > 0 (default: ${DEFAULT-VALUE}).")
    double noise;

    @Option(names = "--drop", defaultValue = "0", description = "Input-event loss of every "
        + "instance with S > 0 (default: ${DEFAULT-VALUE}).")
    double drop;

    @Option(names = "--tune-lr", defaultValue = "5e-5", description = "Adam learning rate of "
        + "the fine-tuning runs on the instance (default: ${DEFAULT-VALUE}).")
    double tuneLr;

    @Option(names = "--weight-headroom", defaultValue = "2", description = "Weight headroom of "
        + "the device mapping, every arm (default: ${DEFAULT-VALUE}).")
    double headroom;

    @Option(names = "--datasets", split = ",", paramLabel = "synthetic,nmnist", description =
        "Datasets (default: synthetic, and nmnist when its folder exists).")
    List<String> datasets;

    @Option(names = "--nmnist", paramLabel = "DIR", defaultValue = "../shared/data/nmnist-small",
        description = "N-MNIST folder (default: ${DEFAULT-VALUE}).")
    Path nmnist;

    @Override
    public Integer call() throws Exception {
      PrintWriter log = json ? new PrintWriter(spec.commandLine().getErr(), true)
          : spec.commandLine().getOut();
      List<String> wanted = datasets != null ? datasets : List.of("synthetic", "nmnist");
      List<io.spikeloop.reproduce.HilMismatch.StudyDataset> sets = new java.util.ArrayList<>();
      for (String d : wanted) {
        switch (d) {
          case "synthetic" -> sets.add(io.spikeloop.reproduce.HilMismatch.StudyDataset
              .synthetic(quick));
          case "nmnist" -> {
            if (Files.isDirectory(nmnist)) {
              sets.add(io.spikeloop.reproduce.HilMismatch.StudyDataset.nmnist(nmnist, quick));
            } else {
              log.println("hil-mismatch: no N-MNIST folder " + nmnist + "; skipping N-MNIST "
                  + "(--nmnist DIR)");
            }
          }
          default -> throw new CommandLine.ParameterException(spec.commandLine(),
              "--datasets takes synthetic and nmnist, got " + d);
        }
      }
      var settings = new io.spikeloop.reproduce.HilMismatch.Settings(sets,
          spreads != null ? spreads : List.of(0.0, 0.05, 0.1, 0.2),
          instances != null ? instances : quick ? List.of(1L, 2L) : List.of(1L, 2L, 3L),
          seeds != null ? seeds : quick ? List.of(1L) : List.of(1L, 2L, 3L), noise, drop, tuneLr,
          headroom);
      var rows = io.spikeloop.reproduce.HilMismatch.run(settings, out, log);
      PrintWriter stdout = spec.commandLine().getOut();
      if (json) {
        stdout.println(io.spikeloop.reproduce.HilMismatch.json(settings, rows));
      } else {
        stdout.println();
        stdout.print(Files.readString(out.resolve("hil-mismatch.md")));
      }
      stdout.flush();
      return 0;
    }
  }
}
