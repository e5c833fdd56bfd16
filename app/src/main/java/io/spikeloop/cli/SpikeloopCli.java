package io.spikeloop.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Entry point of {@code ./spikeloop}. Each verb is its own class listed in {@code subcommands};
 * errors print one line naming the problem (the stack trace only with {@code --verbose}) and exit
 * non-zero.
 */
@Command(name = "spikeloop", mixinStandardHelpOptions = true,
    versionProvider = SpikeloopCli.Version.class,
    description = "Train spiking neural networks with neuromorphic hardware in the loop (tBPTT1).",
    subcommands = {
        CommandLine.HelpCommand.class,
        TrainCommand.class,
        EvalCommand.class,
        ExportCommand.class,
        ServeCommand.class,
        DiffCommand.class,
        SoakCommand.class,
        ConvertCommand.class,
        DataCommand.class,
        ReportCommand.class,
        StudyCommand.class,
        ReproduceCommand.class,
        DemoCommand.class,
        DevicesCommand.class,
    })
public final class SpikeloopCli implements Runnable {

  @Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT,
      description = "Print stack traces of errors.")
  boolean verbose;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The configured command line (also used by tests). */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new SpikeloopCli());
    cl.setExecutionExceptionHandler((ex, line, parseResult) -> {
      boolean verbose = parseResult.hasMatchedOption("--verbose");
      String msg = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
      line.getErr().println("spikeloop: error: " + msg);
      if (verbose) {
        ex.printStackTrace(line.getErr());
      }
      return 2;
    });
    return cl;
  }

  /** Version from the jar manifest, or "dev" when run from classes. */
  public static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = SpikeloopCli.class.getPackage().getImplementationVersion();
      return new String[] {"spikeloop " + (v == null ? "dev" : v),
          "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")"};
    }
  }
}
