package io.spikeloop.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spikeloop.model.ModelFile;
import io.spikeloop.model.ParameterTensor;
import io.spikeloop.model.SnnConfig;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code model info FILE|RUN}: what a model.slm holds, after checking its checksum. */
@Command(name = "info", mixinStandardHelpOptions = true,
    description = "Check a model file (format, CRC-32C) and print its network and, per tensor, "
        + "shape and value range.",
    footer = {"", "Examples:", "  ./spikeloop model info runs/a            (reads runs/a/model.slm)",
        "  ./spikeloop model info runs/a/model.slm --json",
        "",
        "model.slm is a safetensors file: python -c \"from safetensors.numpy import load_file; "
            + "print(load_file('runs/a/model.slm'))\""})
public final class ModelInfoCommand implements Callable<Integer> {
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "FILE|RUN",
      description = "A model file, or a run folder (its " + EvalCommand.MODEL_FILE + ").")
  Path path;

  @Option(names = "--json", description = "End with one JSON object of the figures.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    Path file = Files.isDirectory(path) ? path.resolve(EvalCommand.MODEL_FILE) : path;
    ModelFile.Contents m = ModelFile.open(file);
    SnnConfig c = m.params().config();
    PrintWriter out = spec.commandLine().getOut();
    out.printf(Locale.ROOT, "%s: model format %d (%s), %,d bytes, %s%n", file, m.formatVersion(),
        m.formatVersion() == 2 ? "safetensors, float64" : "SLMODEL1, float64", m.bytes(),
        m.crc32c() == null ? "no checksum (format 1: cannot be verified)"
            : "CRC-32C " + m.crc32c() + " verified");
    out.printf(Locale.ROOT, "network %d-%s-%d, %s, %,d parameters%n", c.inputs(), c.hidden(),
        c.outputs(), c.recurrent() ? "recurrent" : "feed-forward", c.parameterCount());
    out.printf(Locale.ROOT, "alpha %.6f (tau_mem %.3g steps), kappa %.6f (tau_out %.3g steps), "
        + "theta %.4g%n", c.alpha(), -1 / Math.log(c.alpha()), c.kappa(),
        -1 / Math.log(c.kappa()), c.theta());
    ObjectNode result = new ObjectMapper().createObjectNode();
    result.put("file", file.toString()).put("format", m.formatVersion()).put("bytes", m.bytes())
        .put("crc32c", m.crc32c()).put("inputs", c.inputs()).put("recurrent", c.recurrent())
        .put("outputs", c.outputs()).put("parameters", c.parameterCount())
        .put("alpha", c.alpha()).put("kappa", c.kappa()).put("theta", c.theta());
    ArrayNode hidden = result.putArray("hidden");
    c.hidden().forEach(hidden::add);
    ArrayNode tensors = result.putArray("tensors");
    out.printf(Locale.ROOT, "  %-12s %-11s %11s %11s %11s%n", "tensor", "shape", "min", "max",
        "mean |x|");
    for (ParameterTensor t : m.params().tensors()) {
      double min = Double.POSITIVE_INFINITY;
      double max = Double.NEGATIVE_INFINITY;
      double sumAbs = 0;
      for (double v : t.values()) {
        min = Math.min(min, v);
        max = Math.max(max, v);
        sumAbs += Math.abs(v);
      }
      double meanAbs = sumAbs / t.values().length;
      out.printf(Locale.ROOT, "  %-12s %-11s %11.4g %11.4g %11.4g%n", t.name(),
          t.rows() + "x" + t.cols(), min, max, meanAbs);
      tensors.addObject().put("name", t.name()).put("rows", t.rows()).put("cols", t.cols())
          .put("min", min).put("max", max).put("meanAbs", meanAbs);
    }
    if (json) {
      out.println(result);
    }
    out.flush();
    return 0;
  }
}
