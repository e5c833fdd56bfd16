package io.spikeloop.study;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spikeloop.cli.SpikeloopCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/** Runs one {@code train} with the given arguments and returns its {@code --json} summary. */
@FunctionalInterface
public interface TrainLauncher {

  JsonNode train(List<String> args) throws Exception;

  /**
   * {@code spikeloop train} in this JVM (no start-up cost, one thread per run): its own command
   * line, output captured; a non-zero exit becomes an exception carrying train's error line.
   */
  static TrainLauncher inProcess() {
    return args -> {
      CommandLine cl = SpikeloopCli.commandLine();
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      cl.setOut(new PrintWriter(out));
      cl.setErr(new PrintWriter(err));
      List<String> full = new ArrayList<>(List.of("train", "--json", "--no-progress"));
      full.addAll(args);
      int exit = cl.execute(full.toArray(String[]::new));
      if (exit != 0) {
        String message = err.toString().strip().lines().findFirst().orElse("exit code " + exit)
            .replaceFirst("^spikeloop: error: ", "");
        throw new IllegalStateException(message);
      }
      List<String> lines = out.toString().strip().lines().toList();
      if (lines.isEmpty()) {
        throw new IllegalStateException("train printed no result");
      }
      return new ObjectMapper().readTree(lines.get(lines.size() - 1));
    };
  }
}
