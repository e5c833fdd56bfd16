package io.spikeloop.target.sl1;

import io.spikeloop.device.WeightTensor;

/**
 * The tensors SL-1's learning engine (one hidden layer, {@code docs/learning-engine.md}) and the
 * host's one-hidden-layer gradient buffers know, with their wire names. Code that treats the
 * tensors differently switches over this enum, not over name strings.
 */
public enum LearnedTensor {
  IN(WeightTensor.layerIn(0)),
  REC(WeightTensor.layerRec(0)),
  BIAS(WeightTensor.layerBias(0)),
  OUT_W(WeightTensor.OUT_W),
  OUT_BIAS(WeightTensor.OUT_BIAS);

  private final String tensorName;

  LearnedTensor(String tensorName) {
    this.tensorName = tensorName;
  }

  /** The tensor's name in {@link WeightTensor#name()} and on the wire. */
  public String tensorName() {
    return tensorName;
  }

  /** The kind named {@code name}; refuses any other tensor, naming it and the known ones. */
  public static LearnedTensor named(String name) {
    for (LearnedTensor t : values()) {
      if (t.tensorName.equals(name)) {
        return t;
      }
    }
    throw new IllegalArgumentException("no learnable tensor '" + name + "' (SL-1 learns "
        + WeightTensor.layerIn(0) + ", " + WeightTensor.layerRec(0) + ", "
        + WeightTensor.layerBias(0) + ", " + WeightTensor.OUT_W + ", " + WeightTensor.OUT_BIAS
        + ")");
  }
}
