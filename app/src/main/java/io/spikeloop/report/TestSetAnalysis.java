package io.spikeloop.report;

import io.spikeloop.data.SpikeDataset;
import io.spikeloop.data.SpikeSample;
import io.spikeloop.mapper.FloatReference;
import io.spikeloop.model.SnnParameters;
import io.spikeloop.train.Readout;
import io.spikeloop.train.SampleOutputs;

/**
 * What the trained network does on (the first {@code limit} samples of) the test set, by a float64
 * forward pass ({@link FloatReference}): spikes per hidden layer, the confusion matrix of its
 * predictions and the accuracy.
 *
 * @param samples        test samples run
 * @param steps          time steps per sample (the longest sample's)
 * @param layerNeurons   neurons per hidden layer
 * @param layerSpikes    spikes per hidden layer summed over the samples run
 * @param confusion      {@code confusion[label][predicted]} counts
 */
public record TestSetAnalysis(int samples, int steps, int[] layerNeurons, long[] layerSpikes,
                              long[][] confusion) {

  /**
   * Runs the network over the first {@code limit} test samples, reading each class by {@code
   * readout} (train's {@code --readout}: the last step's output or the outputs summed).
   */
  public static TestSetAnalysis run(SnnParameters parameters, SpikeDataset test, int limit,
                                    Readout readout) {
    var config = parameters.config();
    int n = Math.min(limit, test.size());
    int layers = config.layers();
    int[] neurons = new int[layers];
    for (int l = 0; l < layers; l++) {
      neurons[l] = config.hiddenSize(l);
    }
    long[] spikes = new long[layers];
    int classes = Math.max(config.outputs(), test.classes());
    long[][] confusion = new long[classes][classes];
    SampleOutputs outputs = new SampleOutputs(config.outputs());
    int maxSteps = 0;
    FloatReference net = new FloatReference(parameters);
    for (int i = 0; i < n; i++) {
      SpikeSample s = test.sample(i);
      int[] x = s.channels();
      int[] offsets = s.offsets();
      net.reset();
      outputs.startSample();
      for (int t = 0; t < s.steps(); t++) {
        net.step(x, offsets[t], offsets[t + 1]);
        for (int l = 0; l < layers; l++) {
          spikes[l] += net.spikeCount(l);
        }
        for (int k = 0; k < config.outputs(); k++) {
          outputs.put(k, net.output(k));
        }
      }
      maxSteps = Math.max(maxSteps, s.steps());
      int predicted = outputs.predict(readout);
      confusion[s.label()][predicted]++;
    }
    return new TestSetAnalysis(n, maxSteps, neurons, spikes, confusion);
  }

  /** Mean spikes per neuron per time step of hidden layer {@code l}. */
  public double spikesPerNeuronPerStep(int l) {
    return samples == 0 ? 0 : layerSpikes[l] / ((double) samples * steps * layerNeurons[l]);
  }

  /** Fraction of the samples run whose prediction is their label. */
  public double accuracy() {
    long right = 0;
    for (int k = 0; k < confusion.length; k++) {
      right += confusion[k][k];
    }
    return samples == 0 ? 0 : right / (double) samples;
  }
}
