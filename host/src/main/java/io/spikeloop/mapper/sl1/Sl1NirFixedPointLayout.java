package io.spikeloop.mapper.sl1;

import io.spikeloop.device.WeightTensor;
import io.spikeloop.mapper.NirFixedPointLayout;
import io.spikeloop.mapper.StoredMapping;
import io.spikeloop.mapper.TargetMapping;
import io.spikeloop.model.SnnConfig;
import io.spikeloop.model.SnnParameters;
import io.spikeloop.target.sl1.FixedPoint;
import io.spikeloop.target.sl1.LayerConfig;
import io.spikeloop.target.sl1.NetworkConfig;
import io.spikeloop.target.sl1.OutputConfig;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * SL-1's mapping in NIR's {@code /spikeloop/fixed_point} group ({@code docs/nir.md}): the
 * quantizer's {@code options} (weight, membrane and output bits, headroom, clip percentile),
 * {@code inputs}, {@code layers}, per layer {@code layerL} its {@link LayerConfig} registers and
 * membrane scale, {@code output} its {@link OutputConfig} registers and output scale, and
 * {@code tensors}, every weight tensor as int32 {@code [rows][cols]}. Integers are int64
 * scalars, scales float64. The order of the datasets is the one every SL-1 export has had.
 */
final class Sl1NirFixedPointLayout implements NirFixedPointLayout {
  @Override
  public void write(StoredMapping mapping, GroupWriter g) throws IOException {
    if (!(mapping.network() instanceof NetworkConfig c)) {
      throw new IllegalArgumentException("expected a mapping onto target sl1, got one onto "
          + mapping.targetId());
    }
    QuantizationOptions q = Sl1Mapper.quantizationOptions(mapping.options());
    double[] membraneScale = mapping.membraneScale();
    g.group("options", og -> {
      og.int64("weight_bits", q.weightBits());
      og.int64("membrane_bits", q.membraneBits());
      og.int64("output_bits", q.outputBits());
      og.int64("headroom_bits", q.headroomBits());
      og.float64("clip_percentile", q.clipPercentile());
    });
    g.int64("inputs", c.inputs());
    g.int64("layers", c.layers().size());
    for (int l = 0; l < c.layers().size(); l++) {
      LayerConfig lc = c.layers().get(l);
      double scale = membraneScale[l];
      g.group("layer" + l, lg -> {
        lg.int64("size", lc.size());
        lg.int64("recurrent", lc.recurrent() ? 1 : 0);
        lg.int64("w_bits", lc.wBits());
        lg.int64("w_exp", lc.wExp());
        lg.int64("u_bits", lc.uBits());
        lg.int64("theta", lc.theta());
        lg.int64("alpha", lc.alpha());
        lg.int64("inputs", lc.inputs());
        lg.float64("membrane_scale", scale);
      });
    }
    OutputConfig oc = c.output();
    g.group("output", out -> {
      out.int64("size", oc.size());
      out.int64("w_bits", oc.wBits());
      out.int64("w_exp", oc.wExp());
      out.int64("o_bits", oc.oBits());
      out.int64("kappa", oc.kappa());
      out.float64("output_scale", mapping.outputScale());
    });
    g.group("tensors", tg -> {
      for (WeightTensor t : c.tensors()) {
        tg.int32(t.name(), mapping.weights().get(t.name()), new long[] {t.rows(), t.cols()});
      }
    });
  }

  @Override
  public StoredMapping read(GroupReader g) throws IOException {
    GroupReader og = g.group("options");
    QuantizationOptions options = new QuantizationOptions(og.integer("weight_bits"),
        og.integer("membrane_bits"), og.integer("output_bits"), og.integer("headroom_bits"),
        og.scalar("clip_percentile"));
    int inputs = g.integer("inputs");
    int layerCount = g.integer("layers");
    List<LayerConfig> layers = new ArrayList<>();
    double[] membraneScale = new double[Math.max(0, layerCount)];
    for (int l = 0; l < layerCount; l++) {
      GroupReader lg = g.group("layer" + l);
      layers.add(LayerConfig.builder(lg.integer("size"), lg.integer("inputs"),
              lg.integer("theta"))
          .recurrent(lg.integer("recurrent") != 0)
          .weightBits(lg.integer("w_bits"))
          .weightExponent(lg.integer("w_exp"))
          .membraneBits(lg.integer("u_bits"))
          .alpha(lg.integer("alpha")).build());
      membraneScale[l] = lg.scalar("membrane_scale");
    }
    GroupReader og2 = g.group("output");
    OutputConfig output = OutputConfig.builder(og2.integer("size"))
        .weightBits(og2.integer("w_bits"))
        .weightExponent(og2.integer("w_exp"))
        .outputBits(og2.integer("o_bits"))
        .kappa(og2.integer("kappa")).build();
    double outputScale = og2.scalar("output_scale");
    NetworkConfig config = new NetworkConfig(inputs, layers, output);
    GroupReader tg = g.group("tensors");
    Map<String, int[]> weights = new LinkedHashMap<>();
    for (WeightTensor t : config.tensors()) {
      double[] values = tg.values(t.name());
      if (values.length != t.length()) {
        throw g.problem(tg.path() + "/" + t.name() + " has " + values.length
            + " values, the network needs " + t.rows() + "x" + t.cols());
      }
      int[] ints = new int[values.length];
      for (int i = 0; i < ints.length; i++) {
        ints[i] = (int) values[i];
      }
      t.check(ints);
      weights.put(t.name(), ints);
    }
    return new StoredMapping(config, weights, membraneScale, outputScale,
        options.toMappingOptions());
  }

  /**
   * The stored integers with the quantizer's report recomputed against the float parameters
   * (step from the membrane or output scale and the weight exponent, clipped as the quantizer
   * counts); refuses a network whose shapes are not the parameters'.
   */
  @Override
  public TargetMapping restore(StoredMapping stored, SnnParameters p) {
    if (!(stored.network() instanceof NetworkConfig nc)) {
      throw new IllegalArgumentException("expected a mapping onto target sl1, got one onto "
          + stored.targetId());
    }
    SnnConfig c = p.config();
    boolean fits = nc.inputs() == c.inputs() && nc.layers().size() == c.layers()
        && nc.output().size() == c.outputs();
    for (int l = 0; fits && l < c.layers(); l++) {
      LayerConfig lc = nc.layers().get(l);
      fits = lc.size() == c.hiddenSize(l) && lc.recurrent() == c.recurrent();
    }
    if (!fits) {
      throw new IllegalArgumentException("/spikeloop/fixed_point describes a network of "
          + nc.inputs() + " inputs, layers " + nc.layers() + ", " + nc.output().size()
          + " outputs, which is not the graph's " + c.inputs() + "-" + c.hidden() + "-"
          + c.outputs() + (c.recurrent() ? " recurrent" : " feed-forward") + " network");
    }
    double[] membraneScale = stored.membraneScale();
    List<TensorReport> reports = new ArrayList<>();
    for (WeightTensor t : nc.tensors()) {
      double step;
      int exponent = 0;
      if (t.name().startsWith("out.")) {
        exponent = t.name().equals(WeightTensor.OUT_W) ? nc.output().wExp() : 0;
        step = Math.scalb(1.0, exponent) / stored.outputScale();
      } else {
        int l = Integer.parseInt(t.name().substring(5, t.name().indexOf('.')));
        exponent = t.name().endsWith(".bias") ? 0 : nc.layers().get(l).wExp();
        step = Math.scalb(1.0, exponent) / membraneScale[l];
      }
      double[] values = p.tensor(t.name()).values();
      int[] ints = stored.weights().get(t.name());
      long max = FixedPoint.maxSigned(t.bits());
      long min = FixedPoint.minSigned(t.bits());
      int clipped = 0;
      double maxAbs = 0;
      double maxErr = 0;
      for (int i = 0; i < values.length; i++) {
        double r = Math.rint(values[i] / step);
        if (r > max || r < min) { // as the quantizer counts: saturated at either end
          clipped++;
        }
        maxAbs = Math.max(maxAbs, Math.abs(values[i]));
        maxErr = Math.max(maxErr, Math.abs(values[i] - ints[i] * step));
      }
      reports.add(new TensorReport(t.name(), step, exponent, t.bits(), values.length, clipped,
          maxAbs, maxErr));
    }
    return Sl1Mapper.toMapping(c, new MappedNetwork(nc, stored.weights(), reports,
        membraneScale, stored.outputScale()));
  }
}
