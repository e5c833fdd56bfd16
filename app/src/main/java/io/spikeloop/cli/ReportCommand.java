package io.spikeloop.cli;

import io.spikeloop.report.RunReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code spikeloop report --run DIR}: (re)writes a run folder's report.html. */
@Command(name = "report", mixinStandardHelpOptions = true,
    description = {"Write report.html into a run folder: configuration and provenance, accuracy "
        + "and loss curves, spikes and SOPs, device cycles and energy and optimizer memory when "
        + "recorded, and a raster plot of one test sample. One self-contained file: open it in a "
        + "browser, no server needed.", ""},
    footer = {"", "Example:", "  ./spikeloop train --epochs 2 --out runs/a",
        "  ./spikeloop report --run runs/a     # after editing or copying a run folder"})
public final class ReportCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--run", required = true, paramLabel = "DIR", description = "Run folder "
      + "(written by train --out).")
  Path run;

  @Override
  public Integer call() throws IOException {
    if (!Files.isDirectory(run)) {
      throw new IllegalArgumentException("no run folder " + run);
    }
    Path report = RunReport.write(run);
    spec.commandLine().getOut().println("report: " + report);
    spec.commandLine().getOut().flush();
    return 0;
  }
}
