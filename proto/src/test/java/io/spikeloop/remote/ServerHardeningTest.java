package io.spikeloop.remote;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.spikeloop.device.ReadoutLevel;
import io.spikeloop.device.SpikeFrame;
import io.spikeloop.device.WeightTensor;
import io.spikeloop.wire.WireMapping;
import io.spikeloop.wire.v1.Empty;
import io.spikeloop.wire.v1.Error;
import io.spikeloop.wire.v1.Hello;
import io.spikeloop.wire.v1.Request;
import io.spikeloop.wire.v1.Response;
import io.spikeloop.wire.v1.SpikePacket;
import io.spikeloop.wire.v1.StepBatch;
import io.spikeloop.wire.v1.WeightBlocks;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What a hostile client, or a stuck one, can make a real server on loopback do: hold memory
 * without a token, ask for replies that exhaust the heap, keep the device forever, write half a
 * set of weights; and a port in use.
 */
class ServerHardeningTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final ToyTestDevice toy = new ToyTestDevice("toy");
  private DeviceServer server;

  private DeviceServer serve(ServerOptions o) {
    server = DeviceServer.start(toy, o.withRegistry(registry));
    return server;
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private RemoteDevice connect() {
    return RemoteDevice.connect(RemoteOptions.of("127.0.0.1", server.port())
        .withRegistry(registry).withRequestTimeout(Duration.ofSeconds(5)));
  }

  private static Request hello(String client) {
    return Request.newBuilder().setId(1).setHello(Hello.newBuilder()
        .setProtocolVersion(io.spikeloop.device.DeviceInfo.PROTOCOL_VERSION)
        .setClient(client)).build();
  }

  private static byte[] header(int length) {
    return ByteBuffer.allocate(4).putInt(length).array();
  }

  // ---- before Hello ----------------------------------------------------------------------

  @Test
  void beforeHelloOnlyASmallFrameIsAcceptedAfterItTheFullLimit() throws Exception {
    serve(ServerOptions.loopback(0));
    int hello = ServerOptions.Limits.DEFAULT.helloFrameBytes();
    try (var raw = new TestNetworks.RawClient(server.port())) {
      raw.sendRaw(header(hello + 1));
      Error e = raw.read().getError();
      assertEquals(Error.Code.FRAME_TOO_LARGE, e.getCode());
      assertTrue(e.getMessage().contains("limit of " + hello + " bytes before Hello"),
          e.getMessage());
      assertTrue(raw.closedByServer());
    }
    // After the Hello a 1 MiB request is read and answered (here: refused as a bad write).
    toy.configure(TestNetworks.small());
    try (var raw = new TestNetworks.RawClient(server.port())) {
      raw.send(hello("raw"));
      assertTrue(raw.read().hasHello());
      int[] big = new int[256 * 1024];
      raw.send(Request.newBuilder().setId(2).setWriteWeights(WeightBlocks.newBuilder()
          .addBlocks(WireMapping.toBlock("no-such", 1, big.length, big))).build());
      Response r = raw.read();
      assertEquals(2, r.getId());
      assertEquals(Error.Code.BAD_REQUEST, r.getError().getCode());
      assertTrue(r.getError().getMessage().contains("no weight tensor 'no-such'"),
          r.getError().getMessage());
    }
  }

  /** Heap in use after a collection plus what Netty's allocator holds (direct buffers). */
  private static long heldBytes() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    Runtime rt = Runtime.getRuntime();
    long held = rt.totalMemory() - rt.freeMemory();
    if (ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider m) {
      held += m.metric().usedDirectMemory() + m.metric().usedHeapMemory();
    }
    return held;
  }

  /** Connects, announces a frame of {@code announced} bytes, sends {@code send} of them. */
  private Socket announce(int announced, int send) throws IOException {
    Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port());
    s.setSoTimeout(5000);
    OutputStream out = s.getOutputStream();
    try {
      out.write(header(announced));
      byte[] chunk = new byte[64 << 10];
      for (int sent = 0; sent < send; sent += chunk.length) {
        out.write(chunk, 0, Math.min(chunk.length, send - sent));
      }
      out.flush();
    } catch (IOException refused) {
      // The server closed the connection: what a hardened server does.
    }
    return s;
  }

  @Test
  void connectionsAnnouncingHugeFramesWithoutATokenCostBoundedMemory() throws Exception {
    serve(ServerOptions.loopback(0));
    try (RemoteDevice owner = connect()) {
      owner.configure(TestNetworks.small());
      long before = heldBytes();
      // 16 connections announce 64 MiB frames and send 8 MiB each: 128 MiB if it were buffered.
      ExecutorService pool = Executors.newFixedThreadPool(16);
      List<Future<Socket>> hostile = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        hostile.add(pool.submit(() -> announce(64 << 20, 8 << 20)));
      }
      List<Socket> open = new ArrayList<>();
      for (Future<Socket> f : hostile) {
        open.add(f.get(30, TimeUnit.SECONDS));
      }
      // 100 more announce frames just under the Hello limit and hold them half sent.
      int hello = ServerOptions.Limits.DEFAULT.helloFrameBytes();
      for (int i = 0; i < 100; i++) {
        open.add(announce(hello, hello / 2));
      }
      pool.shutdown();
      long grown = heldBytes() - before;
      assertTrue(grown < (40 << 20), "the server holds " + (grown >> 20) + " MiB more");
      assertTrue(server.preHello().pendingBytes()
          <= ServerOptions.Limits.DEFAULT.maxWaitingBytes());
      assertTrue(server.preHello().connections()
          <= ServerOptions.Limits.DEFAULT.maxWaitingConnections());
      // The owner is served throughout.
      assertEquals(0, owner.step(new SpikeFrame(1, 2), ReadoutLevel.FULL).step());
      for (Socket s : open) {
        s.close();
      }
    }
    // Once they are gone, the waiting places are free again and a new client gets the device.
    long until = System.nanoTime() + 5_000_000_000L;
    while ((server.preHello().connections() > 0 || server.preHello().pendingBytes() > 0)
        && System.nanoTime() < until) {
      Thread.sleep(10);
    }
    assertEquals(0, server.preHello().pendingBytes());
    try (RemoteDevice next = connect()) {
      assertEquals(1, next.step(new SpikeFrame(1, 2), ReadoutLevel.OUTPUTS).step());
    }
    assertTrue(server.metrics().faults(FrameFault.Kind.OVERSIZED) >= 16);
  }

  @Test
  void connectionsWaitingForHelloAreCountedAndShareOneByteBudget() throws Exception {
    Request hello = hello("x".repeat(900));
    int size = hello.getSerializedSize();
    serve(ServerOptions.loopback(0).withLimits(ServerOptions.Limits.DEFAULT
        .withHelloFrameBytes(1024).withWaiting(3, 2 * size)));
    byte[] frame = ByteBuffer.allocate(4 + size).putInt(size).put(hello.toByteArray()).array();
    try (var a = new TestNetworks.RawClient(server.port());
         var b = new TestNetworks.RawClient(server.port())) {
      // a and b each hold a Hello half sent: the byte budget is used up.
      a.sendRaw(Arrays.copyOfRange(frame, 0, 100));
      b.sendRaw(Arrays.copyOfRange(frame, 0, 100));
      awaitWaiting(2, 2L * size);
      try (var c = new TestNetworks.RawClient(server.port())) {
        c.sendRaw(Arrays.copyOfRange(frame, 0, 100));
        Error e = c.read().getError();
        assertEquals(Error.Code.UNAVAILABLE, e.getCode());
        assertTrue(e.getMessage().contains("holds " + 2 * size + " bytes at most"), e.getMessage());
        assertTrue(c.closedByServer());
      }
      awaitWaiting(2, 2L * size);
      try (var c = new TestNetworks.RawClient(server.port())) {
        // c takes the third waiting place (silent, no bytes); d finds none left.
        awaitWaiting(3, 2L * size);
        var d = new TestNetworks.RawClient(server.port());
        Error e = d.read().getError();
        assertEquals(Error.Code.UNAVAILABLE, e.getCode());
        assertTrue(e.getMessage().contains("too many connections are waiting for their Hello"
            + " (the server's limit is 3)"), e.getMessage());
        assertTrue(d.closedByServer());
        d.close();
      }
      awaitWaiting(2, 2L * size);
      // a finishes its Hello and owns the device; the bytes it reserved are free again.
      a.sendRaw(Arrays.copyOfRange(frame, 100, frame.length));
      assertTrue(a.read().hasHello());
      assertEquals(1, server.preHello().connections(), "only b waits");
      assertEquals(size, server.preHello().pendingBytes());
    }
  }

  /** Waits (bounded) until the server counts these waiting connections and pending bytes. */
  private void awaitWaiting(int connections, long pendingBytes) throws InterruptedException {
    long until = System.nanoTime() + 5_000_000_000L;
    while ((server.preHello().connections() != connections
        || server.preHello().pendingBytes() != pendingBytes) && System.nanoTime() < until) {
      Thread.sleep(5);
    }
    assertEquals(connections, server.preHello().connections(), "waiting connections");
    assertEquals(pendingBytes, server.preHello().pendingBytes(), "pending bytes");
  }

  // ---- step requests ---------------------------------------------------------------------

  @Test
  void aStepRequestAboveThePacketLimitIsRefusedBeforeAnyStepRuns() throws Exception {
    serve(ServerOptions.loopback(0));
    toy.configure(TestNetworks.small());
    // The request: 200,000 empty packets at FULL readout (about 400 KB).
    StepBatch.Builder batch = StepBatch.newBuilder()
        .setReadout(io.spikeloop.wire.v1.ReadoutLevel.READOUT_FULL);
    for (int i = 0; i < 200_000; i++) {
      batch.addPackets(SpikePacket.getDefaultInstance());
    }
    try (var raw = new TestNetworks.RawClient(server.port())) {
      raw.send(hello("raw"));
      assertTrue(raw.read().hasHello());
      raw.send(Request.newBuilder().setId(2).setStep(batch).build());
      Response r = raw.read();
      assertEquals(Error.Code.BAD_REQUEST, r.getError().getCode());
      assertTrue(r.getError().getMessage().contains("200000 packets exceeds the server's limit"
          + " of 4096 per request; no step ran"), r.getError().getMessage());
      raw.send(Request.newBuilder().setId(3).setGetTelemetry(Empty.getDefaultInstance()).build());
      assertEquals(0, raw.read().getTelemetry().getSteps());
    }
  }

  @Test
  void aStepRequestWhoseReplyCouldExceedTheLimitIsRefusedBeforeAnyStepRuns() {
    serve(ServerOptions.loopback(0).withLimits(ServerOptions.Limits.DEFAULT.withSteps(4096,
        20_000)));
    try (RemoteDevice remote = connect()) {
      remote.configure(TestNetworks.small());
      List<SpikeFrame> frames = TestNetworks.frames(64, 64, 0.1, 5);
      var e = assertThrows(IllegalArgumentException.class,
          () -> remote.run(frames, ReadoutLevel.FULL));
      assertTrue(e.getMessage().contains("above the server's limit of 20000 bytes; no step ran"),
          e.getMessage());
      assertEquals(0, remote.telemetry().steps());
      // Outputs only fit: the same steps run.
      assertEquals(64, remote.run(frames, ReadoutLevel.OUTPUTS).size());
    }
  }

  @Test
  void theWorstCaseReadoutBoundHoldsForExtremeReadouts() {
    var config = TestNetworks.small();
    int[][] spikes = config.layers().stream()
        .map(l -> java.util.stream.IntStream.range(0, l.size()).toArray()).toArray(int[][]::new);
    int[][] membranes = config.layers().stream().map(l -> {
      int[] u = new int[l.size()];
      Arrays.fill(u, Integer.MIN_VALUE);
      return u;
    }).toArray(int[][]::new);
    int[] outputs = new int[config.output().size()];
    Arrays.fill(outputs, Integer.MIN_VALUE);
    var worst = new io.spikeloop.device.StepResult(Long.MAX_VALUE, spikes, membranes, outputs,
        Long.MAX_VALUE, Long.MAX_VALUE, true, Long.MAX_VALUE);
    for (ReadoutLevel level : ReadoutLevel.values()) {
      var reply = io.spikeloop.wire.v1.StepReadouts.newBuilder()
          .addReadouts(WireMapping.toProto(new io.spikeloop.device.StepResult(worst.step(),
              level == ReadoutLevel.OUTPUTS ? null : spikes,
              level == ReadoutLevel.FULL ? membranes : null, outputs, worst.sops(),
              worst.cycles(), true, worst.fifoOverflows()))).build();
      assertTrue(reply.getSerializedSize() <= WireMapping.maxReadoutBytes(config, level),
          level + ": " + reply.getSerializedSize() + " > bound "
              + WireMapping.maxReadoutBytes(config, level));
    }
  }

  // ---- the owner -------------------------------------------------------------------------

  @Test
  void anIdleOwnerIsClosedAndAnotherClientTakesTheDevice() throws Exception {
    serve(ServerOptions.loopback(0).withLimits(ServerOptions.Limits.DEFAULT
        .withIdleTimeout(Duration.ofMillis(300))));
    try (var busy = new TestNetworks.RawClient(server.port())) {
      busy.send(hello("busy"));
      assertTrue(busy.read().hasHello());
      // Requests every 100 ms keep the session for well past the timeout.
      for (int i = 0; i < 8; i++) {
        Thread.sleep(100);
        busy.send(Request.newBuilder().setId(10 + i).setGetInfo(Empty.getDefaultInstance())
            .build());
        assertEquals(10 + i, busy.read().getId());
      }
    }
    try (var silent = ownerWhenFree("silent")) {
      // Sends nothing more: told why, then closed.
      Response r = silent.read();
      assertEquals(Error.Code.UNAVAILABLE, r.getError().getCode());
      assertTrue(r.getError().getMessage().contains("no request for 300 ms (the server's idle"
          + " timeout)"), r.getError().getMessage());
      assertTrue(silent.closedByServer());
      try (RemoteDevice next = connect()) {
        assertEquals("toy-test-double", next.info().kind());
      }
    }
    assertTrue(server.metrics().errors(WireMetrics.Error.TIMEOUT) >= 1);
  }

  /**
   * A raw client whose Hello was accepted. The previous owner's close reaches the server a moment
   * after the client's socket closes; until then a Hello is answered BUSY, so retry (bounded).
   */
  private TestNetworks.RawClient ownerWhenFree(String client) throws Exception {
    for (int attempt = 0; attempt < 50; attempt++) {
      var raw = new TestNetworks.RawClient(server.port());
      raw.send(hello(client));
      Response r = raw.read();
      if (r.hasHello()) {
        return raw;
      }
      raw.close();
      assertEquals(Error.Code.BUSY, r.getError().getCode(), r.toString());
      Thread.sleep(50);
    }
    throw new AssertionError("the device stayed busy for 2.5 s after its owner closed");
  }

  // ---- weight writes ---------------------------------------------------------------------

  @Test
  void aWeightBlockWithSwappedRowsAndColsIsRefused() throws Exception {
    serve(ServerOptions.loopback(0));
    toy.configure(TestNetworks.small());
    WeightTensor t = toy.config().tensor(WeightTensor.layerIn(0)); // 24x64
    int[] values = new int[t.length()];
    try (var raw = new TestNetworks.RawClient(server.port())) {
      raw.send(hello("raw"));
      assertTrue(raw.read().hasHello());
      raw.send(Request.newBuilder().setId(2).setWriteWeights(WeightBlocks.newBuilder()
          .addBlocks(WireMapping.toBlock(t.name(), t.cols(), t.rows(), values))).build());
      Error e = raw.read().getError();
      assertEquals(Error.Code.BAD_REQUEST, e.getCode());
      assertTrue(e.getMessage().contains("is 64x24 but tensor layer0.in is 24x64"), e.getMessage());
    }
  }

  @Test
  void aMultiBlockWriteWithABadBlockWritesNothing() throws Exception {
    serve(ServerOptions.loopback(0));
    toy.configure(TestNetworks.small());
    TestNetworks.randomWeights(toy, 3);
    WeightTensor in = toy.config().tensor(WeightTensor.layerIn(0));
    WeightTensor bias = toy.config().tensor(WeightTensor.layerBias(0));
    int[] inBefore = toy.readWeights(in.name());
    int[] biasBefore = toy.readWeights(bias.name());
    int[] fresh = new int[in.length()];
    Arrays.fill(fresh, 1);
    int[] tooWide = new int[bias.length()];
    tooWide[3] = Integer.MAX_VALUE; // does not fit the bias width
    try (var raw = new TestNetworks.RawClient(server.port())) {
      raw.send(hello("raw"));
      assertTrue(raw.read().hasHello());
      raw.send(Request.newBuilder().setId(2).setWriteWeights(WeightBlocks.newBuilder()
          .addBlocks(WireMapping.toBlock(in.name(), in.rows(), in.cols(), fresh))
          .addBlocks(WireMapping.toBlock(bias.name(), bias.rows(), bias.cols(), tooWide)))
          .build());
      Error e = raw.read().getError();
      assertEquals(Error.Code.BAD_REQUEST, e.getCode());
      assertTrue(e.getMessage().startsWith("block 1 of 2 (nothing was written): tensor "
          + bias.name() + " value " + Integer.MAX_VALUE), e.getMessage());
    }
    assertArrayEquals(inBefore, toy.readWeights(in.name()), "the first block was not written");
    assertArrayEquals(biasBefore, toy.readWeights(bias.name()));
  }

  // ---- binding ---------------------------------------------------------------------------

  @Test
  void aPortInUseIsRefusedNamingTheAddressAndPort() {
    serve(ServerOptions.loopback(0));
    int port = server.port();
    var e = assertThrows(IllegalArgumentException.class,
        () -> DeviceServer.start(new ToyTestDevice("second"), ServerOptions.loopback(port)
            .withRegistry(registry)));
    assertTrue(e.getMessage().startsWith("cannot listen on 127.0.0.1:" + port + ": "),
        e.getMessage());
    assertTrue(e.getMessage().contains("in use"), e.getMessage());
    var m = assertThrows(IllegalArgumentException.class, () -> new MetricsEndpoint(
        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), InetAddress.getLoopbackAddress(),
        port));
    assertTrue(m.getMessage().startsWith("cannot serve metrics on 127.0.0.1:" + port + ": "),
        m.getMessage());
  }
}
