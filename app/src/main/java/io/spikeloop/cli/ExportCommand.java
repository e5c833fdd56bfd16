package io.spikeloop.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spikeloop.mapper.MappingOptions;
import io.spikeloop.model.ModelFile;
import io.spikeloop.model.SnnConfig;
import io.spikeloop.model.SnnParameters;
import io.spikeloop.nir.Discretisation;
import io.spikeloop.nir.NirExport;
import io.spikeloop.nir.NirFile;
import io.spikeloop.nir.NirGraph;
import io.spikeloop.nir.SpikeloopExtension;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code spikeloop export}: a run folder's trained network as a NIR graph (docs/nir.md). */
@Command(name = "export", mixinStandardHelpOptions = true,
    description = {"Write the trained network of a run folder as a NIR graph (HDF5), with the "
        + "fixed-point mapping of a target (its mapper's; the group holds SL-1's layout) in the "
        + "/spikeloop extension group when --fixed-point is given.",
        "",
        "The time step comes from the run (config.json, key dtMs); --dt gives it for runs that "
            + "do not record it.",
        "",
        "Example: ./spikeloop export --run runs/rsnn --nir rsnn.nir --fixed-point --weight-bits 8"})
public final class ExportCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--run", required = true, paramLabel = "DIR",
      description = "Run folder written by train --out (reads DIR/" + EvalCommand.MODEL_FILE + ").")
  Path run;

  @Option(names = "--nir", required = true, paramLabel = "FILE", description = "NIR file to write.")
  Path nir;

  @Option(names = "--dt", paramLabel = "MS",
      description = "Time step the model was trained at, in ms like train --dt; NIR time "
          + "constants are tau = -dt/ln(alpha) (exact) or dt/(1-alpha) (euler) (default: the "
          + "run's, config.json dtMs; required for runs that do not record it).")
  Double dtMillis;

  @Option(names = "--discretisation", defaultValue = "exact", paramLabel = "RULE",
      description = "exact (alpha = exp(-dt/tau), spikeloop's) or euler (alpha = 1 - dt/tau, "
          + "what snnTorch and Norse assume) (default: ${DEFAULT-VALUE}).")
  String discretisation;

  @Option(names = "--fixed-point",
      description = "Also store the target's integer mapping (SL-1: weights, exponents, "
          + "thresholds, decays).")
  boolean fixedPoint;

  @Option(names = "--target", defaultValue = "sl1", paramLabel = "ID",
      description = "With --fixed-point: the target whose mapper maps the model; the NIR "
          + "fixed-point group holds SL-1's layout, so only sl1 is stored (default: "
          + "${DEFAULT-VALUE}).")
  String target;

  @Option(names = "--weight-bits", defaultValue = "" + MappingOptions.DEFAULT_WEIGHT_BITS,
      paramLabel = "N",
      description = "With --fixed-point: signed weight width, 2..16 (default: ${DEFAULT-VALUE}).")
  int weightBits;

  @Option(names = "--membrane-bits", defaultValue = "32", paramLabel = "N",
      description = "With --fixed-point: membrane width, 2..32 (default: ${DEFAULT-VALUE}).")
  int membraneBits;

  @Option(names = "--output-bits", defaultValue = "32", paramLabel = "N",
      description = "With --fixed-point: output width, 2..32 (default: ${DEFAULT-VALUE}).")
  int outputBits;

  @Option(names = "--headroom-bits", paramLabel = "N",
      description = "With --fixed-point: membrane range above theta in powers of two "
          + "(default: as eval, from the membrane width).")
  Integer headroomBits;

  @Option(names = "--clip-percentile", defaultValue = "100", paramLabel = "P",
      description = "With --fixed-point: percentile of |w| setting each exponent "
          + "(default: ${DEFAULT-VALUE}).")
  double clipPercentile;

  @Option(names = "--json", description = "Print the results as one JSON object on the last line.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    if (!Files.isDirectory(run)) {
      throw new IllegalArgumentException("run folder " + run + " does not exist");
    }
    SnnParameters params = ModelFile.read(run.resolve(EvalCommand.MODEL_FILE),
        w -> spec.commandLine().getErr().println("spikeloop: warning: " + w));
    double dt = RunTimeStep.resolve(run, dtMillis, "--dt") / 1000; // NIR's time unit: seconds
    Discretisation disc = Discretisation.parse(discretisation);
    SnnConfig c = params.config();
    NirGraph graph = NirExport.export(params, dt, disc);
    SpikeloopExtension extension;
    if (!fixedPoint && spec.commandLine().getParseResult().hasMatchedOption("--target")) {
      throw new IllegalArgumentException("--target is for --fixed-point (a float NIR graph is "
          + "no target's)");
    }
    if (fixedPoint) {
      MappingOptions options = MappingOptions.builder().weightBits(weightBits)
          .membraneBits(membraneBits).outputBits(outputBits).headroomBits(headroomBits)
          .clipPercentile(clipPercentile).build();
      extension = SpikeloopExtension.withFixedPoint(params, dt, disc, target, options);
    } else {
      extension = SpikeloopExtension.of(c, dt, disc);
    }
    NirFile.write(nir, graph, extension);
    out.printf(Locale.ROOT, "wrote %s: NIR %s graph of %d nodes, %d edges (%d-%s-%d, %s); "
            + "tau_mem %.6g s, tau_out %.6g s at dt %.3g s (%s)%s%n", nir, NirFile.NIR_VERSION,
        graph.nodes().size(), graph.edges().size(), c.inputs(), c.hidden(), c.outputs(),
        c.recurrent() ? "recurrent" : "feed-forward", disc.tau(c.alpha(), dt),
        disc.tau(c.kappa(), dt), dt, disc.label(),
        extension.fixedPoint() == null ? "" : "; fixed point: "
            + extension.fixedPoint().options().weightBits() + "-bit weights, "
            + extension.fixedPointMapping(params).clipped() + " values clipped");
    if (json) {
      ObjectNode o = new ObjectMapper().createObjectNode();
      o.put("command", "export").put("run", run.toString()).put("nir", nir.toString())
          .put("nodes", graph.nodes().size()).put("edges", graph.edges().size())
          .put("dtMs", dt * 1000).put("discretisation", disc.label())
          .put("tauMem", disc.tau(c.alpha(), dt)).put("tauOut", disc.tau(c.kappa(), dt))
          .put("fixedPoint", fixedPoint);
      out.println(o);
    }
    out.flush();
    return 0;
  }
}
