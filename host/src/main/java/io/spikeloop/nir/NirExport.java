package io.spikeloop.nir;

import io.spikeloop.model.SnnConfig;
import io.spikeloop.model.SnnParameters;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes spikeloop's network as a NIR graph. Hidden layer {@code l} becomes
 * {@code fc{l}} (Affine: {@code W_in}, {@code b}) feeding {@code lif{l}} (LIF), and for a
 * recurrent net {@code rec{l}} (Linear: {@code W_rec}) on the cycle {@code lif{l} -> rec{l} ->
 * lif{l}}; the readout is {@code fc_out} (Affine: {@code W_out}, {@code b_out}) feeding
 * {@code li_out} (LI). The chain starts at {@code input} and ends at {@code output}.
 *
 * <p>Neuron constants, per neuron: {@code tau = discretisation.tau(alpha, dt)},
 * {@code r = 1 / (1 - alpha)} (so the per-step input gain {@code r (1 - alpha)} is 1),
 * {@code v_leak = 0}, {@code v_threshold = theta}, {@code v_reset = 0}; the LI readout the same
 * with {@code kappa}. Lossy points are listed in {@code docs/nir.md}.
 */
public final class NirExport {
  private NirExport() {}

  public static NirGraph export(SnnParameters p, double dt, Discretisation discretisation) {
    SnnConfig c = p.config();
    Map<String, NirNode> nodes = new LinkedHashMap<>();
    List<NirGraph.Edge> edges = new ArrayList<>();
    nodes.put("input", NirNode.of("Input",
        Map.of("shape", NirArray.vector(new double[] {c.inputs()}))));
    String previous = "input";
    for (int l = 0; l < c.layers(); l++) {
      int n = c.hiddenSize(l);
      String fc = "fc" + l;
      String lif = "lif" + l;
      nodes.put(fc, affine(p.wIn(l), p.bias(l), n, c.layerInputs(l)));
      double tau = tauOf("alpha", c.alpha(), dt, discretisation);
      Map<String, NirArray> f = new LinkedHashMap<>();
      f.put("tau", NirArray.filled(n, tau));
      f.put("r", NirArray.filled(n, 1 / (1 - c.alpha())));
      f.put("v_leak", NirArray.filled(n, 0));
      f.put("v_threshold", NirArray.filled(n, c.theta()));
      f.put("v_reset", NirArray.filled(n, 0));
      nodes.put(lif, NirNode.of("LIF", f));
      edges.add(new NirGraph.Edge(previous, fc));
      edges.add(new NirGraph.Edge(fc, lif));
      if (c.recurrent()) {
        String rec = "rec" + l;
        nodes.put(rec, NirNode.of("Linear",
            Map.of("weight", NirArray.matrix(p.wRec(l).clone(), n, n))));
        edges.add(new NirGraph.Edge(lif, rec));
        edges.add(new NirGraph.Edge(rec, lif));
      }
      previous = lif;
    }
    int k = c.outputs();
    nodes.put("fc_out", affine(p.wOut(), p.bOut(), k, c.lastHidden()));
    Map<String, NirArray> li = new LinkedHashMap<>();
    li.put("tau", NirArray.filled(k, tauOf("kappa", c.kappa(), dt, discretisation)));
    li.put("r", NirArray.filled(k, 1 / (1 - c.kappa())));
    li.put("v_leak", NirArray.filled(k, 0));
    nodes.put("li_out", NirNode.of("LI", li));
    nodes.put("output", NirNode.of("Output", Map.of("shape", NirArray.vector(new double[] {k}))));
    edges.add(new NirGraph.Edge(previous, "fc_out"));
    edges.add(new NirGraph.Edge("fc_out", "li_out"));
    edges.add(new NirGraph.Edge("li_out", "output"));
    return new NirGraph(nodes, edges);
  }

  private static NirNode affine(double[] w, double[] b, int rows, int cols) {
    Map<String, NirArray> f = new LinkedHashMap<>();
    f.put("weight", NirArray.matrix(w.clone(), rows, cols));
    f.put("bias", NirArray.vector(b.clone()));
    return NirNode.of("Affine", f);
  }

  private static double tauOf(String what, double decay, double dt, Discretisation d) {
    try {
      return d.tau(decay, dt);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(what + " = " + decay + " cannot be exported to NIR: "
          + e.getMessage());
    }
  }
}
