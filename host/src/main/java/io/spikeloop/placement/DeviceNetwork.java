package io.spikeloop.placement;

import io.spikeloop.device.Device;
import io.spikeloop.device.WeightTensor;
import io.spikeloop.mapping.MappedNetwork;
import io.spikeloop.mapping.QuantizationOptions;
import io.spikeloop.mapping.Quantizer;
import io.spikeloop.mapping.TensorReport;
import io.spikeloop.model.ParameterTensor;
import io.spikeloop.model.SnnConfig;
import io.spikeloop.model.SnnParameters;
import io.spikeloop.target.sl1.FixedPoint;
import io.spikeloop.target.sl1.NetworkConfig;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The network a device placement trains: mapped with range headroom (the weight exponents are
 * chosen for {@code headroom} times the initial largest |w|, since weights grow while learning)
 * and 32-bit membranes and outputs, plus the float value of one LSB of every tensor, which turns
 * device integers back into float units and float learning rates into master LSBs.
 */
public record DeviceNetwork(SnnConfig model, MappedNetwork mapped, Map<String, Double> lsb) {
  public DeviceNetwork {
    lsb = Map.copyOf(lsb);
  }

  public static DeviceNetwork map(SnnParameters init, int weightBits, double headroom) {
    SnnParameters scaled = init.copy();
    for (ParameterTensor t : scaled.tensors()) {
      double[] v = t.values();
      for (int i = 0; i < v.length; i++) {
        v[i] *= headroom;
      }
    }
    MappedNetwork shape = Quantizer.map(scaled, QuantizationOptions.of(weightBits, 32, 32));
    Map<String, Double> lsb = new LinkedHashMap<>();
    Map<String, int[]> values = new LinkedHashMap<>();
    for (TensorReport r : shape.tensors()) {
      lsb.put(r.name(), r.step());
      values.put(r.name(), quantize(init.tensor(r.name()).values(), r.step(), r.bits()));
    }
    MappedNetwork mapped = new MappedNetwork(shape.config(), values, shape.tensors(),
        shape.membraneScale(), shape.outputScale());
    return new DeviceNetwork(init.config(), mapped, lsb);
  }

  /** round(v / lsb), saturated to the signed width. */
  static int[] quantize(double[] v, double lsb, int bits) {
    int[] out = new int[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = (int) FixedPoint.sat((long) Math.rint(v[i] / lsb), bits);
    }
    return out;
  }

  public NetworkConfig config() {
    return mapped.config();
  }

  public double lsb(String tensor) {
    Double v = lsb.get(tensor);
    if (v == null) {
      throw new IllegalArgumentException("no tensor " + tensor);
    }
    return v;
  }

  /** Membrane scale s of the hidden layer: u_float = u / s. */
  public double membraneScale() {
    return mapped.membraneScale()[0];
  }

  /** Output scale s_o: o_float = o / s_o. */
  public double outputScale() {
    return mapped.outputScale();
  }

  /** The float parameters the device's current weights stand for. */
  public SnnParameters floatParameters(Device device) {
    SnnParameters p = SnnParameters.zeros(model);
    for (WeightTensor t : mapped.config().tensors()) {
      int[] w = device.readWeights(t.name());
      double step = lsb(t.name());
      double[] v = p.tensor(t.name()).values();
      for (int i = 0; i < w.length; i++) {
        v[i] = w[i] * step;
      }
    }
    return p;
  }
}
