package io.spikeloop.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.spikeloop.device.DeviceInfo;
import io.spikeloop.device.DeviceUnavailableException;
import io.spikeloop.device.ReadoutLevel;
import io.spikeloop.device.SpikeFrame;
import io.spikeloop.wire.v1.Empty;
import io.spikeloop.wire.v1.Error;
import io.spikeloop.wire.v1.Hello;
import io.spikeloop.wire.v1.Request;
import io.spikeloop.wire.v1.Response;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Handshake refusals and bad frames against a real server on loopback, by a hand-rolled client. */
class DeviceServerTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private DeviceServer server;

  private DeviceServer serve(ServerOptions o) {
    server = DeviceServer.start(new ToyTestDevice("toy"), o.withRegistry(registry));
    return server;
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private static Request hello(int version, String token) {
    return Request.newBuilder().setId(1).setHello(Hello.newBuilder().setProtocolVersion(version)
        .setClient("raw").setToken(token)).build();
  }

  @Test
  void anotherProtocolVersionIsRefusedWithAClearMessage() throws Exception {
    serve(ServerOptions.loopback(0));
    try (var raw = new TestNetworks.RawClient(server.port())) {
      raw.send(hello(3, ""));
      Response r = raw.read();
      assertEquals(Error.Code.VERSION_MISMATCH, r.getError().getCode());
      assertTrue(r.getError().getMessage().contains("protocol version 2, the client 3"),
          r.getError().getMessage());
      assertTrue(raw.closedByServer());
    }
    assertEquals(1, server.metrics().errors(WireMetrics.Error.REFUSED));
  }

  @Test
  void aWrongOrMissingTokenGetsARefusalAndNothingOfTheDevice() throws Exception {
    serve(ServerOptions.loopback(0).withToken(SharedToken.of("s3cret")));
    for (String token : new String[] {"", "guess"}) {
      try (var raw = new TestNetworks.RawClient(server.port())) {
        raw.send(hello(DeviceInfo.PROTOCOL_VERSION, token));
        Response r = raw.read();
        assertEquals(Error.Code.UNAUTHENTICATED, r.getError().getCode());
        assertTrue(!r.hasHello() && !r.getError().getMessage().contains("s3cret"));
        assertTrue(raw.closedByServer());
      }
    }
    // Requests before or instead of a Hello are refused as well.
    try (var raw = new TestNetworks.RawClient(server.port())) {
      raw.send(Request.newBuilder().setId(5).setGetInfo(Empty.getDefaultInstance()).build());
      Response r = raw.read();
      assertEquals(Error.Code.BAD_REQUEST, r.getError().getCode());
      assertTrue(r.getError().getMessage().contains("first request must be Hello"));
    }
    var e = assertThrows(DeviceUnavailableException.class, () -> RemoteDevice.connect(
        RemoteOptions.of("127.0.0.1", server.port()).withToken(SharedToken.of("wrong"))));
    assertTrue(e.getMessage().contains("UNAUTHENTICATED"), e.getMessage());
    try (RemoteDevice ok = RemoteDevice.connect(RemoteOptions.of("127.0.0.1", server.port())
        .withToken(SharedToken.of("s3cret")))) {
      assertEquals("toy-test-double", ok.info().kind());
    }
  }

  @Test
  void bindingBeyondLoopbackNeedsAToken() throws Exception {
    var e = assertThrows(IllegalArgumentException.class, () -> ServerOptions.loopback(0)
        .withBind(InetAddress.getByName("0.0.0.0")));
    assertTrue(e.getMessage().contains("needs a shared token"), e.getMessage());
    assertEquals("SharedToken[redacted]", SharedToken.of("s3cret").toString());
  }

  @Test
  void malformedFramesAreAnsweredAndCountedAndOtherConnectionsCarryOn() throws Exception {
    serve(ServerOptions.loopback(0).withMaxFrameBytes(4096));
    try (RemoteDevice good = RemoteDevice.connect(RemoteOptions.of("127.0.0.1", server.port())
        .withRegistry(registry).withRequestTimeout(Duration.ofSeconds(3)))) {
      good.configure(TestNetworks.small());
      // Junk before a Hello: an error reply and a clean close.
      try (var raw = new TestNetworks.RawClient(server.port())) {
        raw.sendRaw(ByteBuffer.allocate(7).putInt(3).put(new byte[] {(byte) 0xff, (byte) 0xff, 0x7f})
            .array());
        assertEquals(Error.Code.BAD_REQUEST, raw.read().getError().getCode());
        assertTrue(raw.closedByServer());
      }
      // An oversized frame: FRAME_TOO_LARGE and a clean close.
      try (var raw = new TestNetworks.RawClient(server.port())) {
        raw.sendRaw(ByteBuffer.allocate(4).putInt(1 << 30).array());
        Response r = raw.read();
        assertEquals(Error.Code.FRAME_TOO_LARGE, r.getError().getCode());
        assertTrue(r.getError().getMessage().contains("4096"), r.getError().getMessage());
        assertTrue(raw.closedByServer());
      }
      // A truncated frame: the connection just ends.
      try (var raw = new TestNetworks.RawClient(server.port())) {
        raw.sendRaw(ByteBuffer.allocate(6).putInt(100).put((byte) 1).put((byte) 2).array());
      }
      // Random bytes from several connections, bounded in count and time.
      Random rnd = new Random(13);
      long deadline = System.nanoTime() + 1_500_000_000L;
      for (int i = 0; i < 30 && System.nanoTime() < deadline; i++) {
        try (var raw = new TestNetworks.RawClient(server.port())) {
          byte[] junk = new byte[1 + rnd.nextInt(300)];
          rnd.nextBytes(junk);
          raw.sendRaw(junk);
        }
      }
      // The owner's session was never disturbed.
      assertEquals(0, good.step(new SpikeFrame(1, 2), ReadoutLevel.OUTPUTS).step());
      // The server counts the truncated frame when it sees the close: wait for that, generously
      // for a loaded machine (the loop ends as soon as it is counted).
      long until = System.nanoTime() + 10_000_000_000L;
      while (server.metrics().faults(FrameFault.Kind.TRUNCATED) < 1 && System.nanoTime() < until) {
        Thread.sleep(5);
      }
      assertTrue(server.metrics().faults(FrameFault.Kind.MALFORMED) >= 1, "malformed not counted");
      assertTrue(server.metrics().faults(FrameFault.Kind.OVERSIZED) >= 1, "oversized not counted");
      assertTrue(server.metrics().faults(FrameFault.Kind.TRUNCATED) >= 1, "truncated not counted");
    }
  }

  @Test
  void aMalformedFrameInsideASessionGetsAnErrorAndTheSessionGoesOn() throws Exception {
    serve(ServerOptions.loopback(0));
    try (var raw = new TestNetworks.RawClient(server.port())) {
      raw.send(hello(DeviceInfo.PROTOCOL_VERSION, ""));
      assertTrue(raw.read().hasHello());
      raw.sendRaw(ByteBuffer.allocate(6).putInt(2).put((byte) 0x0a).put((byte) 0x05).array());
      Response r = raw.read();
      assertEquals(Error.Code.BAD_REQUEST, r.getError().getCode());
      assertEquals(0, r.getId());
      raw.send(Request.newBuilder().setId(9).setGetInfo(Empty.getDefaultInstance()).build());
      Response info = raw.read();
      assertEquals(9, info.getId());
      assertEquals("toy-test-double", info.getInfo().getKind());
      // A request type this server does not know (an unset body) is refused but harmless.
      raw.send(Request.newBuilder().setId(10).build());
      Response unknown = raw.read();
      assertEquals(Error.Code.BAD_REQUEST, unknown.getError().getCode());
      assertEquals(10, unknown.getId());
    }
  }

  @Test
  void aSilentConnectionIsClosedAfterTheHandshakeTimeout() throws Exception {
    serve(ServerOptions.loopback(0).withHandshakeTimeout(Duration.ofMillis(200)));
    try (var raw = new TestNetworks.RawClient(server.port())) {
      assertTrue(raw.closedByServer());
    }
  }
}
