package io.spikeloop.cli;

import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
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
        ModelCommand.class,
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
      line.getErr().println("spikeloop: error: " + describe(ex));
      if (verboseAnywhere(parseResult)) {
        ex.printStackTrace(line.getErr());
      }
      return 2;
    });
    // picocli's default prints the whole usage (a hundred lines for train) after a bad option;
    // one line naming the option and value, and where to read more, is what a user can act on
    cl.setParameterExceptionHandler((ex, args) -> {
      CommandLine bad = ex.getCommandLine();
      String hint = ex instanceof CommandLine.UnmatchedArgumentException u
          && !u.getSuggestions().isEmpty() ? "; did you mean " + String.join(" or ",
          u.getSuggestions()) + "?" : "";
      bad.getErr().println("spikeloop: error: " + ex.getMessage().strip() + hint + " (see ./"
          + bad.getCommandSpec().qualifiedName(" ") + " --help)");
      bad.getErr().flush();
      return 2;
    });
    return cl;
  }

  /**
   * The one-line text of an error. Exceptions whose message is only a path (the file-system
   * family: "afile") get what is wrong with it said; errors without a message get their kind.
   */
  static String describe(Throwable ex) {
    if (ex instanceof java.io.UncheckedIOException && ex.getCause() instanceof FileSystemException) {
      return describe(ex.getCause());
    }
    if (ex instanceof FileSystemException fs) {
      String problem = fs instanceof NoSuchFileException ? "no such file or folder"
          : fs instanceof NotDirectoryException ? "is a file, not a folder"
          : fs instanceof FileAlreadyExistsException ? "already exists and is not a folder"
          : fs instanceof AccessDeniedException ? "permission denied"
          : fs instanceof DirectoryNotEmptyException ? "folder is not empty"
          : fs.getReason() != null ? fs.getReason() : fs.getClass().getSimpleName();
      String where = fs.getOtherFile() == null ? fs.getFile() : fs.getFile() + " -> "
          + fs.getOtherFile();
      return where + ": " + problem;
    }
    return ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
  }

  /** {@code --verbose} is inherited by every subcommand: look for it at every level. */
  private static boolean verboseAnywhere(CommandLine.ParseResult result) {
    for (CommandLine.ParseResult r = result; r != null; r = r.subcommand()) {
      if (r.hasMatchedOption("--verbose")) {
        return true;
      }
    }
    return false;
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
