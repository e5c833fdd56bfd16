package io.spikeloop.metrics;

import io.spikeloop.checkpoint.StateMap;
import io.spikeloop.data.SpikeSample;
import io.spikeloop.model.SnnParameters;
import io.spikeloop.train.SnnTrainer;
import java.util.List;

/** A trainer that reports every trained batch to {@link TrainingMeters}; otherwise delegates. */
public final class MeteredTrainer implements SnnTrainer {
  private final SnnTrainer trainer;
  private final TrainingMeters meters;

  public MeteredTrainer(SnnTrainer trainer, TrainingMeters meters) {
    this.trainer = trainer;
    this.meters = meters;
  }

  @Override
  public BatchResult train(List<SpikeSample> batch) {
    long start = System.nanoTime();
    BatchResult r = trainer.train(batch);
    long nanos = System.nanoTime() - start;
    int correct = 0;
    for (int b = 0; b < batch.size(); b++) {
      if (r.predictions()[b] == batch.get(b).label()) {
        correct++;
      }
    }
    meters.batch(batch.size(), correct, r.meanLoss(), nanos);
    return r;
  }

  @Override
  public Inference infer(List<SpikeSample> batch) {
    return trainer.infer(batch);
  }

  @Override
  public void scaleLearningRate(double scale) {
    trainer.scaleLearningRate(scale);
  }

  @Override
  public SnnParameters parameters() {
    return trainer.parameters();
  }

  @Override
  public StateMap saveState() {
    return trainer.saveState();
  }

  @Override
  public void restoreState(StateMap state) {
    trainer.restoreState(state);
  }
}
