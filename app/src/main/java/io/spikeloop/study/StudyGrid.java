package io.spikeloop.study;

import java.nio.file.Path;
import java.util.List;

/**
 * The runs of a study as a scheduler sees them: every configuration once per seed on {@code
 * dataset}, each run writing its folder {@code runsDir/<config id>-seed<S>} ({@link
 * #runDir}), with {@code report.html} when {@code reports}.
 */
public record StudyGrid(String dataset, List<StudyConfig> configs, List<Long> seeds,
                        Path runsDir, boolean reports) {
  public StudyGrid {
    configs = List.copyOf(configs);
    seeds = List.copyOf(seeds);
  }

  public int size() {
    return configs.size() * seeds.size();
  }

  /** The run folder of one configuration and seed. */
  public Path runDir(StudyConfig config, long seed) {
    return runsDir.resolve(config.id() + "-seed" + seed);
  }
}
