package io.spikeloop.remote;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.spikeloop.device.DeviceUnavailableException;
import io.spikeloop.wire.v1.Response;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The client end of one connection: matches each response to its pending request by id, and
 * fails every pending request with a {@link DeviceUnavailableException} naming the reason when
 * the connection ends, the server announces it is shutting down, or a reply frame is bad.
 */
final class ClientHandler extends ChannelInboundHandlerAdapter {
  private final String where;
  private final WireMetrics metrics;
  private final Map<Long, CompletableFuture<Response>> pending = new ConcurrentHashMap<>();
  private final Object writability = new Object();
  private volatile String lostReason;

  ClientHandler(String where, WireMetrics metrics) {
    this.where = where;
    this.metrics = metrics;
  }

  /** Registers a request before it is written; fails at once when the connection is gone. */
  CompletableFuture<Response> expect(long id) {
    CompletableFuture<Response> f = new CompletableFuture<>();
    pending.put(id, f);
    metrics.inFlight(1);
    String lost = lostReason;
    if (lost != null && pending.remove(id) != null) {
      metrics.inFlight(-1);
      f.completeExceptionally(new DeviceUnavailableException(where + ": " + lost));
    }
    return f;
  }

  /** Forgets a request that timed out (a late reply is dropped). */
  void forget(long id) {
    if (pending.remove(id) != null) {
      metrics.inFlight(-1);
    }
  }

  /** Why the connection is gone, or null while it is up. */
  String lostReason() {
    return lostReason;
  }

  /** Waits until the channel can take more writes, the connection is lost, or the deadline. */
  void awaitWritable(io.netty.channel.Channel ch, long deadlineNanos) throws InterruptedException {
    synchronized (writability) {
      while (!ch.isWritable() && lostReason == null) {
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
          return;
        }
        writability.wait(Math.max(1, left / 1_000_000));
      }
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof Response r) {
      if (r.getId() == 0 && r.hasError()) {
        // Not an answer to a request: the server speaks to the whole connection.
        lose(r.getError().getCode() + ": " + r.getError().getMessage());
        ctx.close();
        return;
      }
      CompletableFuture<Response> f = pending.remove(r.getId());
      if (f != null) {
        metrics.inFlight(-1);
        f.complete(r);
      }
    } else if (msg instanceof FrameFault fault) {
      metrics.error(WireMetrics.Error.DISCONNECTED);
      lose("bad reply from the server (" + fault.detail() + ")");
      ctx.close();
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    synchronized (writability) {
      writability.notifyAll();
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    lose("the connection was closed (server gone or stopped)");
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // Only the type: a decoder's message may quote the bytes on the wire.
    lose("connection failed: " + cause.getClass().getSimpleName()
        + (cause.getCause() != null ? " (" + cause.getCause().getClass().getSimpleName() + ")" : ""));
    ctx.close();
  }

  private void lose(String reason) {
    if (lostReason == null) {
      lostReason = reason;
    }
    for (Long id : pending.keySet()) {
      CompletableFuture<Response> f = pending.remove(id);
      if (f != null) {
        metrics.inFlight(-1);
        f.completeExceptionally(new DeviceUnavailableException(where + ": " + lostReason));
      }
    }
    synchronized (writability) {
      writability.notifyAll();
    }
  }
}
