/**
 * Studies on Apache Spark ({@code study --master local[*]|spark://HOST:PORT}): each run of the
 * grid is one Spark task running {@link io.spikeloop.run.TrainRun} in process on an executor
 * ({@link TrainTask}); results come back as rows ({@link RunRow}) and are written as a DataFrame
 * (CSV and Parquet) beside the study's usual tables. Boards are Spark custom resources named
 * {@code board} ({@link BoardResource}); {@link LoopbackCluster} starts a standalone master and
 * workers on one machine. docs/studies.md describes it all.
 */
package io.spikeloop.study.spark;
