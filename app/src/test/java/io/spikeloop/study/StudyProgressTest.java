package io.spikeloop.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StudyProgressTest {
  @TempDir
  Path dir;

  @Test
  void countsRunsAndPublishesThemAsGauges() {
    StudyProgress p = new StudyProgress(4);
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    p.bind(registry, "s1");
    assertTrue(Double.isNaN(p.etaSeconds()), "no ETA before a run ends");
    p.started();
    p.started();
    p.lost();
    p.started();
    p.finished(true);
    p.started();
    p.finished(false);
    assertEquals(2, p.done());
    assertEquals(1, p.failed());
    assertEquals(1, p.running());
    assertEquals(1, p.lostAttempts());
    assertTrue(p.etaSeconds() >= 0);
    assertTrue(p.line().startsWith("2/4 done (1 failed), 1 running, 1 lost and retried; "),
        p.line());
    String text = registry.scrape();
    assertTrue(text.contains("spikeloop_study_runs_planned{study=\"s1\"} 4.0"), text);
    assertTrue(text.contains("spikeloop_study_runs_done{study=\"s1\"} 2.0"), text);
    assertTrue(text.contains("spikeloop_study_runs_failed{study=\"s1\"} 1.0"), text);
    assertTrue(text.contains("spikeloop_study_runs_running{study=\"s1\"} 1.0"), text);
    assertTrue(text.contains("spikeloop_study_attempts_lost{study=\"s1\"} 1.0"), text);
    assertTrue(text.contains("spikeloop_study_eta_seconds{study=\"s1\"}"), text);
  }

  @Test
  void aRunningStudyIsScrapedFromItsEndpoint() throws Exception {
    StudyPlan plan = new StudyPlan("synthetic", List.of(Sweep.parse("lr=0.1,0.2,0.3")),
        List.of(1L), List.of(), false, Map.of());
    List<String> scrapes = new ArrayList<>();
    StringWriter log = new StringWriter();
    try (StudyMetrics metrics = StudyMetrics.open(0, new PrintWriter(log))) {
      // Each run scrapes the endpoint while it is in flight: what Prometheus would see.
      TrainLauncher scraping = options -> {
        URI uri = URI.create("http://127.0.0.1:" + metrics.port() + "/metrics");
        try (var in = uri.toURL().openStream()) {
          scrapes.add(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        return new ObjectMapper().createObjectNode().put("bestTestAccuracy", 0.5);
      };
      new Study(plan, "scraped").run(dir, new StudyRunner(scraping, 1), false,
          new PrintWriter(log), metrics.registry());
      assertTrue(log.toString().contains("study metrics at http://127.0.0.1:" + metrics.port()),
          log.toString());
      assertTrue(metrics.scrape().contains("spikeloop_study_runs_done{study=\""
          + dir.getFileName() + "\"} 3.0"), metrics.scrape());
    }
    assertEquals(3, scrapes.size());
    String study = "{study=\"" + dir.getFileName() + "\"}";
    assertTrue(scrapes.get(0).contains("spikeloop_study_runs_running" + study + " 1.0"),
        scrapes.get(0));
    assertTrue(scrapes.get(0).contains("spikeloop_study_runs_planned" + study + " 3.0"),
        scrapes.get(0));
    assertTrue(scrapes.get(2).contains("spikeloop_study_runs_done" + study + " 2.0"),
        scrapes.get(2));
  }
}
