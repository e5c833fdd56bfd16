package io.spikeloop.remote;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.netty.handler.ssl.SslContext;
import java.time.Duration;

/**
 * How a {@link RemoteDevice} reaches its server.
 *
 * @param host           server host name or address
 * @param port           server port
 * @param token          shared token for the Hello, or null
 * @param tls            client TLS context, or null for plain TCP
 * @param connectTimeout for the TCP connect and the handshake
 * @param requestTimeout for every reply; a request without a reply in time fails with
 *                       {@link io.spikeloop.device.DeviceUnavailableException} and the
 *                       connection is dropped (the next call reconnects)
 * @param window         most time steps in flight when streaming ({@code run})
 * @param batchSteps     time steps per request frame when streaming
 * @param maxFrameBytes  largest reply payload accepted
 * @param registry       where the client's wire metrics go
 */
public record RemoteOptions(String host, int port, SharedToken token, SslContext tls,
                            Duration connectTimeout, Duration requestTimeout, int window,
                            int batchSteps, int maxFrameBytes, MeterRegistry registry) {
  public RemoteOptions {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("no server host given");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port must be in [1, 65535], got " + port);
    }
    positive("connect timeout", connectTimeout);
    positive("request timeout", requestTimeout);
    if (window < 1) {
      throw new IllegalArgumentException("window must be at least 1 step, got " + window);
    }
    if (batchSteps < 1 || batchSteps > window) {
      throw new IllegalArgumentException("batch steps must be in [1, window " + window + "], got "
          + batchSteps);
    }
    if (maxFrameBytes < 64) {
      throw new IllegalArgumentException("max frame bytes must be at least 64, got " + maxFrameBytes);
    }
    if (registry == null) {
      registry = Metrics.globalRegistry;
    }
  }

  /** Plain TCP, no token, 5 s connect, 10 s per request, a window of 1024 steps in frames of 64. */
  public static RemoteOptions of(String host, int port) {
    return new RemoteOptions(host, port, null, null, Duration.ofSeconds(5), Duration.ofSeconds(10),
        1024, 64, ServerOptions.DEFAULT_MAX_FRAME_BYTES, Metrics.globalRegistry);
  }

  public RemoteOptions withToken(SharedToken t) {
    return new RemoteOptions(host, port, t, tls, connectTimeout, requestTimeout, window,
        batchSteps, maxFrameBytes, registry);
  }

  public RemoteOptions withTls(SslContext t) {
    return new RemoteOptions(host, port, token, t, connectTimeout, requestTimeout, window,
        batchSteps, maxFrameBytes, registry);
  }

  public RemoteOptions withRequestTimeout(Duration d) {
    return new RemoteOptions(host, port, token, tls, connectTimeout, d, window, batchSteps,
        maxFrameBytes, registry);
  }

  public RemoteOptions withConnectTimeout(Duration d) {
    return new RemoteOptions(host, port, token, tls, d, requestTimeout, window, batchSteps,
        maxFrameBytes, registry);
  }

  public RemoteOptions withWindow(int w, int batch) {
    return new RemoteOptions(host, port, token, tls, connectTimeout, requestTimeout, w, batch,
        maxFrameBytes, registry);
  }

  public RemoteOptions withRegistry(MeterRegistry r) {
    return new RemoteOptions(host, port, token, tls, connectTimeout, requestTimeout, window,
        batchSteps, maxFrameBytes, r);
  }

  /** The device name these options open: {@code remote://host:port}. */
  public String name() {
    return "remote://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }

  private static void positive(String what, Duration d) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(what + " must be positive, got " + d);
    }
  }
}
