package io.spikeloop.study;

import java.util.List;

/**
 * Where a study's runs execute: threads of this JVM ({@link StudyRunner}, the default) or a
 * distributed engine found through {@link DistributedStudies} (module {@code study-spark}: one
 * Spark task per run). Every scheduler runs each (configuration, seed) of the grid once, records
 * a run that throws as a failed {@link RunOutcome} instead of stopping, and tells {@code events}
 * as runs start and finish.
 */
public interface StudyScheduler extends AutoCloseable {

  /** How runs are spread, for the study's first line ("2 in parallel in this JVM"). */
  String describe();

  /** Every run of {@code grid}, in plan order (configuration, then seed). */
  List<RunOutcome> run(StudyGrid grid, StudyEvents events) throws InterruptedException;

  /** Releases what the scheduler holds (a Spark session); nothing for the thread pool. */
  @Override
  default void close() {}
}
