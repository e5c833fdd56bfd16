package io.spikeloop.metrics;

import io.micrometer.core.instrument.Metrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.spikeloop.remote.MetricsEndpoint;
import java.net.InetAddress;

/**
 * A Prometheus registry served at {@code http://BIND:PORT/metrics} for the length of a training
 * run. The registry joins Micrometer's global registry while open, so meters that other parts
 * record there (the remote device client's latency and traffic, see docs/remote.md) are scraped
 * alongside the training meters.
 */
public final class LiveMetrics implements AutoCloseable {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final MetricsEndpoint endpoint;
  private final TrainingMeters meters;

  public LiveMetrics(InetAddress bind, int port) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("--metrics-port must be 0..65535, got " + port);
    }
    endpoint = new MetricsEndpoint(registry, bind, port);
    Metrics.addRegistry(registry);
    meters = new TrainingMeters(registry);
  }

  public TrainingMeters meters() {
    return meters;
  }

  /** The bound port (the chosen one when 0 was asked for). */
  public int port() {
    return endpoint.port();
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  @Override
  public void close() {
    Metrics.removeRegistry(registry);
    endpoint.close();
    registry.close();
  }
}
