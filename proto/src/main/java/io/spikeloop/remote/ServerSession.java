package io.spikeloop.remote;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.util.concurrent.ScheduledFuture;
import io.spikeloop.device.Capability;
import io.spikeloop.device.Device;
import io.spikeloop.device.DeviceInfo;
import io.spikeloop.device.OnChipLearning;
import io.spikeloop.device.ReadoutLevel;
import io.spikeloop.device.SampleStore;
import io.spikeloop.device.StepResult;
import io.spikeloop.device.UnsupportedCapabilityException;
import io.spikeloop.target.TargetNetwork;
import io.spikeloop.target.TargetState;
import io.spikeloop.target.Targets;
import io.spikeloop.wire.WireMapping;
import io.spikeloop.wire.v1.Empty;
import io.spikeloop.wire.v1.Error;
import io.spikeloop.wire.v1.Hello;
import io.spikeloop.wire.v1.HelloReply;
import io.spikeloop.wire.v1.Request;
import io.spikeloop.wire.v1.Response;
import io.spikeloop.wire.v1.SampleEntry;
import io.spikeloop.wire.v1.SampleList;
import io.spikeloop.wire.v1.SampleReplay;
import io.spikeloop.wire.v1.SampleSlot;
import io.spikeloop.wire.v1.SpikePacket;
import io.spikeloop.wire.v1.StepBatch;
import io.spikeloop.wire.v1.StepReadouts;
import io.spikeloop.wire.v1.TargetPayload;
import io.spikeloop.wire.v1.WeightBlock;
import io.spikeloop.wire.v1.WeightBlocks;
import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * One client connection: the Hello handshake (version, token, ownership of the device), then
 * requests executed on the device in order, each answered by a response with the same id. Device
 * exceptions become {@code Error} replies; the connection stays usable after them.
 *
 * <p>Until its Hello is accepted a connection counts against the server's {@link PreHelloBudget}
 * (its frames are small and share one byte budget). Once it owns the device, it keeps it only
 * while it sends requests: after {@link ServerOptions.Limits#idleTimeout()} without one the
 * session is told and closed, and the device is free for the next client.
 */
final class ServerSession extends ChannelInboundHandlerAdapter {
  private static final System.Logger LOG = System.getLogger(ServerSession.class.getName());

  private final DeviceServer server;
  private final WireMetrics metrics;
  private boolean greeted;
  /** True while this connection holds a place among those waiting for their Hello. */
  private boolean waitingForHello;
  private ScheduledFuture<?> handshakeTimer;
  private ScheduledFuture<?> idleTimer;
  /** When the owner's last request finished executing (System.nanoTime). */
  private long lastActivityNanos;

  ServerSession(DeviceServer server) {
    this.server = server;
    this.metrics = server.metrics();
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    server.register(ctx.channel());
    if (!server.preHello().admit()) {
      metrics.error(WireMetrics.Error.REFUSED);
      String why = "too many connections are waiting for their Hello (the server's limit is "
          + server.preHello().maxConnections() + "); try again later";
      LOG.log(System.Logger.Level.INFO, "refusing connection from {0}: {1}",
          ctx.channel().remoteAddress(), why);
      if (server.options().tls() != null) {
        ctx.close(); // a reply would wait for a TLS handshake that holds the connection open
      } else {
        refuseAndClose(ctx, 0, Error.Code.UNAVAILABLE, why);
      }
      return;
    }
    waitingForHello = true;
    handshakeTimer = ctx.executor().schedule(() -> {
      if (!greeted) {
        metrics.error(WireMetrics.Error.REFUSED);
        ctx.close();
      }
    }, server.options().handshakeTimeout().toNanos(), TimeUnit.NANOSECONDS);
    ctx.fireChannelActive();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (handshakeTimer != null) {
      handshakeTimer.cancel(false);
    }
    if (idleTimer != null) {
      idleTimer.cancel(false);
    }
    leaveWaiting();
    server.release(ctx.channel());
    ctx.fireChannelInactive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof FrameFault fault) {
      onFault(ctx, fault);
    } else if (msg instanceof Request req) {
      if (!greeted) {
        if (waitingForHello) {
          handshake(ctx, req);
        }
      } else {
        Response response = execute(ctx, req);
        lastActivityNanos = System.nanoTime();
        if (response != null) {
          ctx.write(response);
        }
        if (!ctx.channel().isWritable()) {
          // The client is not reading its replies: stop reading its requests until it does.
          ctx.channel().config().setAutoRead(false);
        }
      }
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    ctx.flush();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (ctx.channel().isWritable()) {
      ctx.channel().config().setAutoRead(true);
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof DecoderException) {
      // E.g. plain bytes sent to a TLS server. The message may quote the peer's bytes (a token,
      // perhaps), so only the exception's type is logged.
      metrics.fault(FrameFault.Kind.MALFORMED);
      LOG.log(System.Logger.Level.INFO, "closing connection from {0}: undecodable input ({1})",
          ctx.channel().remoteAddress(), rootType(cause));
    } else if (!(cause instanceof IOException)) {
      LOG.log(System.Logger.Level.WARNING, "closing connection from {0}: {1}",
          ctx.channel().remoteAddress(), rootType(cause));
    }
    ctx.close();
  }

  private static String rootType(Throwable t) {
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getClass().getSimpleName();
  }

  /** Called on the channel's event loop when the server shuts down. */
  static void shutDown(Channel ch) {
    if (ch.isActive()) {
      ch.writeAndFlush(Response.newBuilder().setError(Error.newBuilder()
              .setCode(Error.Code.UNAVAILABLE).setMessage("the device server is shutting down"))
              .build())
          .addListener(ChannelFutureListener.CLOSE);
    }
  }

  private void onFault(ChannelHandlerContext ctx, FrameFault fault) {
    switch (fault.kind()) {
      case OVERSIZED -> refuseAndClose(ctx, 0, Error.Code.FRAME_TOO_LARGE, fault.detail());
      case OVER_BUDGET -> {
        metrics.error(WireMetrics.Error.REFUSED);
        refuseAndClose(ctx, 0, Error.Code.UNAVAILABLE, fault.detail());
      }
      case MALFORMED -> {
        if (greeted) {
          ctx.write(error(0, Error.Code.BAD_REQUEST, fault.detail()));
        } else {
          refuseAndClose(ctx, 0, Error.Code.BAD_REQUEST, fault.detail());
        }
      }
      case TRUNCATED -> ctx.close();
    }
  }

  private void handshake(ChannelHandlerContext ctx, Request req) {
    if (!req.hasHello()) {
      metrics.error(WireMetrics.Error.REFUSED);
      refuseAndClose(ctx, req.getId(), Error.Code.BAD_REQUEST,
          "the first request must be Hello, got " + req.getBodyCase());
      return;
    }
    Hello hello = req.getHello();
    if (hello.getProtocolVersion() != DeviceInfo.PROTOCOL_VERSION) {
      metrics.error(WireMetrics.Error.REFUSED);
      refuseAndClose(ctx, req.getId(), Error.Code.VERSION_MISMATCH, "this server speaks spikeloop.v1"
          + " protocol version " + DeviceInfo.PROTOCOL_VERSION + ", the client "
          + hello.getProtocolVersion());
      return;
    }
    SharedToken token = server.options().token();
    if (token != null && !token.matches(hello.getToken())) {
      metrics.error(WireMetrics.Error.REFUSED);
      refuseAndClose(ctx, req.getId(), Error.Code.UNAUTHENTICATED, hello.getToken().isEmpty()
          ? "this server requires a shared token (client: environment variable "
              + SharedToken.ENV + " or " + SharedToken.ENV_FILE + ")"
          : "the shared token does not match the server's");
      return;
    }
    if (server.closing()) {
      refuseAndClose(ctx, req.getId(), Error.Code.UNAVAILABLE, "the device server is shutting down");
      return;
    }
    String busyWith = server.acquire(ctx.channel());
    if (busyWith != null) {
      metrics.error(WireMetrics.Error.REFUSED);
      refuseAndClose(ctx, req.getId(), Error.Code.BUSY, "device " + server.info().name()
          + " is in use by the client at " + busyWith + "; this server serves one client at a time");
      return;
    }
    greeted = true;
    handshakeTimer.cancel(false);
    leaveWaiting();
    ((ProtoFrameDecoder<?>) ctx.pipeline().get("decoder")).helloAccepted(
        server.options().maxFrameBytes());
    lastActivityNanos = System.nanoTime();
    scheduleIdleCheck(ctx, server.options().limits().idleTimeout().toNanos());
    LOG.log(System.Logger.Level.INFO, "client {0} ({1}) connected", ctx.channel().remoteAddress(),
        hello.getClient());
    ctx.write(Response.newBuilder().setId(req.getId()).setHello(HelloReply.newBuilder()
        .setProtocolVersion(DeviceInfo.PROTOCOL_VERSION).setDevice(WireMapping.toProto(server.info()))
        .setServerInstance(server.instance()).setMaxFrameBytes(server.options().maxFrameBytes()))
        .build());
  }

  private void leaveWaiting() {
    if (waitingForHello) {
      waitingForHello = false;
      server.preHello().leave();
    }
  }

  private void scheduleIdleCheck(ChannelHandlerContext ctx, long delayNanos) {
    idleTimer = ctx.executor().schedule(() -> idleCheck(ctx), delayNanos, TimeUnit.NANOSECONDS);
  }

  /** Runs on the event loop, so never during a request: only the gaps between requests count. */
  private void idleCheck(ChannelHandlerContext ctx) {
    if (!greeted || !ctx.channel().isActive()) {
      return;
    }
    long timeout = server.options().limits().idleTimeout().toNanos();
    long idle = System.nanoTime() - lastActivityNanos;
    if (idle < timeout) {
      scheduleIdleCheck(ctx, timeout - idle);
      return;
    }
    metrics.error(WireMetrics.Error.TIMEOUT);
    greeted = false;
    server.release(ctx.channel());
    String why = "no request for " + server.options().limits().idleTimeout().toMillis()
        + " ms (the server's idle timeout): session closed and device " + server.info().name()
        + " released; reconnect to continue";
    LOG.log(System.Logger.Level.INFO, "closing idle session of {0}: {1}",
        ctx.channel().remoteAddress(), why);
    refuseAndClose(ctx, 0, Error.Code.UNAVAILABLE, why);
  }

  private Response execute(ChannelHandlerContext ctx, Request req) {
    long id = req.getId();
    Device device = server.device();
    long start = System.nanoTime();
    boolean step = req.getBodyCase() == Request.BodyCase.STEP;
    Response.Builder r = Response.newBuilder().setId(id);
    try {
      switch (req.getBodyCase()) {
        case STEP -> r.setReadouts(step(device, req.getStep(), server.options().limits()));
        case CONFIGURE_NETWORK -> {
          device.configure(network(req.getConfigureNetwork()));
          r.setOk(Empty.getDefaultInstance());
        }
        case WRITE_WEIGHTS -> {
          writeWeights(device, req.getWriteWeights());
          r.setOk(Empty.getDefaultInstance());
        }
        case READ_WEIGHTS -> {
          String name = req.getReadWeights().getTensor();
          int[] values = device.readWeights(name);
          var t = device.config().tensor(name);
          r.setWeights(WeightBlocks.newBuilder()
              .addBlocks(WireMapping.toBlock(name, t.rows(), t.cols(), values)));
        }
        case RESET -> {
          device.reset();
          r.setOk(Empty.getDefaultInstance());
        }
        case GET_STATE -> r.setPayload(WireMapping.toProto(device.state()));
        case RESTORE_STATE -> {
          device.restore(WireMapping.fromProto(req.getRestoreState()));
          r.setOk(Empty.getDefaultInstance());
        }
        case GET_TELEMETRY -> r.setTelemetry(WireMapping.toProto(device.telemetry()));
        case GET_INFO -> r.setInfo(WireMapping.toProto(server.info()));
        case GET_CONFIG -> r.setPayload(WireMapping.toProto(device.config().encode()));
        case ENABLE_TARGET_LEARNING -> {
          learning(device).enable(WireMapping.fromProto(req.getEnableTargetLearning()));
          r.setOk(Empty.getDefaultInstance());
        }
        case DISABLE_LEARNING -> {
          learning(device).disable();
          r.setOk(Empty.getDefaultInstance());
        }
        case GET_LEARNING_STATE -> r.setPayload(WireMapping.toProto(learning(device).state()));
        case RESTORE_LEARNING_STATE -> {
          learning(device).restore(WireMapping.fromProto(req.getRestoreLearningState()));
          r.setOk(Empty.getDefaultInstance());
        }
        case PUT_SAMPLE -> r.setSampleSlot(SampleSlot.newBuilder()
            .setSlot(store(device).put(req.getPutSample().getRecord().toByteArray())));
        case REMOVE_SAMPLE -> {
          store(device).remove(req.getRemoveSample().getSlot());
          r.setOk(Empty.getDefaultInstance());
        }
        case CLEAR_SAMPLES -> {
          store(device).clear();
          r.setOk(Empty.getDefaultInstance());
        }
        case LIST_SAMPLES -> r.setSampleList(sampleList(store(device)));
        case REPLAY_SAMPLE -> r.setReadouts(replay(device, req.getReplaySample(),
            server.options().limits()));
        case CLOSE -> {
          server.release(ctx.channel());
          greeted = false;
          ctx.writeAndFlush(r.setOk(Empty.getDefaultInstance()).build())
              .addListener(ChannelFutureListener.CLOSE);
          return null;
        }
        case HELLO -> throw new IllegalArgumentException("Hello was already exchanged");
        default -> throw new IllegalArgumentException("request " + id + " has an unknown body ("
            + req.getBodyCase() + "); is the client newer than this server?");
      }
    } catch (RuntimeException e) {
      metrics.error(e instanceof IllegalArgumentException
          ? WireMetrics.Error.BAD_REQUEST : WireMetrics.Error.DEVICE_ERROR);
      return Response.newBuilder().setId(id).setError(WireMapping.toError(e)).build();
    } finally {
      metrics.latency(step, System.nanoTime() - start);
    }
    return r.build();
  }

  /**
   * All or nothing: every block is checked against its tensor (name, shape, value widths) before
   * any is written, so a bad block anywhere leaves every tensor as it was.
   */
  private static void writeWeights(Device device, WeightBlocks blocks) {
    TargetNetwork config = device.config();
    int n = blocks.getBlocksCount();
    int[][] values = new int[n][];
    for (int i = 0; i < n; i++) {
      WeightBlock b = blocks.getBlocks(i);
      try {
        values[i] = WireMapping.wholeTensor(b, config.tensor(b.getTensor()));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException((n == 1 ? "" : "block " + i + " of " + n
            + " (nothing was written): ") + e.getMessage(), e);
      }
    }
    for (int i = 0; i < n; i++) {
      device.writeWeights(blocks.getBlocks(i).getTensor(), values[i]);
    }
  }

  /** Bytes of a {@code Response} around its {@code StepReadouts}: id, field tags and lengths. */
  private static final int REPLY_ENVELOPE_BYTES = 32;

  /** A network payload read by the served device's target (another target is refused there). */
  private static TargetNetwork network(TargetPayload p) {
    TargetState s = WireMapping.fromProto(p);
    return Targets.byId(s.targetId()).decodeNetwork(s);
  }

  private static OnChipLearning learning(Device device) {
    return device.extension(OnChipLearning.class).orElseThrow(() ->
        new UnsupportedCapabilityException(device.info().name(), Capability.ON_CHIP_LEARNING,
            "on-chip learning"));
  }

  private static SampleStore store(Device device) {
    return device.extension(SampleStore.class).orElseThrow(() ->
        new UnsupportedCapabilityException(device.info().name(), Capability.SAMPLE_STORE,
            "the sample store"));
  }

  private static SampleList sampleList(SampleStore store) {
    SampleList.Builder b = SampleList.newBuilder().setCapacityBytes(store.capacityBytes())
        .setUsedBytes(store.usedBytes()).setSlots(store.slots());
    for (SampleStore.Entry e : store.list()) {
      b.addEntries(SampleEntry.newBuilder().setSlot(e.slot()).setLabel(e.label())
          .setSteps(e.steps()).setEvents(e.events()).setBytes(e.bytes()));
    }
    return b.build();
  }

  /**
   * Replays a stored sample, its reply bounded as a step request's is: the sample's steps at the
   * readout level asked for must fit the server's reply limit, checked before any step runs.
   */
  private static StepReadouts replay(Device device, SampleReplay request,
                                     ServerOptions.Limits limits) {
    SampleStore store = store(device);
    ReadoutLevel level = WireMapping.fromProto(request.getReadout());
    int slot = request.getSlot();
    for (SampleStore.Entry e : store.list()) {
      if (e.slot() == slot) {
        long perStep = WireMapping.maxReadoutBytes(device.config(), level);
        long reply = REPLY_ENVELOPE_BYTES + e.steps() * perStep;
        if (reply > limits.maxReplyBytes()) {
          throw new IllegalArgumentException("the reply to replaying sample slot " + slot + " ("
              + e.steps() + " steps at " + level + " readout) could take up to " + reply
              + " bytes, above the server's limit of " + limits.maxReplyBytes()
              + " bytes; no step ran");
        }
      }
    }
    StepReadouts.Builder out = StepReadouts.newBuilder();
    for (StepResult result : store.replay(slot, level)) {
      out.addReadouts(WireMapping.toProto(result));
    }
    return out.build();
  }

  private static StepReadouts step(Device device, StepBatch batch, ServerOptions.Limits limits) {
    ReadoutLevel level = WireMapping.fromProto(batch.getReadout());
    int packets = batch.getPacketsCount();
    if (packets > limits.maxStepsPerBatch()) {
      throw new IllegalArgumentException("a step request of " + packets + " packets exceeds the"
          + " server's limit of " + limits.maxStepsPerBatch() + " per request; no step ran (send"
          + " fewer steps per request, e.g. remote://HOST:PORT?batch=N)");
    }
    if (packets > 0) {
      long perStep = WireMapping.maxReadoutBytes(device.config(), level);
      long reply = REPLY_ENVELOPE_BYTES + packets * perStep;
      if (reply > limits.maxReplyBytes()) {
        long fit = (limits.maxReplyBytes() - REPLY_ENVELOPE_BYTES) / perStep;
        throw new IllegalArgumentException("the reply to " + packets + " steps at " + level
            + " readout could take up to " + reply + " bytes, above the server's limit of "
            + limits.maxReplyBytes() + " bytes; no step ran (at most " + fit
            + " steps per request at this level)");
      }
    }
    StepReadouts.Builder out = StepReadouts.newBuilder();
    for (int i = 0; i < batch.getPacketsCount(); i++) {
      SpikePacket p = batch.getPackets(i);
      StepResult result;
      try {
        result = device.step(WireMapping.fromProto(p), level);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(batchPrefix(i, batch) + e.getMessage(), e);
      } catch (IllegalStateException e) {
        throw new IllegalStateException(batchPrefix(i, batch) + e.getMessage(), e);
      }
      out.addReadouts(WireMapping.toProto(result));
    }
    return out.build();
  }

  private static String batchPrefix(int i, StepBatch batch) {
    return batch.getPacketsCount() == 1 ? "" : "step " + i + " of a batch of "
        + batch.getPacketsCount() + " (the steps before it ran): ";
  }

  private void refuseAndClose(ChannelHandlerContext ctx, long id, Error.Code code, String message) {
    ctx.writeAndFlush(error(id, code, message)).addListener(ChannelFutureListener.CLOSE);
  }

  private static Response error(long id, Error.Code code, String message) {
    return Response.newBuilder().setId(id)
        .setError(Error.newBuilder().setCode(code).setMessage(message)).build();
  }
}
