package io.spikeloop.device;

import java.util.List;

/**
 * A whole network on one SL-1 core: input axons, hidden LIF layers in order, an output layer.
 * The constructor checks that the layers chain (each layer's fan-in is the previous size);
 * whether the network fits a particular core is the device's design-rule check.
 */
public record NetworkConfig(int inputs, List<LayerConfig> layers, OutputConfig output) {
  public NetworkConfig {
    Checks.positive("inputs", inputs);
    layers = List.copyOf(layers);
    if (layers.isEmpty()) {
      throw new IllegalArgumentException("a network needs at least one hidden layer");
    }
    int fanIn = inputs;
    for (int l = 0; l < layers.size(); l++) {
      if (layers.get(l).inputs() != fanIn) {
        throw new IllegalArgumentException("layer " + l + " declares " + layers.get(l).inputs()
            + " inputs but is fed by " + fanIn);
      }
      fanIn = layers.get(l).size();
    }
    if (output == null) {
      throw new IllegalArgumentException("a network needs an output layer");
    }
  }

  /** Size of the last hidden layer (the output layer's fan-in). */
  public int lastHiddenSize() {
    return layers.get(layers.size() - 1).size();
  }

  /** Every weight tensor of this network with its shape, in a fixed order. */
  public List<WeightTensor> tensors() {
    var out = new java.util.ArrayList<WeightTensor>();
    for (int l = 0; l < layers.size(); l++) {
      LayerConfig c = layers.get(l);
      out.add(new WeightTensor(WeightTensor.layerIn(l), c.size(), c.inputs(), c.wBits()));
      if (c.recurrent()) {
        out.add(new WeightTensor(WeightTensor.layerRec(l), c.size(), c.size(), c.wBits()));
      }
      out.add(new WeightTensor(WeightTensor.layerBias(l), c.size(), 1, c.uBits()));
    }
    out.add(new WeightTensor(WeightTensor.OUT_W, output.size(), lastHiddenSize(), output.wBits()));
    out.add(new WeightTensor(WeightTensor.OUT_BIAS, output.size(), 1, output.oBits()));
    return List.copyOf(out);
  }

  /** The tensor with this name, or an exception naming the tensors that exist. */
  public WeightTensor tensor(String name) {
    for (WeightTensor t : tensors()) {
      if (t.name().equals(name)) {
        return t;
      }
    }
    throw new IllegalArgumentException("no weight tensor '" + name + "' in this network; it has "
        + tensors().stream().map(WeightTensor::name).toList());
  }

  /** Hidden plus output neurons. */
  public int totalNeurons() {
    int n = output.size();
    for (LayerConfig c : layers) {
      n += c.size();
    }
    return n;
  }
}
