package io.spikeloop.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;

/** One in-process run of {@code ./spikeloop ARGS}: exit code and captured output, for CLI tests. */
record CliRun(int exit, String out, String err) {

  static CliRun of(String... args) {
    var cl = SpikeloopCli.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int exit = cl.execute(args);
    return new CliRun(exit, out.toString(), err.toString());
  }

  /** The last line of standard output (the {@code --json} object), parsed. */
  JsonNode json() throws Exception {
    String[] lines = out.strip().split("\n");
    return new ObjectMapper().readTree(lines[lines.length - 1]);
  }
}
