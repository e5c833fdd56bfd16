/**
 * The Java API for a training run, separate from the command line: {@link
 * io.spikeloop.run.TrainOptions} (every option {@code train} takes, named, with defaults and
 * validation), {@link io.spikeloop.run.TrainRun} (options -> run -> {@link
 * io.spikeloop.run.TrainResult}), the run folder it may write ({@link io.spikeloop.run.RunFolder})
 * and the memory estimate that refuses runs that cannot fit before anything is allocated ({@link
 * io.spikeloop.run.MemoryEstimate}). The CLI's {@code train}, {@code study} and {@code reproduce}
 * all call {@code TrainRun}; see docs/java-api.md.
 */
package io.spikeloop.run;
