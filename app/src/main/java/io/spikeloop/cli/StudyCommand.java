package io.spikeloop.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spikeloop.study.DistributedStudies;
import io.spikeloop.study.Study;
import io.spikeloop.study.StudyMetrics;
import io.spikeloop.study.StudyPlan;
import io.spikeloop.study.StudyRunner;
import io.spikeloop.study.StudyScheduler;
import io.spikeloop.study.Sweep;
import io.spikeloop.study.TrainLauncher;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code spikeloop study}: a grid of train configurations over seeds, tables and plots. */
@Command(name = "study", mixinStandardHelpOptions = true,
    description = {"Sweep train options over values and seeds, in parallel, and write "
        + "results.csv, results.md (mean ± std over seeds per configuration) and PNG plots of "
        + "accuracy against each swept option into --out. Any train option can be swept; options "
        + "after -- go to every run. A failing configuration is recorded with its error and the "
        + "others go on.", ""},
    footer = {"", "Examples:",
        "  ./spikeloop study --sweep lr=3e-5,1e-4,3e-4 --seeds 1,2,3 --out studies/lr \\",
        "      -- --hidden 64 --epochs 3",
        "  ./spikeloop study --sweep model=ff,rsnn --sweep mode=tbptt1,bptt --seeds 1,2 \\",
        "      --out studies/modes --parallel 2 -- --epochs 2",
        "  ./spikeloop study --sweep \"betas=0.9,0.999;0.99,0.999\" --seeds 1,2,3 \\",
        "      --out studies/betas",
        "  ./spikeloop study --sweep mode=bptt,tbptt-k --baseline --out studies/vs-tbptt1",
        "  ./spikeloop study --sweep k=5,50 --pair k:lr=1e-4,1e-3 --out studies/k \\",
        "      -- --mode tbptt-k",
        "  ./spikeloop study --master spark://10.0.0.5:7077 --boards \\",
        "      --sweep placement=hil,near-chip --seeds 1,2,3 --out /shared/studies/hw",
        "", "Studies on Spark, boards as resources, a cluster on one machine: docs/studies.md"})
public final class StudyCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--dataset", defaultValue = "synthetic", paramLabel = "NAME",
      description = "Dataset of every run (default: ${DEFAULT-VALUE}).")
  String dataset;

  @Option(names = "--sweep", paramLabel = "NAME=V1,V2", description = "A train option and its "
      + "values (repeatable; the grid is every combination). Separate values with ; when they "
      + "contain commas.")
  List<String> sweeps = new ArrayList<>();

  @Option(names = "--pair", paramLabel = "LEADER:NAME=V1,V2", description = "A train option "
      + "that moves with a swept one instead of adding a grid dimension: its i-th value goes "
      + "with the leader's i-th (repeatable; e.g. --sweep k=5,50 --pair k:lr=1e-4,1e-3).")
  List<String> pairs = new ArrayList<>();

  @Option(names = "--seeds", split = ",", defaultValue = "1,2,3", paramLabel = "S1,S2",
      description = "Seeds of every configuration (default: ${DEFAULT-VALUE}).")
  List<Long> seeds;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Study folder.")
  Path out;

  @Option(names = "--parallel", paramLabel = "N", description = "Runs at once, at most the "
      + "cores (default: the cores).")
  Integer parallel;

  @Option(names = "--baseline", arity = "0..1", fallbackValue = "", paramLabel = "NAME=V",
      description = "Float tBPTT1 baseline drawn in the plots. Alone: run the extra options with "
          + "--mode tbptt1 (and --placement host-float where train has it) as one more "
          + "configuration. NAME=V: the configurations with that swept value are the baseline. "
          + "Without --baseline, a placement sweep's host-float configurations are.")
  String baseline;

  @Option(names = "--master", paramLabel = "URL", description = "Run the grid on Apache Spark: "
      + "local[*] (threads of this JVM), local[N], or spark://HOST:PORT (a cluster); each run is "
      + "one Spark task. Needs the study-spark module (docs/studies.md). Without it: threads of "
      + "this JVM (--parallel).")
  String master;

  @Option(names = "--boards", description = "With --master: every hil, near-chip or on-chip run "
      + "takes one board the workers advertise as the Spark resource 'board' and trains on its "
      + "address; no board serves two runs at once.")
  boolean boards;

  @Option(names = "--copy-back", description = "With --master: executors write run folders in "
      + "their own temporary space and send them back into --out/runs (no shared file system). "
      + "Without it they write into --out/runs directly, which must be the same path on every "
      + "executor.")
  boolean copyBack;

  @Option(names = "--conf", paramLabel = "KEY=VALUE", description = "With --master: a Spark "
      + "setting (repeatable), e.g. --conf spark.executor.memory=1g.")
  Map<String, String> conf = new LinkedHashMap<>();

  @Option(names = "--metrics-port", paramLabel = "PORT", description = "While the study runs, "
      + "serve its progress (runs done, failed, running; ETA) as Prometheus text at "
      + "http://127.0.0.1:PORT/metrics (0: a free port, printed).")
  Integer metricsPort;

  @Option(names = "--reports", description = "Write report.html into every run folder.")
  boolean reports;

  @Option(names = "--json", description = "Print a JSON summary as the last line.")
  boolean json;

  @Parameters(paramLabel = "TRAIN-OPTIONS", description = "After --: train options for every run.")
  List<String> trainArgs = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    PrintWriter stdout = spec.commandLine().getOut();
    List<Sweep> parsed = new ArrayList<>(sweeps.stream().map(Sweep::parse).toList());
    pairs.stream().map(Sweep::parsePaired).forEach(parsed::add);
    boolean runBaseline = baseline != null && baseline.isEmpty();
    Map<String, String> selector = baseline == null || baseline.isEmpty() ? Map.of()
        : StudyPlan.parseSelector(baseline);
    StudyPlan plan = new StudyPlan(dataset, parsed, seeds, trainArgs, runBaseline, selector);
    Study.Result result;
    try (StudyScheduler scheduler = scheduler(stdout);
         StudyMetrics metrics = StudyMetrics.open(metricsPort, stdout)) {
      result = new Study(plan, "Study on " + dataset).run(out, scheduler, reports, stdout,
          metrics.registry());
    }
    stdout.printf("wrote %s, %s and %d plots; %d of %d runs failed%n", result.csv(),
        result.markdown(), result.plots().size(), result.failures(), result.runs().size());
    if (json) {
      ObjectNode node = new ObjectMapper().createObjectNode()
          .put("runs", result.runs().size()).put("failed", result.failures())
          .put("configurations", result.configs().size())
          .put("csv", result.csv().toString()).put("markdown", result.markdown().toString());
      result.plots().forEach(p -> node.withArray("plots").add(p.toString()));
      stdout.println(node);
    }
    stdout.flush();
    return result.failures() == result.runs().size() ? 1 : 0;
  }

  private StudyScheduler scheduler(PrintWriter log) {
    if (master == null) {
      if (boards || copyBack || !conf.isEmpty()) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--boards, --copy-back and "
            + "--conf are for studies on Spark; add --master local[*] or spark://HOST:PORT");
      }
      return new StudyRunner(TrainLauncher.inProcess(), StudyRunner.boundedByCores(
          parallel == null ? Runtime.getRuntime().availableProcessors() : parallel));
    }
    if (parallel != null) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--parallel counts threads "
          + "of this JVM; with --master the Spark executors' cores decide (local[N]: N at once)");
    }
    return DistributedStudies.open(new DistributedStudies.Options(master, boards, copyBack,
        conf), log);
  }
}
