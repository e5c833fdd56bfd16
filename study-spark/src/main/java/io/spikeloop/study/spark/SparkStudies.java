package io.spikeloop.study.spark;

import io.spikeloop.study.DistributedStudies;
import io.spikeloop.study.StudyScheduler;
import java.io.PrintWriter;

/** Spark as the engine of {@code study --master}: local[...] and spark://HOST:PORT masters. */
public final class SparkStudies implements DistributedStudies.Provider {
  @Override
  public boolean accepts(String master) {
    return master.matches("local(\\[(\\*|\\d+)(,\\d+)?])?") || master.startsWith("spark://");
  }

  @Override
  public StudyScheduler open(DistributedStudies.Options options, PrintWriter log) {
    return new SparkStudyScheduler(options, log);
  }
}
