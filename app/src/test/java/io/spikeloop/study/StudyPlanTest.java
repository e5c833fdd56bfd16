package io.spikeloop.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StudyPlanTest {

  private static StudyPlan plan(List<Sweep> sweeps, List<String> extra, boolean runBaseline,
                                Map<String, String> selector) {
    return new StudyPlan("synthetic", sweeps, List.of(1L, 2L), extra, runBaseline, selector);
  }

  @Test
  void theGridIsEveryCombinationLastSweepFastest() {
    StudyPlan p = plan(List.of(Sweep.parse("lr=1e-4,1e-3"), Sweep.parse("model=ff,rsnn,ff2")),
        List.of("--epochs", "1"), false, Map.of());
    List<StudyConfig> configs = p.configurations();
    assertEquals(6, configs.size());
    assertEquals("lr=1e-4 model=ff", configs.get(0).label());
    assertEquals("lr=1e-4 model=rsnn", configs.get(1).label());
    assertEquals("lr=1e-3 model=ff2", configs.get(5).label());
    assertEquals("c05-lr_1e-3-model_ff2", configs.get(5).id());
    assertEquals(List.of("--dataset", "synthetic", "--seed", "7", "--epochs", "1", "--lr",
        "1e-3", "--model", "ff2"), configs.get(5).trainArgs("synthetic", 7));
    assertTrue(configs.stream().noneMatch(StudyConfig::baseline));
  }

  @Test
  void theBaselineIsRunOrSelected() {
    StudyPlan run = plan(List.of(Sweep.parse("lr=1e-4,1e-3")),
        List.of("--mode", "bptt", "--epochs", "1"), true, Map.of());
    List<StudyConfig> configs = run.configurations();
    StudyConfig baseline = configs.get(2);
    assertTrue(baseline.baseline());
    assertTrue(baseline.settings().isEmpty());
    List<String> args = baseline.trainArgs("synthetic", 1);
    assertEquals(1, args.stream().filter(a -> a.equals("--mode")).count(), args.toString());
    assertTrue(args.containsAll(List.of("tbptt1", "--epochs", "1")), args.toString());
    assertFalse(args.contains("bptt"), "the baseline's mode replaces the extra options' mode");

    StudyPlan selected = plan(List.of(Sweep.parse("mode=tbptt1,bptt")), List.of(), false,
        StudyPlan.parseSelector("mode=tbptt1"));
    List<StudyConfig> two = selected.configurations();
    assertEquals(List.of(true, false), two.stream().map(StudyConfig::baseline).toList());
  }

  @Test
  void mistakesFailBeforeAnythingRuns() {
    var unknown = assertThrows(IllegalArgumentException.class, () -> plan(
        List.of(Sweep.parse("wieght-bits=4,8")), List.of(), false, Map.of()).validate());
    assertEquals("train has no option --wieght-bits to sweep", unknown.getMessage());
    var seed = assertThrows(IllegalArgumentException.class, () -> plan(
        List.of(Sweep.parse("seed=1,2")), List.of(), false, Map.of()).validate());
    assertTrue(seed.getMessage().contains("use --seeds"), seed.getMessage());
    var twice = assertThrows(IllegalArgumentException.class, () -> plan(
        List.of(Sweep.parse("lr=1,2")), List.of("--lr", "3"), false, Map.of()));
    assertTrue(twice.getMessage().contains("--lr is swept and also given"), twice.getMessage());
    var reserved = assertThrows(IllegalArgumentException.class, () -> plan(
        List.of(), List.of("--out", "x"), false, Map.of()));
    assertTrue(reserved.getMessage().contains("--out after --"), reserved.getMessage());
    var selector = assertThrows(IllegalArgumentException.class, () -> plan(
        List.of(Sweep.parse("lr=1,2")), List.of(), false, Map.of("placement", "host-float")));
    assertTrue(selector.getMessage().contains("does not sweep"), selector.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new StudyPlan("synthetic", List.of(),
        List.of(1L, 1L), List.of(), false, Map.of()));
  }

  @Test
  void aPairedOptionMovesWithItsLeaderAndAddsNoDimension() {
    StudyPlan p = plan(List.of(Sweep.parse("k=5,50"), Sweep.parse("model=ff,rsnn"),
        Sweep.parsePaired("k:lr=1e-4,1e-3")), List.of("--mode", "tbptt-k"), false, Map.of());
    List<StudyConfig> configs = p.configurations();
    assertEquals(4, configs.size());
    assertEquals("k=5 lr=1e-4 model=ff", configs.get(0).label());
    assertEquals("k=5 lr=1e-4 model=rsnn", configs.get(1).label());
    assertEquals("k=50 lr=1e-3 model=ff", configs.get(2).label());
    assertEquals("k=50 lr=1e-3 model=rsnn", configs.get(3).label());
    assertEquals(List.of("k", "model"), p.gridSweeps().stream().map(Sweep::option).toList());
    assertEquals(java.util.Set.of("k", "lr"), p.movingWith("k"));
    assertEquals(java.util.Set.of("model"), p.movingWith("model"));
    // two leader values may share a paired value; a grid sweep may not repeat one
    assertEquals(List.of("0.9,0.999", "0.9,0.999"),
        Sweep.parsePaired("k:betas=0.9,0.999;0.9,0.999").values());
    assertThrows(IllegalArgumentException.class, () -> Sweep.parse("lr=1e-4,1e-4"));
  }

  @Test
  void aPairedOptionNeedsASweptLeaderWithAsManyValues() {
    IllegalArgumentException noLeader = assertThrows(IllegalArgumentException.class,
        () -> plan(List.of(Sweep.parse("k=5,50"), Sweep.parsePaired("hidden:lr=1e-4,1e-3")),
            List.of(), false, Map.of()));
    assertTrue(noLeader.getMessage().contains("hidden, which is not swept"),
        noLeader.getMessage());
    IllegalArgumentException counts = assertThrows(IllegalArgumentException.class,
        () -> plan(List.of(Sweep.parse("k=5,50"), Sweep.parsePaired("k:lr=1e-4,1e-3,1e-2")),
            List.of(), false, Map.of()));
    assertTrue(counts.getMessage().contains("has 3 values, --sweep k has 2"),
        counts.getMessage());
    IllegalArgumentException syntax = assertThrows(IllegalArgumentException.class,
        () -> Sweep.parsePaired("lr=1e-4,1e-3"));
    assertTrue(syntax.getMessage().contains("leader:name=v1,v2"), syntax.getMessage());
  }
}
