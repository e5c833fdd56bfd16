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
 */
final class ServerSession extends ChannelInboundHandlerAdapter {
  private static final System.Logger LOG = System.getLogger(ServerSession.class.getName());

  private final DeviceServer server;
  private final WireMetrics metrics;
  private boolean greeted;
  private ScheduledFuture<?> handshakeTimer;

  ServerSession(DeviceServer server) {
    this.server = server;
    this.metrics = server.metrics();
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    server.register(ctx.channel());
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
    server.release(ctx.channel());
    ctx.fireChannelInactive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof FrameFault fault) {
      onFault(ctx, fault);
    } else if (msg instanceof Request req) {
      if (!greeted) {
        handshake(ctx, req);
      } else {
        Response response = execute(ctx, req);
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
    LOG.log(System.Logger.Level.INFO, "client {0} ({1}) connected", ctx.channel().remoteAddress(),
        hello.getClient());
    ctx.write(Response.newBuilder().setId(req.getId()).setHello(HelloReply.newBuilder()
        .setProtocolVersion(DeviceInfo.PROTOCOL_VERSION).setDevice(WireMapping.toProto(server.info()))
        .setServerInstance(server.instance()).setMaxFrameBytes(server.options().maxFrameBytes()))
        .build());
  }

  private Response execute(ChannelHandlerContext ctx, Request req) {
    long id = req.getId();
    Device device = server.device();
    long start = System.nanoTime();
    boolean step = req.getBodyCase() == Request.BodyCase.STEP;
    Response.Builder r = Response.newBuilder().setId(id);
    try {
      switch (req.getBodyCase()) {
        case STEP -> r.setReadouts(step(device, req.getStep()));
        case CONFIGURE_NETWORK -> {
          device.configure(network(req.getConfigureNetwork()));
          r.setOk(Empty.getDefaultInstance());
        }
        case WRITE_WEIGHTS -> {
          for (WeightBlock b : req.getWriteWeights().getBlocksList()) {
            device.writeWeights(b.getTensor(), WireMapping.wholeTensor(b));
          }
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

  private static StepReadouts step(Device device, StepBatch batch) {
    ReadoutLevel level = WireMapping.fromProto(batch.getReadout());
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
