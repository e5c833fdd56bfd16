package io.spikeloop.study;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.spikeloop.remote.MetricsEndpoint;
import java.io.PrintWriter;
import java.net.InetAddress;

/**
 * {@code study --metrics-port P}: a Prometheus registry served at {@code
 * http://127.0.0.1:P/metrics} (the endpoint train and serve use) for the length of a study; the
 * study binds its {@link StudyProgress} gauges to it. Without a port it holds nothing.
 */
public final class StudyMetrics implements AutoCloseable {
  private final PrometheusMeterRegistry registry;
  private final MetricsEndpoint endpoint;

  private StudyMetrics(PrometheusMeterRegistry registry, MetricsEndpoint endpoint) {
    this.registry = registry;
    this.endpoint = endpoint;
  }

  /** Serves on {@code port} (0: a free one), printing the address; null: no metrics. */
  public static StudyMetrics open(Integer port, PrintWriter log) {
    if (port == null) {
      return new StudyMetrics(null, null);
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("--metrics-port must be 0..65535, got " + port);
    }
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    MetricsEndpoint endpoint = new MetricsEndpoint(registry, InetAddress.getLoopbackAddress(),
        port);
    log.printf("study metrics at http://127.0.0.1:%d/metrics%n", endpoint.port());
    log.flush();
    return new StudyMetrics(registry, endpoint);
  }

  /** The registry, or null without a port. */
  public MeterRegistry registry() {
    return registry;
  }

  /** The bound port, or -1 without one. */
  public int port() {
    return endpoint == null ? -1 : endpoint.port();
  }

  /** The Prometheus text now (empty without a port). */
  public String scrape() {
    return registry == null ? "" : registry.scrape();
  }

  @Override
  public void close() {
    if (endpoint != null) {
      endpoint.close();
      registry.close();
    }
  }
}
