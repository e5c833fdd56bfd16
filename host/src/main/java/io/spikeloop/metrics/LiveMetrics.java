package io.spikeloop.metrics;

import io.micrometer.core.instrument.Metrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.spikeloop.remote.MetricsEndpoint;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * A Prometheus registry served at {@code http://BIND:PORT/metrics} for the length of a training
 * run. The registry joins Micrometer's global registry while open, so meters that other parts
 * record there (the remote device client's latency and traffic, see docs/remote.md) are scraped
 * alongside the training meters. Every series carries the label {@code run} (the run folder's
 * name, or {@code train-} and the start time), so runs scraped by one Prometheus, one after
 * another on the same port, are told apart.
 */
public final class LiveMetrics implements AutoCloseable {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final MetricsEndpoint endpoint;
  private final TrainingMeters meters;
  private final String run;

  /** @param run the value of the {@code run} label on every series */
  public LiveMetrics(InetAddress bind, int port, String run) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("--metrics-port must be 0..65535, got " + port);
    }
    if (run == null || run.isBlank()) {
      throw new IllegalArgumentException("live metrics need a run label");
    }
    this.run = run;
    // Before any meter exists, so every series (the global registry's too) gets the label.
    registry.config().commonTags("run", run);
    endpoint = new MetricsEndpoint(registry, bind, port);
    Metrics.addRegistry(registry);
    meters = new TrainingMeters(registry);
  }

  /**
   * The run label of a training run: the name of its run folder, or {@code train-} and the start
   * time in UTC ({@code train-20261204T151930Z}) when it writes none.
   */
  public static String runLabel(Path runFolder, Instant start) {
    if (runFolder != null && runFolder.toAbsolutePath().normalize().getFileName() != null) {
      return runFolder.toAbsolutePath().normalize().getFileName().toString();
    }
    return "train-" + DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
        .withZone(ZoneOffset.UTC).format(start);
  }

  public String run() {
    return run;
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
