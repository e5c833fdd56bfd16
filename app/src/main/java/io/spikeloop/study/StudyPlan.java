package io.spikeloop.study;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a study runs: the grid of {@code sweeps} (every combination of the values of the grid
 * sweeps; a paired sweep takes the value at its leader's index) on {@code dataset}, each
 * configuration once per seed, with {@code extraArgs} passed to every run.
 *
 * <p>The float tBPTT1 baseline is, in order of precedence: the configurations matching {@code
 * baselineSelector} (e.g. {@code placement=host-float}); an extra configuration of the extra
 * options with {@code --mode tbptt1} (and {@code --placement host-float} where train has
 * placements) when {@code runBaseline}; otherwise the grid's configurations with
 * {@code placement=host-float}, if placement is swept.
 */
public record StudyPlan(String dataset, List<Sweep> sweeps, List<Long> seeds,
                        List<String> extraArgs, boolean runBaseline,
                        Map<String, String> baselineSelector) {

  public StudyPlan {
    sweeps = List.copyOf(sweeps);
    seeds = List.copyOf(seeds);
    extraArgs = List.copyOf(extraArgs);
    baselineSelector = Map.copyOf(baselineSelector);
    if (seeds.isEmpty()) {
      throw new IllegalArgumentException("a study needs at least one seed");
    }
    if (new HashSet<>(seeds).size() != seeds.size()) {
      throw new IllegalArgumentException("--seeds repeats a seed: " + seeds);
    }
    Set<String> names = new HashSet<>();
    for (Sweep s : sweeps) {
      if (!names.add(s.option())) {
        throw new IllegalArgumentException("--sweep " + s.option() + " is given twice");
      }
    }
    for (Sweep s : sweeps) {
      if (!s.paired()) {
        continue;
      }
      Sweep leader = sweeps.stream().filter(l -> !l.paired() && l.option().equals(s.follows()))
          .findFirst().orElseThrow(() -> new IllegalArgumentException("--pair " + s.follows()
              + ":" + s.option() + " follows " + s.follows() + ", which is not swept with "
              + "--sweep"));
      if (leader.values().size() != s.values().size()) {
        throw new IllegalArgumentException("--pair " + s.follows() + ":" + s.option() + " has "
            + s.values().size() + " values, --sweep " + s.follows() + " has "
            + leader.values().size() + "; they must pair one to one");
      }
    }
    for (String name : SweepableOptions.named(extraArgs)) {
      if (names.contains(name)) {
        throw new IllegalArgumentException("--" + name + " is swept and also given after --");
      }
      if (SweepableOptions.RESERVED.contains(name) && !name.equals("help")) {
        throw new IllegalArgumentException("--" + name + " after -- is set by the study itself"
            + (name.equals("seed") ? " (use --seeds)" : name.equals("dataset")
                ? " (use the study's --dataset)" : ""));
      }
    }
    for (String option : baselineSelector.keySet()) {
      if (!names.contains(option) || sweeps.stream().anyMatch(
          s -> s.paired() && s.option().equals(option))) {
        throw new IllegalArgumentException("--baseline " + option + "=... names an option the "
            + "study does not sweep with --sweep (swept: " + names + ")");
      }
    }
  }

  /** Parses {@code option=value[,option=value...]} for {@code --baseline}. */
  public static Map<String, String> parseSelector(String text) {
    Map<String, String> selector = new LinkedHashMap<>();
    for (String part : text.split(",")) {
      int eq = part.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("--baseline wants option=value, got '" + part + "'");
      }
      selector.put(part.substring(0, eq).replaceFirst("^--?", "").trim(),
          part.substring(eq + 1).trim());
    }
    return selector;
  }

  /** The sweeps that span the grid (those not paired with another). */
  public List<Sweep> gridSweeps() {
    return sweeps.stream().filter(s -> !s.paired()).toList();
  }

  /** {@code option} and the options paired with it (they move together in plots). */
  public Set<String> movingWith(String option) {
    Set<String> options = new HashSet<>(Set.of(option));
    sweeps.stream().filter(s -> option.equals(s.follows())).forEach(s -> options.add(s.option()));
    return options;
  }

  /** Checks every swept option against train's; fails before anything runs. */
  public void validate() {
    for (Sweep s : sweeps) {
      SweepableOptions.checkSweepable(s.option());
    }
  }

  /** The grid in order (the last sweep varies fastest), then the extra baseline if asked. */
  public List<StudyConfig> configurations() {
    List<List<StudyConfig.Setting>> grid = new ArrayList<>();
    grid.add(List.of());
    for (Sweep s : gridSweeps()) {
      List<List<StudyConfig.Setting>> next = new ArrayList<>();
      for (List<StudyConfig.Setting> partial : grid) {
        for (int i = 0; i < s.values().size(); i++) {
          List<StudyConfig.Setting> settings = new ArrayList<>(partial);
          settings.add(new StudyConfig.Setting(s.option(), s.values().get(i)));
          for (Sweep paired : sweeps) {
            if (s.option().equals(paired.follows())) {
              settings.add(new StudyConfig.Setting(paired.option(), paired.values().get(i)));
            }
          }
          next.add(settings);
        }
      }
      grid = next;
    }
    boolean placementBaseline = baselineSelector.isEmpty() && !runBaseline
        && sweeps.stream().anyMatch(s -> s.option().equals("placement"));
    Map<String, String> selector = placementBaseline ? Map.of("placement", "host-float")
        : baselineSelector;
    List<StudyConfig> configs = new ArrayList<>();
    for (List<StudyConfig.Setting> settings : grid) {
      boolean baseline = !selector.isEmpty() && selector.entrySet().stream()
          .allMatch(e -> settings.contains(new StudyConfig.Setting(e.getKey(), e.getValue())));
      configs.add(new StudyConfig(configs.size(), settings, baseline, extraArgs));
    }
    if (runBaseline) {
      List<String> floatTbptt1 = new ArrayList<>(List.of("--mode", "tbptt1"));
      Set<String> overridden = new HashSet<>(Set.of("mode"));
      if (SweepableOptions.exists("placement")) {
        floatTbptt1.addAll(List.of("--placement", "host-float"));
        overridden.add("placement");
      }
      List<String> args = new ArrayList<>(SweepableOptions.without(extraArgs, overridden));
      args.addAll(floatTbptt1);
      configs.add(new StudyConfig(configs.size(), List.of(), true, args));
    }
    return configs;
  }
}
