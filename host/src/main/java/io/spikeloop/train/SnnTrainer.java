package io.spikeloop.train;

import io.spikeloop.checkpoint.StateMap;
import io.spikeloop.data.SpikeSample;
import io.spikeloop.model.SnnParameters;
import java.util.List;

/** A trainer of one network: trains on batches, runs inference, hands out its parameters. */
public interface SnnTrainer {

  /**
   * Trains on one batch (samples of equal length) in the trainer's mode, updating the weights
   * during the sequence as the mode says; returns the mean loss and, per sample, the class
   * predicted from the output at the last step and from the output summed over the steps, as
   * they were computed during training.
   */
  BatchResult train(List<SpikeSample> batch);

  /** Forward pass only, under the current weights. */
  Inference infer(List<SpikeSample> batch);

  /**
   * Multiplies the learning rate of the following updates by {@code scale} (a learning-rate
   * schedule's factor, set by the training loop at each epoch). Trainers without a schedule
   * accept only 1.
   */
  default void scaleLearningRate(double scale) {
    if (scale != 1) {
      throw new UnsupportedOperationException(getClass().getSimpleName()
          + " has no learning-rate schedule");
    }
  }

  /** A float64 snapshot of the current parameters. */
  SnnParameters parameters();

  /**
   * Everything the trainer carries from one batch to the next (weights in their working
   * precision, optimizer state and step counts), bit for bit, for a checkpoint.
   */
  StateMap saveState();

  /**
   * Restores a state saved by a trainer of the same kind, network and optimizer; training then
   * continues bit-identically. A state of another shape is refused, naming the entry.
   */
  void restoreState(StateMap state);

  /**
   * Mean per-step loss of a batch and, per sample, the class predicted from the output at the last
   * step ({@code predictions}) and from the output summed over the steps ({@code
   * summedPredictions}).
   */
  record BatchResult(double meanLoss, int[] predictions, int[] summedPredictions) {
    public BatchResult {
      if (predictions.length != summedPredictions.length) {
        throw new IllegalArgumentException("predictions for " + predictions.length
            + " samples but summed predictions for " + summedPredictions.length);
      }
    }

    /** The per-sample predictions under {@code readout} (what online accuracy should count). */
    public int[] predictions(Readout readout) {
      return readout == Readout.LAST ? predictions : summedPredictions;
    }
  }

  /**
   * What inference produced per sample: the output at the last step and summed over steps
   * ({@code [b][k]}), hidden spikes emitted and synaptic operations (SOPs, as the core counts
   * them: one per presynaptic spike and postsynaptic neuron).
   */
  record Inference(double[][] lastOutput, double[][] summedOutput, long[] spikes, long[] sops) {}
}
