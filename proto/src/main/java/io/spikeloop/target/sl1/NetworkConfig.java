package io.spikeloop.target.sl1;

import io.spikeloop.device.Checks;
import io.spikeloop.device.WeightTensor;
import io.spikeloop.target.TargetNetwork;
import io.spikeloop.target.TargetState;
import java.util.List;

/**
 * A whole network on one SL-1 core (the {@code sl1} target's network description): input axons, hidden LIF layers in order, an output layer.
 * The constructor checks that the layers chain (each layer's fan-in is the previous size);
 * whether the network fits a particular core is the device's design-rule check.
 */
public record NetworkConfig(int inputs, List<LayerConfig> layers, OutputConfig output)
    implements TargetNetwork {
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

  @Override
  public String targetId() {
    return Sl1Target.ID;
  }

  @Override
  public int outputs() {
    return output.size();
  }

  @Override
  public int[] hiddenLayerSizes() {
    return layers.stream().mapToInt(LayerConfig::size).toArray();
  }

  @Override
  public TargetState encode() {
    return Sl1Codecs.encode(this);
  }

  /**
   * Checks that a dynamic state has this network's shape (layer count, neurons per layer,
   * outputs); a device checks the values against their widths when it loads them.
   */
  public void checkState(DeviceState state) {
    if (state.membranes().length != layers.size()) {
      throw new IllegalArgumentException("state has " + state.membranes().length
          + " hidden layers, the network has " + layers.size());
    }
    for (int l = 0; l < layers.size(); l++) {
      int size = layers.get(l).size();
      if (state.membranes()[l].length != size || state.lastSpikes()[l].length != size) {
        throw new IllegalArgumentException("state layer " + l + " has "
            + state.membranes()[l].length + " membranes and " + state.lastSpikes()[l].length
            + " spikes, the layer has " + size + " neurons");
      }
    }
    if (state.outputs().length != output.size()) {
      throw new IllegalArgumentException("state has " + state.outputs().length
          + " outputs, the network has " + output.size());
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

  /** Hidden plus output neurons. */
  public int totalNeurons() {
    int n = output.size();
    for (LayerConfig c : layers) {
      n += c.size();
    }
    return n;
  }
}
