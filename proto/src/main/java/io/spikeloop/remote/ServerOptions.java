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
 * @param maxFrameBytes    largest request payload accepted; larger ones are refused and the
 *                         connection closed
 * @param token            shared secret clients must present, or null (loopback only)
 * @param tls              server TLS context, or null for plain TCP
 * @param handshakeTimeout a connection that sends no Hello within this is closed
 * @param registry         where the server's wire metrics go
 */
public record ServerOptions(InetAddress bind, int port, int maxFrameBytes, SharedToken token,
                            SslContext tls, Duration handshakeTimeout, MeterRegistry registry) {
  /** 64 MiB: the largest weight tensor of a maximal core fits with room to spare. */
  public static final int DEFAULT_MAX_FRAME_BYTES = 64 << 20;

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
  }

  /** Loopback, the given port, no token, no TLS, default limits, the global registry. */
  public static ServerOptions loopback(int port) {
    return new ServerOptions(InetAddress.getLoopbackAddress(), port, DEFAULT_MAX_FRAME_BYTES, null,
        null, Duration.ofSeconds(10), Metrics.globalRegistry);
  }

  public ServerOptions withToken(SharedToken t) {
    return new ServerOptions(bind, port, maxFrameBytes, t, tls, handshakeTimeout, registry);
  }

  public ServerOptions withTls(SslContext t) {
    return new ServerOptions(bind, port, maxFrameBytes, token, t, handshakeTimeout, registry);
  }

  public ServerOptions withMaxFrameBytes(int m) {
    return new ServerOptions(bind, port, m, token, tls, handshakeTimeout, registry);
  }

  public ServerOptions withRegistry(MeterRegistry r) {
    return new ServerOptions(bind, port, maxFrameBytes, token, tls, handshakeTimeout, r);
  }

  public ServerOptions withHandshakeTimeout(Duration d) {
    return new ServerOptions(bind, port, maxFrameBytes, token, tls, d, registry);
  }

  public ServerOptions withBind(InetAddress b) {
    return new ServerOptions(b, port, maxFrameBytes, token, tls, handshakeTimeout, registry);
  }
}
