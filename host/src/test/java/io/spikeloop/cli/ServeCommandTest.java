package io.spikeloop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ServeCommandTest {

  private static String[] run(String... args) {
    CommandLine cl = SpikeloopCli.commandLine();
    StringWriter err = new StringWriter();
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    return new String[] {String.valueOf(code), err.toString()};
  }

  @Test
  void bindingBeyondLoopbackWithoutATokenIsRefused() {
    String[] r = run("serve", "--device", "remote://127.0.0.1:1", "--bind", "0.0.0.0", "--port", "0");
    assertEquals("2", r[0]);
    assertTrue(r[1].contains("needs a shared token"), r[1]);
  }

  @Test
  void tlsNeedsBothFilesAndUnknownDevicesAreNamed() {
    String[] tls = run("serve", "--device", "x", "--tls-cert", "c.pem", "--port", "0");
    assertEquals("2", tls[0]);
    assertTrue(tls[1].contains("--tls-cert and --tls-key"), tls[1]);
    String[] unknown = run("serve", "--device", "no-such-device", "--port", "0");
    assertEquals("2", unknown[0]);
    assertTrue(unknown[1].contains("unknown device 'no-such-device'"), unknown[1]);
  }
}
