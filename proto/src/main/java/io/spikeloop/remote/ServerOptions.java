package io.spikeloop.remote;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.netty.handler.ssl.SslContext;
import java.net.InetAddress;
import java.time.Duration;

/**
 * How a {@link DeviceServer} listens.
 *
 * @param bind             address to bind; beyond loopback a token is required
 * @param port             TCP port (0 = any free port)
 * @param maxFrameBytes    largest request payload accepted once Hello is accepted; larger ones
 *                         are refused and the connection closed
 * @param token            shared secret clients must present, or null (loopback only)
 * @param tls              server TLS context, or null for plain TCP
 * @param handshakeTimeout a connection that sends no Hello within this is closed
 * @param registry         where the server's wire metrics go
 * @param limits           what a connection may cost the server before and after its Hello
 */
public record ServerOptions(InetAddress bind, int port, int maxFrameBytes, SharedToken token,
                            SslContext tls, Duration handshakeTimeout, MeterRegistry registry,
                            Limits limits) {
  /** 64 MiB: the largest weight tensor of a maximal core fits with room to spare. */
  public static final int DEFAULT_MAX_FRAME_BYTES = 64 << 20;

  /**
   * What one connection, or all that have not yet said Hello, may make the server hold or do.
   * Every number bounds memory a client could otherwise make the server allocate.
   *
   * @param helloFrameBytes       largest frame accepted before Hello is accepted (a Hello is a
   *                              few hundred bytes); larger ones are refused, the connection closed
   * @param maxWaitingConnections connections that may wait for their Hello at once; more are
   *                              refused with {@code UNAVAILABLE} and closed
   * @param maxWaitingBytes       bytes of partly received frames that connections waiting for
   *                              their Hello may hold in total; a frame that would exceed it is
   *                              refused and its connection closed
   * @param maxStepsPerBatch      most packets in one step request
   * @param maxReplyBytes         largest reply a step request may ask for (packets times the
   *                              worst-case readout at the requested level); checked before any
   *                              step runs
   * @param idleTimeout           the owner of the device that sends no request for this long is
   *                              told and disconnected, so another client can take the device
   */
  public record Limits(int helloFrameBytes, int maxWaitingConnections, long maxWaitingBytes,
                       int maxStepsPerBatch, long maxReplyBytes, Duration idleTimeout) {
    public static final int DEFAULT_HELLO_FRAME_BYTES = 64 << 10;
    public static final int DEFAULT_MAX_WAITING_CONNECTIONS = 64;
    public static final long DEFAULT_MAX_WAITING_BYTES = 1 << 20;
    public static final int DEFAULT_MAX_STEPS_PER_BATCH = 4096;
    /** The client's default largest reply frame. */
    public static final long DEFAULT_MAX_REPLY_BYTES = DEFAULT_MAX_FRAME_BYTES;
    public static final long DEFAULT_IDLE_TIMEOUT_MS = 5 * 60 * 1000;

    /** 64 KiB before Hello, 64 waiting connections sharing 1 MiB, 4096 steps and 64 MiB per
     * step reply, 5 minutes idle. */
    public static final Limits DEFAULT = new Limits(DEFAULT_HELLO_FRAME_BYTES,
        DEFAULT_MAX_WAITING_CONNECTIONS, DEFAULT_MAX_WAITING_BYTES, DEFAULT_MAX_STEPS_PER_BATCH,
        DEFAULT_MAX_REPLY_BYTES, Duration.ofMillis(DEFAULT_IDLE_TIMEOUT_MS));

    public Limits {
      if (helloFrameBytes < 64) {
        throw new IllegalArgumentException("Hello frame bytes must be at least 64, got "
            + helloFrameBytes);
      }
      if (maxWaitingConnections < 1) {
        throw new IllegalArgumentException("connections waiting for Hello must be at least 1, got "
            + maxWaitingConnections);
      }
      if (maxWaitingBytes < helloFrameBytes) {
        throw new IllegalArgumentException("waiting bytes (" + maxWaitingBytes + ") must hold at"
            + " least one Hello frame (" + helloFrameBytes + " bytes)");
      }
      if (maxStepsPerBatch < 1) {
        throw new IllegalArgumentException("steps per batch must be at least 1, got "
            + maxStepsPerBatch);
      }
      if (maxReplyBytes < 64) {
        throw new IllegalArgumentException("reply bytes must be at least 64, got " + maxReplyBytes);
      }
      if (idleTimeout == null || idleTimeout.isNegative() || idleTimeout.isZero()) {
        throw new IllegalArgumentException("idle timeout must be positive, got " + idleTimeout);
      }
    }

    public Limits withHelloFrameBytes(int n) {
      return new Limits(n, maxWaitingConnections, maxWaitingBytes, maxStepsPerBatch, maxReplyBytes,
          idleTimeout);
    }

    public Limits withWaiting(int connections, long pendingBytes) {
      return new Limits(helloFrameBytes, connections, pendingBytes, maxStepsPerBatch,
          maxReplyBytes, idleTimeout);
    }

    public Limits withSteps(int stepsPerBatch, long replyBytes) {
      return new Limits(helloFrameBytes, maxWaitingConnections, maxWaitingBytes, stepsPerBatch,
          replyBytes, idleTimeout);
    }

    public Limits withIdleTimeout(Duration d) {
      return new Limits(helloFrameBytes, maxWaitingConnections, maxWaitingBytes, maxStepsPerBatch,
          maxReplyBytes, d);
    }
  }

  public ServerOptions {
    if (bind == null) {
      throw new IllegalArgumentException("no bind address given");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be in [0, 65535], got " + port);
    }
    if (maxFrameBytes < 64) {
      throw new IllegalArgumentException("max frame bytes must be at least 64, got " + maxFrameBytes);
    }
    if (!bind.isLoopbackAddress() && token == null) {
      throw new IllegalArgumentException("bound to " + bind.getHostAddress() + " (beyond loopback)"
          + " the server needs a shared token: --token-file FILE or the environment variable "
          + SharedToken.ENV);
    }
    if (handshakeTimeout == null || handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
      throw new IllegalArgumentException("handshake timeout must be positive");
    }
    if (registry == null) {
      registry = Metrics.globalRegistry;
    }
    if (limits == null) {
      limits = Limits.DEFAULT;
    }
  }

  /** The largest frame accepted before Hello: the smaller of the two limits. */
  public int helloFrameLimit() {
    return Math.min(limits.helloFrameBytes(), maxFrameBytes);
  }

  /** The default {@link Limits}. */
  public ServerOptions(InetAddress bind, int port, int maxFrameBytes, SharedToken token,
                       SslContext tls, Duration handshakeTimeout, MeterRegistry registry) {
    this(bind, port, maxFrameBytes, token, tls, handshakeTimeout, registry, Limits.DEFAULT);
  }

  /** Loopback, the given port, no token, no TLS, default limits, the global registry. */
  public static ServerOptions loopback(int port) {
    return new ServerOptions(InetAddress.getLoopbackAddress(), port, DEFAULT_MAX_FRAME_BYTES, null,
        null, Duration.ofSeconds(10), Metrics.globalRegistry, Limits.DEFAULT);
  }

  public ServerOptions withToken(SharedToken t) {
    return new ServerOptions(bind, port, maxFrameBytes, t, tls, handshakeTimeout, registry, limits);
  }

  public ServerOptions withTls(SslContext t) {
    return new ServerOptions(bind, port, maxFrameBytes, token, t, handshakeTimeout, registry, limits);
  }

  public ServerOptions withMaxFrameBytes(int m) {
    return new ServerOptions(bind, port, m, token, tls, handshakeTimeout, registry, limits);
  }

  public ServerOptions withRegistry(MeterRegistry r) {
    return new ServerOptions(bind, port, maxFrameBytes, token, tls, handshakeTimeout, r, limits);
  }

  public ServerOptions withHandshakeTimeout(Duration d) {
    return new ServerOptions(bind, port, maxFrameBytes, token, tls, d, registry, limits);
  }

  public ServerOptions withBind(InetAddress b) {
    return new ServerOptions(b, port, maxFrameBytes, token, tls, handshakeTimeout, registry, limits);
  }

  public ServerOptions withLimits(Limits l) {
    return new ServerOptions(bind, port, maxFrameBytes, token, tls, handshakeTimeout, registry, l);
  }
}
