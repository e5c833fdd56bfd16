package io.spikeloop.placement;

import io.spikeloop.checkpoint.StateMap;
import io.spikeloop.data.SpikeSample;
import io.spikeloop.model.SnnParameters;
import io.spikeloop.sim.learning.LearningMemory;
import io.spikeloop.train.SnnTrainer;
import java.util.List;
import java.util.Locale;

/** {@code host-float}: the float tBPTT1 trainer of T1 on the host; no device. */
public final class HostFloatPlacement implements Placement {
  private final SnnTrainer trainer;
  private final long parameters;

  public HostFloatPlacement(SnnTrainer trainer) {
    this.trainer = trainer;
    this.parameters = trainer.parameters().config().parameterCount();
  }

  @Override
  public String name() {
    return "host-float";
  }

  @Override
  public BatchResult train(List<SpikeSample> batch) {
    return trainer.train(batch);
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

  @Override
  public String memoryReport() {
    return String.format(Locale.ROOT, "host-float learning memory (host): float Adam 8 B/param "
        + "= %d B for %d params; on the core: 0 B", 8 * parameters, parameters);
  }

  @Override
  public double optimizerStateBytesPerParameter() {
    return LearningMemory.FLOAT_ADAM_BYTES_PER_PARAMETER;
  }

  @Override
  public LearningCost learningCost() {
    return LearningCost.NONE;
  }

  @Override
  public void close() {
    // nothing held
  }
}
