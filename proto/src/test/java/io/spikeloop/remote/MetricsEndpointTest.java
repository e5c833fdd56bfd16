package io.spikeloop.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.spikeloop.device.ReadoutLevel;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class MetricsEndpointTest {

  @Test
  void scrapeShowsTheWireMetricsOfBothEnds() throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (DeviceServer server = DeviceServer.start(new ToyTestDevice("toy"),
            ServerOptions.loopback(0).withRegistry(registry));
         MetricsEndpoint endpoint = new MetricsEndpoint(registry, InetAddress.getLoopbackAddress(), 0);
         RemoteDevice remote = RemoteDevice.connect(RemoteOptions.of("127.0.0.1", server.port())
             .withRegistry(registry))) {
      remote.configure(TestNetworks.small());
      remote.run(TestNetworks.frames(64, 100, 0.1, 1), ReadoutLevel.OUTPUTS);
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + endpoint.port() + "/metrics"))
          .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode());
      String body = r.body();
      for (String metric : new String[] {"spikeloop_remote_frames_in_total{side=\"server\"}",
          "spikeloop_remote_bytes_out_bytes_total{side=\"client\"}",
          "spikeloop_remote_latency_seconds_count{request=\"step\",side=\"client\"}",
          "spikeloop_remote_frame_faults_total{kind=\"oversized\",side=\"server\"}",
          "spikeloop_remote_in_flight{"}) {
        assertTrue(body.contains(metric), metric + " missing from:\n" + body);
      }
      HttpResponse<String> missing = http.send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + endpoint.port() + "/other"))
          .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(404, missing.statusCode());
    }
  }
}
