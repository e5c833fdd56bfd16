package io.spikeloop.remote;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.spikeloop.device.Capability;
import io.spikeloop.device.Device;
import io.spikeloop.device.DeviceInfo;
import io.spikeloop.device.DeviceUnavailableException;
import io.spikeloop.device.LearningStateLostException;
import io.spikeloop.device.OnChipLearning;
import io.spikeloop.device.ReadoutLevel;
import io.spikeloop.device.SampleStore;
import io.spikeloop.device.SpikeFrame;
import io.spikeloop.device.StepResult;
import io.spikeloop.device.Telemetry;
import io.spikeloop.device.WeightTensor;
import io.spikeloop.target.TargetNetwork;
import io.spikeloop.target.TargetState;
import io.spikeloop.target.Targets;
import io.spikeloop.wire.WireMapping;
import io.spikeloop.wire.v1.Empty;
import io.spikeloop.wire.v1.Hello;
import io.spikeloop.wire.v1.HelloReply;
import io.spikeloop.wire.v1.ReadWeights;
import io.spikeloop.wire.v1.Request;
import io.spikeloop.wire.v1.Response;
import io.spikeloop.wire.v1.SampleEntry;
import io.spikeloop.wire.v1.SampleList;
import io.spikeloop.wire.v1.SampleRecord;
import io.spikeloop.wire.v1.SampleReplay;
import io.spikeloop.wire.v1.SampleSlot;
import com.google.protobuf.ByteString;
import io.spikeloop.wire.v1.StepBatch;
import io.spikeloop.wire.v1.StepReadouts;
import io.spikeloop.wire.v1.TargetPayload;
import io.spikeloop.wire.v1.WeightBlocks;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A device served by a {@link DeviceServer}, opened as {@code remote://HOST:PORT}. Results are
 * the served device's, bit for bit.
 *
 * <p>Two traffic patterns: {@link #step} is lock-step (one round trip per time step);
 * {@link #run} streams, keeping up to {@link RemoteOptions#window()} steps in flight in frames of
 * {@link RemoteOptions#batchSteps()} steps, and waits while Netty reports the connection not
 * writable (back-pressure). In a stream, a step that fails on the server throws here, but the
 * steps already sent behind it have run too.
 *
 * <p>Every request waits at most {@link RemoteOptions#requestTimeout()}. A lost connection or a
 * timeout fails the call with {@link DeviceUnavailableException}; the next call reconnects. What
 * survives: the device and its state live on the server, so a reconnect to the same server
 * continues where the device is. If the server restarted (the Hello carries a per-start
 * instance id), this client replays the last configuration and every tensor written since it,
 * so the weights the host holds are back; the dynamic state (membranes, counters) starts from
 * reset, and the host restores it with {@link #restore} if it kept a snapshot. Learning is not
 * replayed: if the engine was on, the state it learned died with the server, so steps, weight
 * and learning-state reads and disabling learning are refused with a
 * {@link LearningStateLostException} until the host restores it ({@link OnChipLearning#restore},
 * which switches the engine back on first) or starts over ({@link OnChipLearning#enable},
 * {@link #configure}).
 */
public final class RemoteDevice implements Device {
  private final RemoteOptions options;
  private final String name;
  private final WireMetrics metrics;
  private final EventLoopGroup group;
  private Channel channel;
  private ClientHandler handler;
  private long serverInstance;
  private int serverMaxFrameBytes;
  private DeviceInfo info;
  private TargetNetwork config;
  private TargetPayload lastConfigure;
  private final Map<String, WeightBlocks> written = new LinkedHashMap<>();
  /** The learning configuration last enabled; null while learning is off. */
  private TargetPayload learning;
  /** The server restarted while learning was on: its engine's state is gone. */
  private boolean learningLost;
  private final RemoteLearning onChipLearning = new RemoteLearning();
  private final RemoteSampleStore sampleStore = new RemoteSampleStore();
  /** This client put samples into the server's store (since it last cleared it). */
  private boolean samplesPut;
  /** The server restarted after this client put samples: they are gone. */
  private boolean samplesLost;
  private long nextId = 1;
  private boolean closed;

  private RemoteDevice(RemoteOptions options) {
    this.options = options;
    this.name = options.name();
    this.metrics = new WireMetrics(options.registry(), "client",
        name + "#" + Integer.toHexString(System.identityHashCode(this)));
    // A daemon thread: a device left open must not keep the JVM alive.
    this.group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("spikeloop-remote", true),
        NioIoHandler.newFactory());
  }

  /** Connects and shakes hands; a server that is not there is a {@link DeviceUnavailableException}. */
  public static RemoteDevice connect(RemoteOptions options) {
    RemoteDevice d = new RemoteDevice(options);
    try {
      d.connectNow();
      return d;
    } catch (RuntimeException e) {
      d.shutdownGroup();
      throw e;
    }
  }

  public WireMetrics metrics() {
    return metrics;
  }

  /** Drops the connection (if any) and connects again now. */
  public synchronized void reconnect() {
    checkOpen();
    dropConnection();
    connectNow();
  }

  // ---- Device ----------------------------------------------------------------------------

  @Override
  public synchronized DeviceInfo info() {
    checkOpen();
    return info;
  }

  @Override
  public synchronized void configure(TargetNetwork c) {
    if (c == null) {
      throw new IllegalArgumentException("configure needs a network");
    }
    var proto = WireMapping.toProto(c.encode());
    call(Request.newBuilder().setConfigureNetwork(proto), false);
    config = c;
    lastConfigure = proto;
    written.clear();
    learning = null; // configure switches learning off
    learningLost = false;
  }

  @Override
  public synchronized TargetNetwork config() {
    checkOpen();
    if (config == null) {
      throw new IllegalStateException("device " + name + " is not configured");
    }
    return config;
  }

  @Override
  public synchronized void writeWeights(String tensor, int[] values) {
    if (values == null) {
      throw new IllegalArgumentException("no values given for tensor " + tensor);
    }
    WeightTensor t = config == null ? null : config.tensor(tensor);
    WeightBlocks blocks = WeightBlocks.newBuilder().addBlocks(t == null
        ? WireMapping.toBlock(tensor, 1, values.length, values)
        : WireMapping.toBlock(tensor, t.rows(), t.cols(), values)).build();
    call(Request.newBuilder().setWriteWeights(blocks), false);
    written.put(tensor, blocks);
  }

  @Override
  public synchronized int[] readWeights(String tensor) {
    Response r = call(Request.newBuilder().setReadWeights(ReadWeights.newBuilder().setTensor(tensor)),
        false);
    if (r.getWeights().getBlocksCount() != 1) {
      throw new DeviceUnavailableException(name + ": expected one weight block for " + tensor
          + ", got " + r.getWeights().getBlocksCount());
    }
    return WireMapping.wholeTensor(r.getWeights().getBlocks(0));
  }

  @Override
  public synchronized StepResult step(SpikeFrame input, ReadoutLevel readout) {
    Response r = call(Request.newBuilder().setStep(StepBatch.newBuilder()
        .addPackets(WireMapping.toProto(input, 0)).setReadout(WireMapping.toProto(readout))), true);
    StepReadouts rs = r.getReadouts();
    if (rs.getReadoutsCount() != 1) {
      throw new DeviceUnavailableException(name + ": expected 1 readout, got " + rs.getReadoutsCount());
    }
    return WireMapping.fromProto(rs.getReadouts(0), readout);
  }

  /** Streams the steps: up to {@code window} steps in flight, in frames of {@code batchSteps}. */
  @Override
  public synchronized List<StepResult> run(List<SpikeFrame> inputs, ReadoutLevel readout) {
    checkOpen();
    List<StepResult> results = new ArrayList<>(inputs.size());
    if (inputs.isEmpty()) {
      return results;
    }
    ensureConnected();
    requireLearningIntact(Request.BodyCase.STEP);
    var level = WireMapping.toProto(readout);
    ArrayDeque<InFlight> queue = new ArrayDeque<>();
    int inFlightSteps = 0;
    try {
      for (int i = 0; i < inputs.size(); i += options.batchSteps()) {
        int k = Math.min(options.batchSteps(), inputs.size() - i);
        while (inFlightSteps + k > options.window()) {
          InFlight head = queue.removeFirst();
          inFlightSteps -= head.steps;
          collect(head, readout, results);
        }
        StepBatch.Builder batch = StepBatch.newBuilder().setReadout(level);
        for (int j = i; j < i + k; j++) {
          batch.addPackets(WireMapping.toProto(inputs.get(j), j));
        }
        long id = nextId++;
        Request req = Request.newBuilder().setId(id).setStep(batch).build();
        checkFrameSize(req);
        CompletableFuture<Response> f = handler.expect(id);
        channel.writeAndFlush(req, channel.voidPromise());
        queue.addLast(new InFlight(id, k, f, System.nanoTime()));
        inFlightSteps += k;
        if (!channel.isWritable()) {
          handler.awaitWritable(channel, System.nanoTime() + options.requestTimeout().toNanos());
        }
      }
      while (!queue.isEmpty()) {
        collect(queue.removeFirst(), readout, results);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      dropConnection();
      throw new DeviceUnavailableException(name + ": interrupted while streaming; connection dropped");
    } catch (RuntimeException e) {
      for (InFlight f : queue) {
        handler.forget(f.id);
      }
      throw e;
    }
    return results;
  }

  /** The server device's on-chip learning and sample store, when the served device has them. */
  @Override
  public <T> Optional<T> extension(Class<T> type) {
    if (type == OnChipLearning.class && info().has(Capability.ON_CHIP_LEARNING)) {
      return Optional.of(type.cast(onChipLearning));
    }
    if (type == SampleStore.class && info().has(Capability.SAMPLE_STORE)) {
      return Optional.of(type.cast(sampleStore));
    }
    return Optional.empty();
  }

  /**
   * The server device's sample store: the records live on the server. A restarted server has
   * lost them, so after a restart that found samples put by this client, every store call but
   * {@link SampleStore#clear} and {@link SampleStore#list} is refused until the host clears the
   * store (its own bookkeeping of slots would otherwise point at samples that are gone).
   */
  private final class RemoteSampleStore implements SampleStore {
    private SampleList listing() {
      synchronized (RemoteDevice.this) {
        return call(Request.newBuilder().setListSamples(Empty.getDefaultInstance()), false)
            .getSampleList();
      }
    }

    @Override
    public long capacityBytes() {
      return listing().getCapacityBytes();
    }

    @Override
    public int slots() {
      return listing().getSlots();
    }

    @Override
    public long usedBytes() {
      return listing().getUsedBytes();
    }

    @Override
    public int put(byte[] record) {
      if (record == null) {
        throw new IllegalArgumentException("put needs a sample record");
      }
      synchronized (RemoteDevice.this) {
        requireSamplesIntact("put");
        int slot = call(Request.newBuilder().setPutSample(SampleRecord.newBuilder()
            .setRecord(ByteString.copyFrom(record))), false).getSampleSlot().getSlot();
        samplesPut = true;
        return slot;
      }
    }

    @Override
    public void remove(int slot) {
      synchronized (RemoteDevice.this) {
        requireSamplesIntact("remove");
        call(Request.newBuilder().setRemoveSample(SampleSlot.newBuilder().setSlot(slot)), false);
      }
    }

    @Override
    public void clear() {
      synchronized (RemoteDevice.this) {
        call(Request.newBuilder().setClearSamples(Empty.getDefaultInstance()), false);
        samplesPut = false;
        samplesLost = false;
      }
    }

    @Override
    public List<Entry> list() {
      List<Entry> out = new ArrayList<>();
      for (SampleEntry e : listing().getEntriesList()) {
        out.add(new Entry(e.getSlot(), e.getLabel(), e.getSteps(), e.getEvents(), e.getBytes()));
      }
      return out;
    }

    /** One round trip: the server runs every step of the sample and answers with all readouts. */
    @Override
    public List<StepResult> replay(int slot, ReadoutLevel readout) {
      if (readout == null) {
        throw new IllegalArgumentException("replay needs a readout level");
      }
      synchronized (RemoteDevice.this) {
        requireSamplesIntact("replay");
        StepReadouts rs = call(Request.newBuilder().setReplaySample(SampleReplay.newBuilder()
            .setSlot(slot).setReadout(WireMapping.toProto(readout))), true).getReadouts();
        List<StepResult> out = new ArrayList<>(rs.getReadoutsCount());
        for (int i = 0; i < rs.getReadoutsCount(); i++) {
          out.add(WireMapping.fromProto(rs.getReadouts(i), readout));
        }
        return out;
      }
    }

    private void requireSamplesIntact(String call) {
      checkOpen();
      ensureConnected(); // a restart shows on connecting
      if (samplesLost) {
        throw new IllegalStateException(name + ": device server restarted: its sample store was "
            + "lost; refusing " + call + ". Clear the store (SampleStore.clear) and put the "
            + "samples again");
      }
    }
  }

  /** The server device's learning engine; its optimizer state lives on the server. */
  private final class RemoteLearning implements OnChipLearning {
    /**
     * Switches the engine on (afresh: after a server restart this is the deliberate new start
     * that clears {@link LearningStateLostException}). A reconnect to a restarted server replays
     * configuration and weights, not learning.
     */
    @Override
    public void enable(TargetState config) {
      if (config == null) {
        throw new IllegalArgumentException("enableLearning needs a learning configuration");
      }
      synchronized (RemoteDevice.this) {
        var proto = WireMapping.toProto(config);
        call(Request.newBuilder().setEnableTargetLearning(proto), false);
        learning = proto;
        learningLost = false;
      }
    }

    @Override
    public void disable() {
      synchronized (RemoteDevice.this) {
        call(Request.newBuilder().setDisableLearning(Empty.getDefaultInstance()), false);
        learning = null;
      }
    }

    /** The server engine's state (one round trip carrying the target's image). */
    @Override
    public TargetState state() {
      synchronized (RemoteDevice.this) {
        return WireMapping.fromProto(call(Request.newBuilder()
            .setGetLearningState(Empty.getDefaultInstance()), false).getPayload());
      }
    }

    /**
     * Puts {@code state} into the server's engine. After a server restart lost the engine's
     * state, the engine is first switched on again with the configuration last enabled (the
     * caller has written the weights back before, as {@link OnChipLearning#restore} asks), and
     * the refusals end once the state is in.
     */
    @Override
    public void restore(TargetState state) {
      if (state == null) {
        throw new IllegalArgumentException("restoreLearningState needs a state");
      }
      synchronized (RemoteDevice.this) {
        if (learningLost) {
          call(Request.newBuilder().setEnableTargetLearning(learning), false);
        }
        call(Request.newBuilder().setRestoreLearningState(WireMapping.toProto(state)), false);
        learningLost = false;
      }
    }
  }

  @Override
  public synchronized void reset() {
    call(Request.newBuilder().setReset(Empty.getDefaultInstance()), false);
  }

  @Override
  public synchronized TargetState state() {
    return WireMapping.fromProto(
        call(Request.newBuilder().setGetState(Empty.getDefaultInstance()), false).getPayload());
  }

  @Override
  public synchronized void restore(TargetState state) {
    if (state == null) {
      throw new IllegalArgumentException("restore needs a state");
    }
    call(Request.newBuilder().setRestoreState(WireMapping.toProto(state)), false);
  }

  @Override
  public synchronized Telemetry telemetry() {
    return WireMapping.fromProto(
        call(Request.newBuilder().setGetTelemetry(Empty.getDefaultInstance()), false).getTelemetry());
  }

  /** Ends the session (the server's device stays as it is for the next client). */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (channel != null && channel.isActive()) {
      long id = nextId++;
      CompletableFuture<Response> f = handler.expect(id);
      channel.writeAndFlush(Request.newBuilder().setId(id).setClose(Empty.getDefaultInstance()).build());
      try {
        f.get(Math.min(1000, options.requestTimeout().toMillis()), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException | TimeoutException e) {
        // Closing anyway: the server releases the device when the connection ends.
      }
    }
    dropConnection();
    shutdownGroup();
  }

  @Override
  public String toString() {
    return "RemoteDevice[" + name + "]";
  }

  // ---- requests --------------------------------------------------------------------------

  private record InFlight(long id, int steps, CompletableFuture<Response> reply, long sentNanos) {}

  private void collect(InFlight f, ReadoutLevel readout, List<StepResult> out) {
    Response r = await(f.reply, f.id, "step", f.sentNanos, true);
    StepReadouts rs = r.getReadouts();
    if (rs.getReadoutsCount() != f.steps) {
      throw new DeviceUnavailableException(name + ": expected " + f.steps + " readouts, got "
          + rs.getReadoutsCount());
    }
    for (int i = 0; i < f.steps; i++) {
      out.add(WireMapping.fromProto(rs.getReadouts(i), readout));
    }
  }

  /** One round trip; an {@code Error} reply becomes the contract exception it stands for. */
  private Response call(Request.Builder body, boolean step) {
    checkOpen();
    ensureConnected();
    requireLearningIntact(body.getBodyCase());
    long id = nextId++;
    Request req = body.setId(id).build();
    checkFrameSize(req);
    CompletableFuture<Response> f = handler.expect(id);
    long sent = System.nanoTime();
    channel.writeAndFlush(req, channel.voidPromise());
    return await(f, id, req.getBodyCase().name().toLowerCase(), sent, step);
  }

  private Response await(CompletableFuture<Response> f, long id, String what, long sentNanos,
                         boolean step) {
    Response r;
    try {
      long left = sentNanos + options.requestTimeout().toNanos() - System.nanoTime();
      r = f.get(Math.max(0, left), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      metrics.error(WireMetrics.Error.TIMEOUT);
      handler.forget(id);
      dropConnection();
      throw new DeviceUnavailableException(name + ": no reply to " + what + " (request " + id
          + ") within " + options.requestTimeout().toMillis() + " ms; connection dropped, the next"
          + " call reconnects");
    } catch (ExecutionException e) {
      metrics.error(WireMetrics.Error.DISCONNECTED);
      dropConnection();
      throw e.getCause() instanceof DeviceUnavailableException u
          ? new DeviceUnavailableException(u.getMessage() + " (during " + what + ")", u)
          : new DeviceUnavailableException(name + ": " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      handler.forget(id);
      dropConnection();
      throw new DeviceUnavailableException(name + ": interrupted waiting for " + what
          + "; connection dropped");
    }
    metrics.latency(step, System.nanoTime() - sentNanos);
    if (r.hasError()) {
      metrics.error(WireMetrics.Error.DEVICE_ERROR);
      throw WireMapping.toException(r.getError(), name);
    }
    return r;
  }

  private void checkFrameSize(Request req) {
    int size = req.getSerializedSize();
    if (size > serverMaxFrameBytes) {
      throw new IllegalArgumentException("request " + req.getBodyCase() + " of " + size
          + " bytes exceeds the server's frame limit of " + serverMaxFrameBytes + " bytes");
    }
  }

  /**
   * Refuses what would learn on, or read what was learned, on a server that lost the learning
   * state: checked after connecting, since the connect is where a restart shows.
   */
  private void requireLearningIntact(Request.BodyCase call) {
    if (!learningLost) {
      return;
    }
    switch (call) {
      case STEP, READ_WEIGHTS, GET_LEARNING_STATE, DISABLE_LEARNING -> throw
          new LearningStateLostException(name + ": device server restarted: its learning state "
              + "was lost (the weights it learned too); refusing "
              + call.name().toLowerCase(Locale.ROOT) + ". Write the weights back and restore the learning state from a checkpoint "
              + "(OnChipLearning.restore), or start learning afresh (OnChipLearning.enable)");
      default -> { }
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("device " + name + " is closed");
    }
  }

  // ---- connection ------------------------------------------------------------------------

  private void ensureConnected() {
    if (channel == null || !channel.isActive() || handler.lostReason() != null) {
      String lost = handler == null ? null : handler.lostReason();
      dropConnection();
      try {
        connectNow();
      } catch (DeviceUnavailableException e) {
        throw lost == null ? e : new DeviceUnavailableException(e.getMessage()
            + " (the previous connection ended: " + lost + ")", e);
      }
    }
  }

  private void connectNow() {
    ClientHandler h = new ClientHandler(name, metrics);
    Bootstrap b = new Bootstrap().group(group).channel(NioSocketChannel.class)
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) options.connectTimeout().toMillis())
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ChannelPipeline p = ch.pipeline();
            if (options.tls() != null) {
              p.addLast("tls", options.tls().newHandler(ch.alloc(), options.host(), options.port()));
            }
            p.addLast("decoder", new ProtoFrameDecoder<>(Response.parser(), options.maxFrameBytes(),
                metrics));
            p.addLast("encoder", new ProtoFrameEncoder(metrics));
            p.addLast("client", h);
          }
        });
    ChannelFuture cf = b.connect(options.host(), options.port()).awaitUninterruptibly();
    if (!cf.isSuccess()) {
      metrics.error(WireMetrics.Error.DISCONNECTED);
      throw new DeviceUnavailableException("cannot reach device server " + name + ": "
          + cf.cause().getMessage(), cf.cause());
    }
    channel = cf.channel();
    handler = h;
    serverMaxFrameBytes = 64;
    HelloReply hello;
    try {
      long id = nextId++;
      CompletableFuture<Response> f = h.expect(id);
      long sent = System.nanoTime();
      Request req = Request.newBuilder().setId(id).setHello(Hello.newBuilder()
          .setProtocolVersion(DeviceInfo.PROTOCOL_VERSION).setClient("spikeloop RemoteDevice")
          .setToken(options.token() == null ? "" : options.token().value())).build();
      channel.writeAndFlush(req, channel.voidPromise());
      Response r = awaitHandshake(f, id, sent);
      hello = r.getHello();
    } catch (RuntimeException e) {
      metrics.error(WireMetrics.Error.REFUSED);
      dropConnection();
      throw e;
    }
    if (hello.getProtocolVersion() != DeviceInfo.PROTOCOL_VERSION) {
      dropConnection();
      metrics.error(WireMetrics.Error.REFUSED);
      throw new DeviceUnavailableException(name + ": the server speaks spikeloop.v1 protocol version "
          + hello.getProtocolVersion() + ", this client " + DeviceInfo.PROTOCOL_VERSION);
    }
    serverMaxFrameBytes = hello.getMaxFrameBytes();
    DeviceInfo served = WireMapping.fromProto(hello.getDevice());
    info = served.withName(name);
    boolean restarted = serverInstance != 0 && serverInstance != hello.getServerInstance();
    if (restarted && learning != null) {
      learningLost = true;
    }
    if (restarted && samplesPut) {
      samplesLost = true;
    }
    if (restarted && lastConfigure != null) {
      replay();
    } else {
      refreshConfig();
    }
    // Only now: a replay cut short by another fault must run again on the next connect, or the
    // new server would keep a configuration with half its weights.
    serverInstance = hello.getServerInstance();
  }

  private Response awaitHandshake(CompletableFuture<Response> f, long id, long sent) {
    try {
      Response r = await(f, id, "hello", sent, false);
      if (!r.hasHello()) {
        throw new DeviceUnavailableException(name + ": the server answered Hello with "
            + r.getBodyCase());
      }
      return r;
    } catch (DeviceUnavailableException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new DeviceUnavailableException(name + ": handshake refused: " + e.getMessage(), e);
    }
  }

  /** After a server restart: the configuration and the tensors written since, in order. */
  private void replay() {
    call(Request.newBuilder().setConfigureNetwork(lastConfigure), false);
    config = network(lastConfigure);
    for (WeightBlocks w : written.values()) {
      call(Request.newBuilder().setWriteWeights(w), false);
    }
  }

  private void refreshConfig() {
    try {
      config = network(
          call(Request.newBuilder().setGetConfig(Empty.getDefaultInstance()), false).getPayload());
    } catch (IllegalStateException notConfigured) {
      config = null;
    }
  }

  /** A network payload read by its target's codec. */
  private static TargetNetwork network(TargetPayload p) {
    TargetState s = WireMapping.fromProto(p);
    return Targets.byId(s.targetId()).decodeNetwork(s);
  }

  private void dropConnection() {
    if (channel != null) {
      channel.close().awaitUninterruptibly(options.connectTimeout().toMillis());
      channel = null;
    }
  }

  private void shutdownGroup() {
    metrics.close();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2, TimeUnit.SECONDS);
  }
}
