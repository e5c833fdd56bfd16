package io.spikeloop.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spikeloop.cli.SpikeloopCli;
import io.spikeloop.data.DatasetOptions;
import io.spikeloop.data.SpikeSample;
import io.spikeloop.data.SyntheticDataset;
import io.spikeloop.model.SnnConfig;
import io.spikeloop.model.SnnParameters;
import io.spikeloop.optim.OptimizerSpec;
import io.spikeloop.train.EpochMetrics;
import io.spikeloop.train.FastTrainer;
import io.spikeloop.train.SnnTrainer;
import io.spikeloop.train.TrainingMode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class LiveMetricsTest {
  private static String scrape(int port) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode());
    return r.body();
  }

  private static double value(String exposition, String name) {
    Matcher m = Pattern.compile("(?m)^" + name + "(\\{[^}]*\\})? (\\S+)$").matcher(exposition);
    assertTrue(m.find(), name + " not in:\n" + exposition);
    return Double.parseDouble(m.group(2));
  }

  @Test
  void aMeteredTrainerIsScrapedWhileItTrains() throws Exception {
    var data = SyntheticDataset.split(new DatasetOptions(null, 12, 3L));
    SnnConfig config = SnnConfig.of(700, List.of(8), true, 20, 1, 20, 20);
    SnnTrainer plain = new FastTrainer(SnnParameters.initialise(config, 3),
        TrainingMode.parse("tbptt1", 10), new OptimizerSpec.Adam(1e-3, 0.9, 0.999, 1e-8), 16);
    try (LiveMetrics live = new LiveMetrics(InetAddress.getLoopbackAddress(), 0, "run-a")) {
      SnnTrainer trainer = new MeteredTrainer(plain, live.meters());
      List<SpikeSample> batch = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        batch.add(data.train().sample(i));
      }
      double loss = trainer.train(batch).meanLoss();
      trainer.train(batch);
      String body = scrape(live.port());
      assertEquals(32, value(body, "spikeloop_train_samples_total"));
      assertEquals(2, value(body, "spikeloop_train_batch_seconds_count"));
      assertTrue(value(body, "spikeloop_train_samples_per_second") > 0);
      double lastLoss = value(body, "spikeloop_train_loss");
      assertTrue(lastLoss > 0 && lastLoss < 10 && loss > 0, "loss " + lastLoss);
      assertTrue(Double.isNaN(value(body, "spikeloop_test_accuracy")), "no epoch yet");
      // A host-float run never reports a device cost: no device gauges (rather than NaN ones).
      assertTrue(!body.contains("spikeloop_device_"), body);
      assertTrue(body.contains("spikeloop_train_samples_total{run=\"run-a\"} 32"), body);

      live.meters().epoch(new EpochMetrics(1, 2.5, 0.25, 0.375, 40, 4000, 900, 1.5));
      body = scrape(live.port());
      assertEquals(0.375, value(body, "spikeloop_test_accuracy"));
      assertEquals(0.25, value(body, "spikeloop_train_online_accuracy"));
      assertEquals(4000, value(body, "spikeloop_test_sops_per_sample"));
      assertEquals(1, value(body, "spikeloop_train_epoch"));

      live.meters().deviceCost(19000, 1.75e-6, 18000);
      body = scrape(live.port());
      assertEquals(19000, value(body, "spikeloop_device_cycles_per_sample"));
      assertEquals(1.75e-6, value(body, "spikeloop_device_joules_per_sample"));
      assertEquals(18000, value(body, "spikeloop_device_learning_cycles_per_sample"));

      // Meters recorded in the global registry (as the remote device client does) show too.
      io.micrometer.core.instrument.Metrics.counter("spikeloop.live.probe").increment(3);
      body = scrape(live.port());
      assertEquals(3, value(body, "spikeloop_live_probe_total"));
      assertTrue(body.contains("spikeloop_live_probe_total{run=\"run-a\"}"), "labelled too");
    }
  }

  @Test
  void twoRunsOnOnePortAreToldApartByTheirRunLabel() throws Exception {
    int port;
    String first;
    try (LiveMetrics a = new LiveMetrics(InetAddress.getLoopbackAddress(), 0, "mnist-1")) {
      a.meters().batch(4, 1, 2.0, 1_000_000);
      port = a.port();
      first = scrape(port);
    }
    try (LiveMetrics b = new LiveMetrics(InetAddress.getLoopbackAddress(), port, "mnist-2")) {
      b.meters().batch(4, 3, 1.0, 1_000_000);
      String second = scrape(port);
      assertTrue(first.contains("spikeloop_train_batch_accuracy{run=\"mnist-1\"} 0.25"), first);
      assertTrue(second.contains("spikeloop_train_batch_accuracy{run=\"mnist-2\"} 0.75"), second);
      assertTrue(!second.contains("mnist-1"), second);
    }
    assertEquals("mnist-1", LiveMetrics.runLabel(java.nio.file.Path.of("runs", "mnist-1"),
        java.time.Instant.EPOCH));
    assertEquals("train-19700101T000000Z", LiveMetrics.runLabel(null, java.time.Instant.EPOCH));
    assertThrows(IllegalArgumentException.class,
        () -> new LiveMetrics(InetAddress.getLoopbackAddress(), 0, " "));
  }

  @Test
  void trainServesMetricsOnlyWhileItRuns() throws Exception {
    CommandLine cl = SpikeloopCli.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    assertEquals(0, cl.execute("train", "--hidden", "8", "--steps", "12", "--epochs", "1",
        "--batch", "100", "--metrics-port", "0", "--json"), err.toString());
    Matcher m = Pattern.compile("metrics at http://127.0.0.1:(\\d+)/metrics \\(label run=\"train-")
        .matcher(out.toString());
    assertTrue(m.find(), out.toString());
    int port = Integer.parseInt(m.group(1));
    assertThrows(ConnectException.class, () -> scrape(port), "closed after training");
  }
}
