package io.spikeloop.cli;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.spikeloop.remote.DeviceServer;
import io.spikeloop.remote.MetricsEndpoint;
import io.spikeloop.remote.ServerOptions;
import io.spikeloop.remote.SharedToken;
import io.spikeloop.remote.TlsContexts;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code spikeloop serve}: serves one device (any name Devices.open accepts) over TCP until
 * interrupted; clients open it as {@code remote://HOST:PORT}.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = {"Serve a device over TCP (Netty); open it elsewhere as remote://HOST:PORT.",
        "One client owns the device at a time; others are refused until it disconnects",
        "or sends no request for --idle-timeout-ms. Limits: docs/remote.md, \"Limits\".",
        "Beyond loopback a shared token is required: --token-file FILE or the environment "
            + "variable SPIKELOOP_TOKEN (or SPIKELOOP_TOKEN_FILE)."})
public final class ServeCommand implements Callable<Integer> {

  @Option(names = "--device", required = true, description = "Device to serve (sim, board:NAME, ...).")
  String device;

  @Option(names = "--port", defaultValue = "7000", description = "TCP port (0 = any free). Default: ${DEFAULT-VALUE}.")
  int port;

  @Option(names = "--bind", defaultValue = "127.0.0.1",
      description = "Address to listen on. Default: ${DEFAULT-VALUE} (loopback only).")
  String bind;

  @Option(names = "--token-file", description = "File whose first line is the shared token.")
  Path tokenFile;

  @Option(names = "--tls-cert", description = "PEM certificate chain: serve over TLS.")
  Path tlsCert;

  @Option(names = "--tls-key", description = "PEM PKCS#8 private key of --tls-cert.")
  Path tlsKey;

  @Option(names = "--metrics-port",
      description = "Serve Prometheus metrics at http://BIND:PORT/metrics.")
  Integer metricsPort;

  @Option(names = "--max-frame-bytes", defaultValue = "" + ServerOptions.DEFAULT_MAX_FRAME_BYTES,
      description = "Largest request frame accepted. Default: ${DEFAULT-VALUE}.")
  int maxFrameBytes;

  @Option(names = "--hello-frame-bytes",
      defaultValue = "" + ServerOptions.Limits.DEFAULT_HELLO_FRAME_BYTES,
      description = "Largest frame accepted before a connection's Hello is accepted."
          + " Default: ${DEFAULT-VALUE}.")
  int helloFrameBytes;

  @Option(names = "--max-waiting-connections",
      defaultValue = "" + ServerOptions.Limits.DEFAULT_MAX_WAITING_CONNECTIONS,
      description = "Connections that may wait for their Hello at once; more are refused."
          + " Default: ${DEFAULT-VALUE}.")
  int maxWaitingConnections;

  @Option(names = "--max-waiting-bytes",
      defaultValue = "" + ServerOptions.Limits.DEFAULT_MAX_WAITING_BYTES,
      description = "Bytes of partly received frames that connections waiting for their Hello"
          + " may hold in total. Default: ${DEFAULT-VALUE}.")
  long maxWaitingBytes;

  @Option(names = "--max-batch-steps",
      defaultValue = "" + ServerOptions.Limits.DEFAULT_MAX_STEPS_PER_BATCH,
      description = "Most steps in one step request. Default: ${DEFAULT-VALUE}.")
  int maxBatchSteps;

  @Option(names = "--max-reply-bytes",
      defaultValue = "" + ServerOptions.Limits.DEFAULT_MAX_REPLY_BYTES,
      description = "Largest reply a step request may ask for (worst case, checked before it"
          + " runs). Default: ${DEFAULT-VALUE}.")
  long maxReplyBytes;

  @Option(names = "--idle-timeout-ms",
      defaultValue = "" + ServerOptions.Limits.DEFAULT_IDLE_TIMEOUT_MS,
      description = "The client owning the device is disconnected after this long without a"
          + " request, freeing the device. Default: ${DEFAULT-VALUE}.")
  long idleTimeoutMs;

  /** The running server, for tests that stop it. */
  volatile DeviceServer running;

  /** The limits the flags give, each refused with the flag's name when out of range. */
  private ServerOptions.Limits limits() {
    requirePositive("--hello-frame-bytes", helloFrameBytes);
    requirePositive("--max-waiting-connections", maxWaitingConnections);
    requirePositive("--max-waiting-bytes", maxWaitingBytes);
    requirePositive("--max-batch-steps", maxBatchSteps);
    requirePositive("--max-reply-bytes", maxReplyBytes);
    requirePositive("--idle-timeout-ms", idleTimeoutMs);
    try {
      return new ServerOptions.Limits(helloFrameBytes, maxWaitingConnections, maxWaitingBytes,
          maxBatchSteps, maxReplyBytes, Duration.ofMillis(idleTimeoutMs));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("server limits: " + e.getMessage(), e);
    }
  }

  private static void requirePositive(String option, long value) {
    if (value <= 0) {
      throw new IllegalArgumentException(option + " must be positive, got " + value);
    }
  }

  @Override
  public Integer call() throws Exception {
    InetAddress address;
    try {
      address = InetAddress.getByName(bind);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("--bind " + bind + ": unknown host");
    }
    if ((tlsCert == null) != (tlsKey == null)) {
      throw new IllegalArgumentException("TLS needs both --tls-cert and --tls-key");
    }
    SharedToken token = tokenFile != null ? SharedToken.fromFile(tokenFile)
        : SharedToken.fromEnvironment(System.getenv());
    MeterRegistry registry = Metrics.globalRegistry;
    PrometheusMeterRegistry prometheus = null;
    if (metricsPort != null) {
      prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      registry = prometheus;
    }
    ServerOptions options = new ServerOptions(address, port, maxFrameBytes, token,
        tlsCert == null ? null : TlsContexts.server(tlsCert, tlsKey), Duration.ofSeconds(10),
        registry, limits());
    MetricsEndpoint metrics = prometheus == null ? null
        : new MetricsEndpoint(prometheus, address, metricsPort);
    try (DeviceServer server = DeviceServer.start(device, options)) {
      running = server;
      Thread hook = new Thread(server::close, "spikeloop-serve-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      System.out.println("serving " + device + " on " + address.getHostAddress() + ":"
          + server.port() + (options.tls() != null ? " (TLS)" : "")
          + (token != null ? " (token required)" : "")
          + (metrics != null ? "; metrics at http://" + address.getHostAddress() + ":"
              + metrics.port() + "/metrics" : "")
          + "; open it as remote://" + address.getHostAddress() + ":" + server.port());
      System.out.flush();
      server.awaitClose();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // The hook is what closed the server.
      }
    } finally {
      if (metrics != null) {
        metrics.close();
      }
    }
    return 0;
  }
}
