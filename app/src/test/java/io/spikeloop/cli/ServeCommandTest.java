package io.spikeloop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spikeloop.device.Device;
import io.spikeloop.device.Devices;
import io.spikeloop.target.sl1.LayerConfig;
import io.spikeloop.target.sl1.NetworkConfig;
import io.spikeloop.target.sl1.OutputConfig;
import io.spikeloop.device.ReadoutLevel;
import io.spikeloop.device.SpikeFrame;
import io.spikeloop.remote.DeviceServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Collections;
import java.util.List;
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
  void aPortInUseIsOneLineNamingTheAddressAndPort() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int port = taken.getLocalPort();
      String[] r = run("serve", "--device", "sim", "--port", "" + port);
      assertEquals("2", r[0]);
      assertEquals("spikeloop: error: cannot listen on 127.0.0.1:" + port
          + ": Address already in use", r[1].strip());
      String[] m = run("serve", "--device", "sim", "--port", "0", "--metrics-port", "" + port);
      assertEquals("2", m[0]);
      assertEquals("spikeloop: error: cannot serve metrics on 127.0.0.1:" + port
          + ": Address already in use", m[1].strip());
    }
  }

  @Test
  void limitFlagsAreCheckedAndNamed() {
    String[] r = run("serve", "--device", "sim", "--port", "0", "--idle-timeout-ms", "0");
    assertEquals("2", r[0]);
    assertTrue(r[1].contains("--idle-timeout-ms must be positive, got 0"), r[1]);
    r = run("serve", "--device", "sim", "--port", "0", "--hello-frame-bytes", "4096",
        "--max-waiting-bytes", "100");
    assertEquals("2", r[0]);
    assertTrue(r[1].contains("waiting bytes (100) must hold at least one Hello frame"), r[1]);
  }

  /** {@code serve ARGS} on its own thread, once it listens; {@link #stop} ends it. */
  private record Serving(DeviceServer server, Thread thread, int[] exitCode) {
    static Serving start(String... args) throws InterruptedException {
      CommandLine cl = SpikeloopCli.commandLine();
      ServeCommand serve = cl.getSubcommands().get("serve").getCommand();
      int[] code = {-1};
      Thread t = new Thread(() -> code[0] = cl.execute(args));
      t.start();
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (serve.running == null && System.nanoTime() < deadline && t.isAlive()) {
        Thread.sleep(10);
      }
      assertTrue(serve.running != null, "serve did not start");
      return new Serving(serve.running, t, code);
    }

    /** Closes the server; the exit code of serve. */
    int stop() throws InterruptedException {
      server.close();
      thread.join(10_000);
      return exitCode[0];
    }
  }

  private static void configureSmall(Device d) {
    d.configure(new NetworkConfig(4, List.of(new LayerConfig(3, true, 8, 0, 16, 10, 4000, 4)),
        new OutputConfig(2, 8, 0, 16, 4000)));
  }

  @Test
  void theStepLimitOfServeReachesTheClientAsAClearError() throws Exception {
    Serving serving = Serving.start("serve", "--device", "sim", "--port", "0",
        "--max-batch-steps", "8");
    try (Device remote = Devices.open("remote://127.0.0.1:" + serving.server().port()
        + "?batch=16")) {
      configureSmall(remote);
      var frames = Collections.nCopies(16, new SpikeFrame(1, 3));
      var e = assertThrows(IllegalArgumentException.class,
          () -> remote.run(frames, ReadoutLevel.OUTPUTS));
      assertTrue(e.getMessage().contains("16 packets exceeds the server's limit of 8"),
          e.getMessage());
      assertEquals(0, remote.telemetry().steps());
    } finally {
      serving.stop();
    }
  }

  @Test
  void servesTheSimulatorToRemoteNamesUntilClosed() throws Exception {
    Serving serving = Serving.start("serve", "--device", "sim", "--port", "0");
    try (Device remote = Devices.open("remote://127.0.0.1:" + serving.server().port())) {
      assertEquals("sl1-sim", remote.info().kind());
      configureSmall(remote);
      assertEquals(0, remote.step(new SpikeFrame(1, 3), ReadoutLevel.SPIKES).step());
    }
    assertEquals(0, serving.stop());
  }
}
