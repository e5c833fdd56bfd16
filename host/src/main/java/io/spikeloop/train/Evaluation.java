package io.spikeloop.train;

import io.spikeloop.data.SpikeDataset;
import io.spikeloop.data.SpikeSample;
import java.util.ArrayList;
import java.util.List;

/** Test-set accuracy, hidden spikes and SOPs per sample of a trainer's current network. */
public record Evaluation(double accuracy, double spikesPerSample, double sopsPerSample) {

  /** Runs inference over the whole dataset in batches of {@code batch}. */
  public static Evaluation of(SnnTrainer trainer, SpikeDataset data, Readout readout, int batch) {
    long correct = 0;
    long spikes = 0;
    long sops = 0;
    for (int from = 0; from < data.size(); from += batch) {
      List<SpikeSample> part = new ArrayList<>();
      for (int i = from; i < Math.min(data.size(), from + batch); i++) {
        part.add(data.sample(i));
      }
      SnnTrainer.Inference inference = trainer.infer(part);
      for (int b = 0; b < part.size(); b++) {
        if (readout.predict(inference, b) == part.get(b).label()) {
          correct++;
        }
        spikes += inference.spikes()[b];
        sops += inference.sops()[b];
      }
    }
    int n = data.size();
    return new Evaluation(correct / (double) n, spikes / (double) n, sops / (double) n);
  }
}
