package io.spikeloop.remote;

import static io.spikeloop.wire.WireMappingTest.assertStepEquals;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.spikeloop.device.DesignRuleViolation;
import io.spikeloop.device.Device;
import io.spikeloop.device.DeviceUnavailableException;
import io.spikeloop.device.Devices;
import io.spikeloop.device.ReadoutLevel;
import io.spikeloop.device.SpikeFrame;
import io.spikeloop.device.StepResult;
import io.spikeloop.device.WeightTensor;
import io.spikeloop.target.TargetState;
import io.spikeloop.target.sl1.LayerConfig;
import io.spikeloop.target.sl1.NetworkConfig;
import io.spikeloop.target.sl1.OutputConfig;
import io.spikeloop.target.sl1.Sl1Device;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** RemoteDevice against a real DeviceServer on loopback, serving the toy test double. */
class RemoteDeviceTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private ToyTestDevice served;
  private DeviceServer server;

  private DeviceServer serve(ToyTestDevice d, int port) {
    served = d;
    server = DeviceServer.start(d, ServerOptions.loopback(port).withRegistry(registry));
    return server;
  }

  private RemoteDevice client(int port) {
    // A small window, so that streams wrap it many times.
    return RemoteDevice.connect(RemoteOptions.of("127.0.0.1", port).withRegistry(registry)
        .withRequestTimeout(Duration.ofSeconds(3)).withWindow(32, 8));
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void lockStepAndStreamingGiveTheInProcessResultsBitForBit() {
    serve(new ToyTestDevice("toy"), 0);
    ToyTestDevice local = new ToyTestDevice("local");
    NetworkConfig c = TestNetworks.small();
    List<SpikeFrame> frames = TestNetworks.frames(c.inputs(), 300, 0.2, 1);
    try (RemoteDevice remote = client(server.port())) {
      for (Device d : List.of(local, remote)) {
        d.configure(c);
        TestNetworks.randomWeights(d, 42);
      }
      for (WeightTensor t : c.tensors()) {
        assertArrayEquals(local.readWeights(t.name()), remote.readWeights(t.name()), t.name());
      }
      for (ReadoutLevel level : ReadoutLevel.values()) {
        for (int t = 0; t < 50; t++) {
          assertStepEquals(local.step(frames.get(t), level), remote.step(frames.get(t), level));
        }
        List<StepResult> a = local.run(frames, level);
        List<StepResult> b = remote.run(frames, level);
        assertEquals(a.size(), b.size());
        for (int t = 0; t < a.size(); t++) {
          assertStepEquals(a.get(t), b.get(t));
        }
      }
      TargetState s = remote.state();
      assertEquals(local.state(), s);
      assertEquals(local.telemetry(), remote.telemetry());
      remote.reset();
      local.reset();
      assertEquals(local.state(), remote.state());
      remote.restore(s);
      local.restore(s);
      assertStepEquals(local.step(frames.get(0), ReadoutLevel.FULL), remote.step(frames.get(0),
          ReadoutLevel.FULL));
      assertEquals(c, remote.config());
      assertEquals("remote://127.0.0.1:" + server.port(), remote.info().name());
      assertEquals("toy-test-double", remote.info().kind());
    }
  }

  @Test
  void deviceErrorsArriveAsTheContractExceptionsAndTheSessionCarriesOn() {
    serve(new ToyTestDevice("toy"), 0);
    try (RemoteDevice remote = client(server.port())) {
      assertThrows(IllegalStateException.class, remote::config);
      var notConfigured = assertThrows(IllegalStateException.class,
          () -> remote.step(new SpikeFrame(1), ReadoutLevel.OUTPUTS));
      assertTrue(notConfigured.getMessage().contains("not configured"), notConfigured.getMessage());
      NetworkConfig huge = new NetworkConfig(5000, List.of(new LayerConfig(4, false, 8, 0, 16, 10,
          4000, 5000)), new OutputConfig(2, 8, 0, 16, 4000));
      var dr = assertThrows(DesignRuleViolation.class, () -> remote.configure(huge));
      assertEquals("DR-INPUTS", dr.rule());
      remote.configure(TestNetworks.small());
      var bad = assertThrows(IllegalArgumentException.class,
          () -> remote.step(new SpikeFrame(3, 64), ReadoutLevel.OUTPUTS));
      assertTrue(bad.getMessage().contains("64"), bad.getMessage());
      assertThrows(IllegalArgumentException.class, () -> remote.writeWeights("out.w", new int[3]));
      assertThrows(IllegalArgumentException.class, () -> remote.readWeights("nope"));
      assertEquals(0, remote.step(new SpikeFrame(3), ReadoutLevel.OUTPUTS).step());
    }
  }

  @Test
  void aSecondClientIsRefusedWhileTheFirstOwnsTheDevice() {
    serve(new ToyTestDevice("toy"), 0);
    RemoteDevice first = client(server.port());
    var e = assertThrows(DeviceUnavailableException.class, () -> client(server.port()));
    assertTrue(e.getMessage().contains("BUSY") && e.getMessage().contains("one client at a time"),
        e.getMessage());
    first.close();
    try (RemoteDevice second = client(server.port())) {
      assertEquals("toy-test-double", second.info().kind());
    }
  }

  @Test
  void aServerThatStopsAnsweringTimesOutAndTheClientRecovers() {
    serve(new ToyTestDevice("toy"), 0);
    try (RemoteDevice remote = RemoteDevice.connect(RemoteOptions.of("127.0.0.1", server.port())
        .withRegistry(registry).withRequestTimeout(Duration.ofMillis(300)))) {
      remote.configure(TestNetworks.small());
      CountDownLatch stall = new CountDownLatch(1);
      served.stall = stall;
      long t0 = System.nanoTime();
      var e = assertThrows(DeviceUnavailableException.class,
          () -> remote.step(new SpikeFrame(1), ReadoutLevel.OUTPUTS));
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertTrue(e.getMessage().contains("no reply to step") && e.getMessage().contains("300 ms"),
          e.getMessage());
      // The stall lasts 30 s: returning well before it means the timeout ended the wait.
      assertTrue(ms >= 250 && ms < 10_000, "timed out after " + ms + " ms");
      assertEquals(1, remote.metrics().errors(WireMetrics.Error.TIMEOUT));
      served.stall = null;
      stall.countDown();
      // Streaming times out too.
      CountDownLatch stall2 = new CountDownLatch(1);
      awaitOwnerReleased();
      served.stall = stall2;
      assertThrows(DeviceUnavailableException.class,
          () -> remote.run(TestNetworks.frames(64, 40, 0.1, 2), ReadoutLevel.OUTPUTS));
      served.stall = null;
      stall2.countDown();
      awaitOwnerReleased();
      // The next call reconnects to the same server: the device kept its configuration.
      assertEquals(TestNetworks.small(), remote.config());
      remote.step(new SpikeFrame(2), ReadoutLevel.OUTPUTS);
    }
  }

  @Test
  void aServerGoingAwayGivesAClearErrorAndAReconnectReplaysWhatTheHostWrote() {
    int port = serve(new ToyTestDevice("toy"), 0).port();
    ToyTestDevice local = new ToyTestDevice("local");
    NetworkConfig c = TestNetworks.small();
    List<SpikeFrame> frames = TestNetworks.frames(c.inputs(), 20, 0.3, 3);
    try (RemoteDevice remote = client(port)) {
      for (Device d : List.of(local, remote)) {
        d.configure(c);
        TestNetworks.randomWeights(d, 9);
      }
      remote.step(frames.get(0), ReadoutLevel.OUTPUTS);
      server.close();
      var e = assertThrows(DeviceUnavailableException.class,
          () -> remote.step(frames.get(1), ReadoutLevel.OUTPUTS));
      assertTrue(e.getMessage().contains("remote://127.0.0.1:" + port), e.getMessage());

      // A new server (a restart) on the same port: configuration and weights come back.
      serve(new ToyTestDevice("toy2"), port);
      remote.reset();
      local.reset();
      for (SpikeFrame f : frames) {
        assertStepEquals(local.step(f, ReadoutLevel.FULL), remote.step(f, ReadoutLevel.FULL));
      }
      assertArrayEquals(local.readWeights("layer0.rec"), served.readWeights("layer0.rec"));
    }
  }

  @Test
  void gracefulShutdownTellsTheClientAndClosesAnOpenedDevice() {
    serve(new ToyTestDevice("toy"), 0);
    int port = server.port();
    RemoteDevice remote = client(port);
    server.close();
    var e = assertThrows(DeviceUnavailableException.class, remote::telemetry);
    // Racy by nature: the shutdown notice either arrives before the request (the client then
    // cannot reach the server) or answers it (UNAVAILABLE during get_telemetry). Both must name
    // the server and say why.
    assertTrue(e.getMessage().contains("remote://127.0.0.1:" + port)
        && e.getMessage().contains("the device server is shutting down"), e.getMessage());
    remote.close();
    assertThrows(IllegalStateException.class, remote::telemetry);
    server = null;
    // A device the server opened by name is closed with it; one handed in stays open.
    assertTrue(!served.closed());
  }

  @Test
  void devicesOpenRemoteNamesAndRefusesUnreachableServers() {
    serve(new ToyTestDevice("toy"), 0);
    try (Device d = Devices.open("remote://127.0.0.1:" + server.port())) {
      assertInstanceOf(RemoteDevice.class, d);
      assertEquals("toy-test-double", d.info().kind());
    }
    int port = server.port();
    server.close();
    server = null;
    var e = assertThrows(DeviceUnavailableException.class,
        () -> Devices.open("remote://127.0.0.1:" + port));
    assertTrue(e.getMessage().contains("cannot reach device server remote://127.0.0.1:" + port),
        e.getMessage());
  }

  @Test
  void metricsCountFramesBytesAndLatencyOnBothEnds() {
    serve(new ToyTestDevice("toy"), 0);
    try (RemoteDevice remote = client(server.port())) {
      remote.configure(TestNetworks.small());
      remote.run(TestNetworks.frames(64, 64, 0.1, 4), ReadoutLevel.OUTPUTS);
      assertTrue(remote.metrics().framesOut() >= 1 + 1 + 64 / 8);
      assertEquals(remote.metrics().bytesOut(), server.metrics().bytesIn());
      assertTrue(remote.metrics().stepLatency().count() >= 64 / 8);
      assertEquals(0, remote.metrics().inFlight());
    }
  }

  private void awaitOwnerReleased() {
    // The server releases the device when it notices the dropped connection (microseconds on
    // loopback); connecting earlier would be refused as BUSY. The generous deadline only
    // matters on a loaded machine; the usual wait is a few retries.
    long deadline = System.nanoTime() + 10_000_000_000L;
    DeviceUnavailableException last = null;
    while (System.nanoTime() < deadline) {
      try {
        client(server.port()).close();
        return;
      } catch (DeviceUnavailableException busy) {
        last = busy;
        Thread.onSpinWait();
      }
    }
    throw new AssertionError("the server did not release the device within 10 s", last);
  }
}
