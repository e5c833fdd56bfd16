package io.spikeloop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spikeloop.device.Device;
import io.spikeloop.device.Devices;
import io.spikeloop.device.ReadoutLevel;
import io.spikeloop.device.SpikeFrame;
import io.spikeloop.remote.DeviceServer;
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

  @Test
  void servesTheSimulatorToRemoteNamesUntilClosed() throws Exception {
    CommandLine cl = SpikeloopCli.commandLine();
    ServeCommand serve = cl.getSubcommands().get("serve").getCommand();
    int[] code = {-1};
    Thread t = new Thread(() -> code[0] = cl.execute("serve", "--device", "sim", "--port", "0"));
    t.start();
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (serve.running == null && System.nanoTime() < deadline && t.isAlive()) {
      Thread.sleep(10);
    }
    DeviceServer server = serve.running;
    assertTrue(server != null, "serve did not start");
    try (Device remote = Devices.open("remote://127.0.0.1:" + server.port())) {
      assertEquals("sl1-sim", remote.info().kind());
      remote.configure(new io.spikeloop.target.sl1.NetworkConfig(4, java.util.List.of(
          new io.spikeloop.target.sl1.LayerConfig(3, true, 8, 0, 16, 10, 4000, 4)),
          new io.spikeloop.target.sl1.OutputConfig(2, 8, 0, 16, 4000)));
      assertEquals(0, remote.step(new SpikeFrame(1, 3), ReadoutLevel.SPIKES).step());
    }
    server.close();
    t.join(10_000);
    assertEquals(0, code[0]);
  }
}
