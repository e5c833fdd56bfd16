package io.spikeloop.nir;

import io.spikeloop.mapper.MappingOptions;
import io.spikeloop.mapper.TargetMapping;
import io.spikeloop.model.SnnConfig;
import io.spikeloop.model.SnnParameters;
import io.spikeloop.model.Surrogate;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a NIR graph as a spikeloop network. Accepted: one {@code Input}, then per hidden layer
 * an {@code Affine} or {@code Linear} node feeding a {@code LIF} (or a {@code CubaLIF} whose
 * synaptic current does not outlast a step), optionally with an {@code Affine}/{@code Linear}
 * self-cycle ({@code lif -> w_rec -> lif}, flat or inside a {@code NIRGraph} subgraph as
 * snnTorch writes it), then an {@code Affine}/{@code Linear} node feeding an {@code LI}
 * readout, then one {@code Output}. A spiking {@code LIF} (or {@code CubaLIF}) layer that feeds
 * the {@code Output} directly, snnTorch's usual classifier, is read as an LI readout with its
 * time constant (threshold and reset dropped; a note says so). Anything else is refused naming
 * the node and its type.
 *
 * <p>Per neuron {@code i} with per-step decay {@code d_i = discretisation.decay(tau_i, dt)}:
 * incoming weights and bias are multiplied by the gain {@code r_i (1 - d_i)} (times
 * {@code w_in_i} for CubaLIF), and {@code (1 - d_i) v_leak_i} is added to the bias. All hidden
 * neurons must share one decay ({@code alpha}) and all readout units one ({@code kappa}). When
 * thresholds differ, each neuron's incoming weights and bias are divided by its threshold and
 * {@code theta = 1}, which leaves every spike unchanged. Gains within 1e-12 of 1 are taken as 1,
 * and decays and thresholds within 1e-9 of the {@code /spikeloop} group's exact values are taken
 * as those, so spikeloop's own files round-trip bit-exactly.
 */
public final class NirImport {
  static final Set<String> SUPPORTED = Set.of("Input", "Output", "Affine", "Linear", "LIF",
      "CubaLIF", "LI", NirGraph.TYPE);
  private static final double GAIN_SNAP = 1e-12;
  private static final double MATCH = 1e-9;

  /** Step and discretisation to assume for files without a {@code /spikeloop} group. */
  public record Options(double dt, Discretisation discretisation) {
    /** snnTorch's export convention: forward Euler at dt = 1e-4 s. */
    public static final Options SNNTORCH = new Options(1e-4, Discretisation.EULER);

    public Options {
      if (!(dt > 0) || !Double.isFinite(dt)) {
        throw new IllegalArgumentException("dt must be > 0 seconds, got " + dt);
      }
      if (discretisation == null) {
        throw new IllegalArgumentException("discretisation is required");
      }
    }
  }

  /**
   * The network read, its fixed-point mapping when the file carries one (the target's mapping
   * with its tensor errors recomputed against {@code params}, and the options it was made with;
   * both {@code null} otherwise), the step and rule the time constants were read with,
   * and notes on conversions that were applied.
   */
  public record Result(SnnParameters params, TargetMapping fixedPoint,
                       MappingOptions quantization, double dt,
                       Discretisation discretisation, boolean fromSpikeloop, List<String> notes) {}

  private NirImport() {}

  public static Result read(Path file, Options fallback) throws IOException {
    NirFile.Contents contents = NirFile.read(file);
    try {
      return convert(contents.graph(), contents.extension(), fallback);
    } catch (IllegalArgumentException e) {
      throw new NirFormatException(file, e.getMessage());
    }
  }

  /** Converts a graph; a problem is an {@link IllegalArgumentException} naming the node. */
  public static Result convert(NirGraph graph, SpikeloopExtension ext, Options fallback) {
    double dt = ext != null ? ext.dt() : fallback.dt();
    Discretisation disc = ext != null ? ext.discretisation() : fallback.discretisation();
    List<String> notes = new ArrayList<>();
    NirGraph g = flatten(graph, "");
    for (Map.Entry<String, NirNode> e : g.nodes().entrySet()) {
      if (!SUPPORTED.contains(e.getValue().type())) {
        throw new IllegalArgumentException("node '" + e.getKey() + "' has type '"
            + e.getValue().type() + "', which spikeloop does not support (it reads Input, "
            + "Affine, Linear, LIF, CubaLIF, LI, Output and NIRGraph subgraphs of them)");
      }
    }
    String input = only(g, "Input");
    String output = only(g, "Output");
    Set<String> visited = new HashSet<>();
    visited.add(input);
    visited.add(output);
    int inputs = shapeSize(input, g.nodes().get(input));

    List<Layer> layers = new ArrayList<>();
    String cur = input;
    String recOfCur = null;
    int width = inputs;
    Layer readout = null;
    while (readout == null) {
      List<String> next = new ArrayList<>(g.successors(cur));
      next.remove(recOfCur);
      String weightName = single(cur, next, g);
      NirNode w = g.nodes().get(weightName);
      if (!isDense(w)) {
        throw new IllegalArgumentException("node '" + weightName + "' (" + w.type() + ") follows '"
            + cur + "' (" + g.nodes().get(cur).type() + "); spikeloop needs an Affine or Linear "
            + "node there (and its readout is an LI node feeding the Output)");
      }
      requirePredecessors(g, weightName, List.of(cur));
      visited.add(weightName);
      Dense dense = dense(weightName, w, width);
      String neuronName = single(weightName, g.successors(weightName), g);
      NirNode neuron = g.nodes().get(neuronName);
      visited.add(neuronName);
      boolean spikingReadout = (neuron.type().equals("LIF") || neuron.type().equals("CubaLIF"))
          && g.successors(neuronName).equals(List.of(output)) && !layers.isEmpty();
      if (spikingReadout) {
        // snnTorch's usual classifier: the last Leaky layer spikes into the Output and the loss
        // counts its spikes. Its membrane, without threshold and reset, is an LI readout with
        // the same time constant, which is what spikeloop trains and evaluates (argmax of the
        // summed or last membrane instead of the spike count).
        requirePredecessors(g, neuronName, List.of(weightName));
        notes.add("output layer '" + neuronName + "' is a spiking " + neuron.type() + " feeding '"
            + output + "': read as an LI readout with its tau, r and v_leak (its v_threshold and "
            + "reset are dropped; predictions come from the membrane, not from spike counts)");
        readout = new Layer(neuronName, neuron, dense, null,
            Neurons.of(neuronName, neuron, dense.rows, dt, disc));
        continue;
      }
      switch (neuron.type()) {
        case "LIF", "CubaLIF" -> {
          String rec = null;
          Dense recDense = null;
          for (String p : g.predecessors(neuronName)) {
            if (p.equals(weightName)) {
              continue;
            }
            if (rec != null || !isDense(g.nodes().get(p))
                || !g.predecessors(p).equals(List.of(neuronName))
                || !g.successors(p).equals(List.of(neuronName))) {
              throw new IllegalArgumentException("node '" + neuronName + "' is fed by "
                  + g.predecessors(neuronName) + "; spikeloop needs one Affine/Linear input and at"
                  + " most one Affine/Linear self-cycle (recurrent weights)");
            }
            rec = p;
            recDense = dense(p, g.nodes().get(p), dense.rows);
            if (recDense.rows != dense.rows) {
              throw new IllegalArgumentException("recurrent node '" + p + "' has "
                  + recDense.rows + " rows, layer '" + neuronName + "' has " + dense.rows
                  + " neurons");
            }
            visited.add(p);
          }
          layers.add(new Layer(neuronName, neuron, dense, recDense,
              Neurons.of(neuronName, neuron, dense.rows, dt, disc)));
          cur = neuronName;
          recOfCur = rec;
          width = dense.rows;
        }
        case "LI" -> {
          requirePredecessors(g, neuronName, List.of(weightName));
          List<String> after = g.successors(neuronName);
          if (!after.equals(List.of(output))) {
            throw new IllegalArgumentException("LI node '" + neuronName + "' feeds " + after
                + "; spikeloop's LI readout must feed the Output node '" + output + "' only");
          }
          readout = new Layer(neuronName, neuron, dense, null,
              Neurons.of(neuronName, neuron, dense.rows, dt, disc));
        }
        default -> throw new IllegalArgumentException("node '" + neuronName + "' ("
            + neuron.type() + ") follows weights '" + weightName + "'; spikeloop needs LIF, "
            + "CubaLIF (hidden layer) or LI (readout) there");
      }
    }
    if (layers.isEmpty()) {
      throw new IllegalArgumentException("the graph has no LIF layer between '" + input
          + "' and the LI readout '" + readout.name + "'");
    }
    for (String name : g.nodes().keySet()) {
      if (!visited.contains(name)) {
        throw new IllegalArgumentException("node '" + name + "' (" + g.nodes().get(name).type()
            + ") is not on the chain from '" + input + "' to '" + output + "'");
      }
    }
    int outSize = shapeSize(output, g.nodes().get(output));
    if (outSize != readout.dense.rows) {
      throw new IllegalArgumentException("Output '" + output + "' has shape " + outSize
          + " but the readout '" + readout.name + "' has " + readout.dense.rows + " units");
    }
    return build(layers, readout, inputs, ext, dt, disc, notes);
  }

  private static Result build(List<Layer> layers, Layer readout, int inputs,
                              SpikeloopExtension ext, double dt, Discretisation disc,
                              List<String> notes) {
    double alpha = layers.get(0).neurons.decay[0];
    for (Layer l : layers) {
      for (int i = 0; i < l.neurons.decay.length; i++) {
        if (Math.abs(l.neurons.decay[i] - alpha) > MATCH) {
          throw new IllegalArgumentException("node '" + l.name + "' neuron " + i
              + " decays by " + l.neurons.decay[i] + " per step but '" + layers.get(0).name
              + "' neuron 0 by " + alpha + " (dt " + dt + " s, " + disc.label()
              + "); spikeloop shares one alpha across all hidden neurons");
        }
      }
    }
    double kappa = readout.neurons.decay[0];
    for (int k = 0; k < readout.neurons.decay.length; k++) {
      if (Math.abs(readout.neurons.decay[k] - kappa) > MATCH) {
        throw new IllegalArgumentException("LI node '" + readout.name + "' unit " + k
            + " decays by " + readout.neurons.decay[k] + " per step but unit 0 by " + kappa
            + "; spikeloop shares one kappa across the readout");
      }
    }
    double vth = layers.get(0).neurons.threshold[0];
    boolean uniform = true;
    for (Layer l : layers) {
      for (double t : l.neurons.threshold) {
        uniform &= t == vth;
      }
    }
    double theta = uniform ? vth : 1.0;
    if (!uniform) {
      notes.add("thresholds differ between neurons: each neuron's incoming weights and bias are "
          + "divided by its threshold and theta = 1 (spikes unchanged)");
    }
    if (ext != null) {
      alpha = Math.abs(ext.alpha() - alpha) <= MATCH ? ext.alpha() : alpha;
      kappa = Math.abs(ext.kappa() - kappa) <= MATCH ? ext.kappa() : kappa;
      theta = Math.abs(ext.theta() - theta) <= MATCH * Math.max(1, theta) ? ext.theta() : theta;
    }
    boolean recurrent = layers.stream().anyMatch(l -> l.rec != null);
    List<Integer> hidden = layers.stream().map(l -> l.dense.rows).toList();
    Surrogate surrogate = ext != null ? ext.surrogate() : Surrogate.DEFAULT;
    SnnConfig config;
    try {
      config = new SnnConfig(inputs, hidden, recurrent, readout.dense.rows, alpha, kappa, theta,
          surrogate);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the graph does not make a spikeloop network: "
          + e.getMessage());
    }
    SnnParameters p = SnnParameters.zeros(config);
    for (int l = 0; l < layers.size(); l++) {
      Layer layer = layers.get(l);
      Neurons nr = layer.neurons;
      int n = layer.dense.rows;
      int m = layer.dense.cols;
      double[] win = p.wIn(l);
      double[] bias = p.bias(l);
      double[] wrec = recurrent ? p.wRec(l) : null;
      for (int i = 0; i < n; i++) {
        double scale = theta / nr.threshold[i];
        double gain = nr.gain[i];
        for (int j = 0; j < m; j++) {
          win[i * m + j] = layer.dense.weight[i * m + j] * gain * scale;
        }
        double b = layer.dense.bias[i] + (layer.rec != null ? layer.rec.bias[i] : 0);
        bias[i] = (b * gain + nr.drive[i]) * scale;
        if (layer.rec != null) {
          for (int j = 0; j < n; j++) {
            wrec[i * n + j] = layer.rec.weight[i * n + j] * gain * scale;
          }
        }
      }
    }
    int k = readout.dense.rows;
    int n = readout.dense.cols;
    for (int o = 0; o < k; o++) {
      for (int j = 0; j < n; j++) {
        p.wOut()[o * n + j] = readout.dense.weight[o * n + j] * readout.neurons.gain[o];
      }
      p.bOut()[o] = readout.dense.bias[o] * readout.neurons.gain[o] + readout.neurons.drive[o];
    }
    TargetMapping mapped = null;
    if (ext != null && ext.fixedPoint() != null) {
      mapped = ext.fixedPointMapping(p);
    }
    return new Result(p, mapped, mapped == null ? null : ext.fixedPoint().options(),
        dt, disc, ext != null, List.copyOf(notes));
  }

  // ---- graph shape ----

  private record Dense(double[] weight, double[] bias, int rows, int cols) {}

  private record Layer(String name, NirNode node, Dense dense, Dense rec, Neurons neurons) {}

  /** Per-neuron decay, input gain, constant leak drive and threshold (LI: threshold unused). */
  private record Neurons(double[] decay, double[] gain, double[] drive, double[] threshold) {
    static Neurons of(String name, NirNode node, int n, double dt, Discretisation disc) {
      boolean cuba = node.type().equals("CubaLIF");
      double[] tau = param(name, node, cuba ? "tau_mem" : "tau", n, null);
      double[] r = param(name, node, "r", n, null);
      double[] vLeak = param(name, node, "v_leak", n, 0.0);
      double[] threshold = node.type().equals("LI") ? new double[n]
          : param(name, node, "v_threshold", n, null);
      double[] wIn = cuba ? param(name, node, "w_in", n, 1.0) : null;
      double[] tauSyn = cuba ? param(name, node, "tau_syn", n, null) : null;
      double[] decay = new double[n];
      double[] gain = new double[n];
      double[] drive = new double[n];
      for (int i = 0; i < n; i++) {
        if (!(tau[i] > 0)) {
          throw new IllegalArgumentException("node '" + name + "' has tau[" + i + "] = " + tau[i]
              + "; NIR time constants must be > 0");
        }
        decay[i] = disc.decay(tau[i], dt);
        if (!(decay[i] >= 0 && decay[i] <= 1)) {
          throw new IllegalArgumentException("node '" + name + "': tau[" + i + "] = " + tau[i]
              + " s gives a per-step decay of " + decay[i] + " at dt = " + dt + " s ("
              + disc.label() + "); it must lie in [0, 1] (is dt right?)");
        }
        double g = r[i] * (1 - decay[i]);
        if (cuba) {
          double synDecay = tauSyn[i] > 0 ? disc.decay(tauSyn[i], dt) : 0;
          if (Math.abs(synDecay) > MATCH) {
            throw new IllegalArgumentException("CubaLIF node '" + name + "' has tau_syn[" + i
                + "] = " + tauSyn[i] + " s, a synaptic decay of " + synDecay + " per step at dt = "
                + dt + " s (" + disc.label() + "); spikeloop's neurons have no synaptic current, "
                + "so only a synaptic decay of 0 (tau_syn = dt with euler) fits");
          }
          g *= wIn[i];
        }
        gain[i] = Math.abs(g - 1) <= GAIN_SNAP ? 1.0 : g;
        drive[i] = (1 - decay[i]) * vLeak[i];
        if (!node.type().equals("LI") && !(threshold[i] > 0)) {
          throw new IllegalArgumentException("node '" + name + "' has v_threshold[" + i + "] = "
              + threshold[i] + "; spikeloop needs thresholds > 0");
        }
      }
      return new Neurons(decay, gain, drive, threshold);
    }
  }

  /** A per-neuron parameter of length n, or one value broadcast to n; default when absent. */
  private static double[] param(String name, NirNode node, String field, int n, Double absent) {
    NirArray a = node.fields().get(field);
    double[] out = new double[n];
    if (a == null) {
      if (absent == null) {
        throw new IllegalArgumentException(node.type() + " node '" + name + "' has no field '"
            + field + "'");
      }
      java.util.Arrays.fill(out, absent);
      return out;
    }
    if (a.size() == 1) {
      java.util.Arrays.fill(out, a.values()[0]);
    } else if (a.size() == n) {
      System.arraycopy(a.values(), 0, out, 0, n);
    } else {
      throw new IllegalArgumentException(node.type() + " node '" + name + "' field '" + field
          + "' has " + a.size() + " values for " + n + " neurons");
    }
    return out;
  }

  private static boolean isDense(NirNode n) {
    return n.type().equals("Affine") || n.type().equals("Linear");
  }

  private static Dense dense(String name, NirNode node, int fanIn) {
    NirArray w = node.field("weight");
    if (w.rank() != 2) {
      throw new IllegalArgumentException(node.type() + " node '" + name + "' has a weight of "
          + "shape " + java.util.Arrays.toString(w.shape()) + "; spikeloop needs a [post][pre] "
          + "matrix");
    }
    int rows = w.shape()[0];
    int cols = w.shape()[1];
    if (cols != fanIn) {
      throw new IllegalArgumentException(node.type() + " node '" + name + "' takes " + cols
          + " inputs but is fed " + fanIn);
    }
    double[] bias = new double[rows];
    if (node.type().equals("Affine")) {
      NirArray b = node.field("bias");
      if (b.size() != rows) {
        throw new IllegalArgumentException("Affine node '" + name + "' has " + b.size()
            + " biases for " + rows + " outputs");
      }
      bias = b.values().clone();
    }
    return new Dense(w.values().clone(), bias, rows, cols);
  }

  private static int shapeSize(String name, NirNode node) {
    NirArray s = node.fields().get("shape");
    if (s == null || s.size() == 0) {
      throw new IllegalArgumentException(node.type() + " node '" + name + "' has no shape");
    }
    long n = 1;
    for (double d : s.values()) {
      n *= (long) d;
    }
    if (n < 1 || n > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(node.type() + " node '" + name + "' has shape of size "
          + n);
    }
    return (int) n;
  }

  private static String only(NirGraph g, String type) {
    List<String> names = g.nodes().entrySet().stream()
        .filter(e -> e.getValue().type().equals(type)).map(Map.Entry::getKey).toList();
    if (names.size() != 1) {
      throw new IllegalArgumentException("the graph has " + names.size() + " " + type
          + " nodes " + names + "; spikeloop needs exactly one");
    }
    return names.get(0);
  }

  private static String single(String from, List<String> next, NirGraph g) {
    if (next.size() != 1) {
      throw new IllegalArgumentException("node '" + from + "' (" + g.nodes().get(from).type()
          + ") feeds " + next.size() + " nodes " + next + "; spikeloop runs a chain of layers");
    }
    return next.get(0);
  }

  private static void requirePredecessors(NirGraph g, String name, List<String> expected) {
    if (!g.predecessors(name).equals(expected)) {
      throw new IllegalArgumentException("node '" + name + "' (" + g.nodes().get(name).type()
          + ") is fed by " + g.predecessors(name) + ", expected only " + expected);
    }
  }

  /**
   * Inlines every NIRGraph node: its nodes join the outer graph as {@code sub.inner}, its Input
   * and Output nodes disappear, and outer edges into (out of) it connect to what its Input feeds
   * (what feeds its Output).
   */
  static NirGraph flatten(NirGraph g, String prefix) {
    Map<String, NirNode> nodes = new LinkedHashMap<>();
    List<NirGraph.Edge> edges = new ArrayList<>();
    Map<String, List<String>> entries = new LinkedHashMap<>();
    Map<String, List<String>> exits = new LinkedHashMap<>();
    for (Map.Entry<String, NirNode> e : g.nodes().entrySet()) {
      String name = e.getKey();
      NirNode node = e.getValue();
      if (node.graph() == null) {
        nodes.put(prefix + name, node);
        continue;
      }
      NirGraph inner = flatten(node.graph(), prefix + name + ".");
      List<String> in = new ArrayList<>();
      List<String> out = new ArrayList<>();
      Set<String> ports = new HashSet<>();
      for (Map.Entry<String, NirNode> ie : inner.nodes().entrySet()) {
        String type = ie.getValue().type();
        if (type.equals("Input")) {
          in.addAll(inner.successors(ie.getKey()));
          ports.add(ie.getKey());
        } else if (type.equals("Output")) {
          out.addAll(inner.predecessors(ie.getKey()));
          ports.add(ie.getKey());
        } else {
          nodes.put(ie.getKey(), ie.getValue());
        }
      }
      for (NirGraph.Edge ie : inner.edges()) {
        if (!ports.contains(ie.src()) && !ports.contains(ie.dst())) {
          edges.add(ie);
        }
      }
      entries.put(name, in);
      exits.put(name, out);
    }
    for (NirGraph.Edge e : g.edges()) {
      List<String> from = exits.getOrDefault(e.src(), List.of(prefix + e.src()));
      List<String> to = entries.getOrDefault(e.dst(), List.of(prefix + e.dst()));
      for (String a : from) {
        for (String b : to) {
          edges.add(new NirGraph.Edge(a, b));
        }
      }
    }
    return new NirGraph(nodes, edges);
  }
}
