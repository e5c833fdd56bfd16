package io.spikeloop.study;

/**
 * What a scheduler tells the study while it runs, one call at a time: a run started ({@code
 * where}: a thread, or a Spark executor and board), a run finished (with its result or error),
 * or an attempt was lost (its executor died) and will be run again.
 */
public interface StudyEvents {
  StudyEvents NONE = outcome -> { };

  default void started(StudyConfig config, long seed, String where) {}

  void finished(RunOutcome outcome);

  default void lost(StudyConfig config, long seed, String reason) {}
}
