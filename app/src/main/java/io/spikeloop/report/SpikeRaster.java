package io.spikeloop.report;

import io.spikeloop.data.SpikeSample;
import io.spikeloop.mapper.FloatReference;
import io.spikeloop.model.SnnParameters;
import io.spikeloop.train.Readout;
import io.spikeloop.train.SampleOutputs;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The spikes of one sample as (step, neuron) points: the input channels, and each hidden layer as
 * the trained network (float64 forward pass, {@link FloatReference}) answers the sample.
 *
 * @param label      the sample's class
 * @param predicted  the class the network predicts, by the readout given
 */
public record SpikeRaster(int steps, Layer input, List<Layer> hidden, int label, int predicted) {

  /** Spikes of one population: {@code neurons} ids, points {@code (steps[i], ids[i])}. */
  public record Layer(String name, int neurons, int[] steps, int[] ids) {
    public Layer {
      if (steps.length != ids.length) {
        throw new IllegalArgumentException(name + ": " + steps.length + " steps but "
            + ids.length + " ids");
      }
    }

    public int spikes() {
      return ids.length;
    }
  }

  public SpikeRaster {
    hidden = List.copyOf(hidden);
  }

  /**
   * Runs {@code sample} through {@code parameters} and records every spike; the class is read
   * by {@code readout} (the run's: the last step's output or the outputs summed over the steps).
   */
  public static SpikeRaster of(SnnParameters parameters, SpikeSample sample, Readout readout) {
    var config = parameters.config();
    if (sample.offsets().length < 2) {
      throw new IllegalArgumentException("the sample has no time steps");
    }
    int maxChannel = Arrays.stream(sample.channels()).max().orElse(-1);
    if (maxChannel >= config.inputs()) {
      throw new IllegalArgumentException("the sample uses input channel " + maxChannel
          + " but the network has " + config.inputs() + " inputs");
    }
    FloatReference net = new FloatReference(parameters);
    net.reset();
    int steps = sample.steps();
    int layers = config.layers();
    IntPairs[] points = new IntPairs[layers];
    for (int l = 0; l < layers; l++) {
      points[l] = new IntPairs();
    }
    IntPairs inputPoints = new IntPairs();
    int[] x = sample.channels();
    int[] offsets = sample.offsets();
    SampleOutputs outputs = new SampleOutputs(config.outputs());
    for (int t = 0; t < steps; t++) {
      for (int e = offsets[t]; e < offsets[t + 1]; e++) {
        inputPoints.add(t, x[e]);
      }
      net.step(x, offsets[t], offsets[t + 1]);
      for (int k = 0; k < config.outputs(); k++) {
        outputs.put(k, net.output(k));
      }
      for (int l = 0; l < layers; l++) {
        for (int j = 0; j < config.hiddenSize(l); j++) {
          if (net.fired(l, j)) {
            points[l].add(t, j);
          }
        }
      }
    }
    List<Layer> hidden = new ArrayList<>();
    for (int l = 0; l < layers; l++) {
      hidden.add(points[l].layer("hidden " + (l + 1), config.hiddenSize(l)));
    }
    return new SpikeRaster(steps, inputPoints.layer("input", config.inputs()), hidden,
        sample.label(), outputs.predict(readout));
  }

  /** A growable list of (step, id) pairs. */
  private static final class IntPairs {
    private int[] steps = new int[256];
    private int[] ids = new int[256];
    private int size;

    void add(int step, int id) {
      if (size == steps.length) {
        steps = Arrays.copyOf(steps, size * 2);
        ids = Arrays.copyOf(ids, size * 2);
      }
      steps[size] = step;
      ids[size++] = id;
    }

    Layer layer(String name, int neurons) {
      return new Layer(name, neurons, Arrays.copyOf(steps, size), Arrays.copyOf(ids, size));
    }
  }
}
