package io.spikeloop.nir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spikeloop.model.SnnConfig;
import io.spikeloop.model.SnnParameters;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Graphs written by other tools, and graphs and files spikeloop must refuse. */
class NirImportTest {

  @Test
  void readsAnSnnTorchRecurrentSubgraphWrittenByH5py() throws Exception {
    // written by src/test/resources/nir/make_snntorch_rleaky.py: gzip arrays, vlen strings
    Path file = Path.of(getClass().getResource("/nir/snntorch_rleaky.nir").toURI());
    NirImport.Result r = NirImport.read(file, NirImport.Options.SNNTORCH);
    SnnConfig c = r.params().config();
    assertEquals(4, c.inputs());
    assertEquals(List.of(3), c.hidden());
    assertTrue(c.recurrent());
    assertEquals(2, c.outputs());
    assertEquals(0.9, c.alpha(), 1e-12);
    assertEquals(0.8, c.kappa(), 1e-12);
    assertEquals(1.0, c.theta());
    // snnTorch's r = tau/dt makes the per-step gain 1: weights arrive unchanged
    assertArrayEquals(new double[] {0.5, -0.25, 1.0, 0.0, 0.75, 0.5, -0.5, 0.25, -1.0, 1.5, 0.5,
        0.125}, r.params().wIn(0));
    assertArrayEquals(new double[] {0.0625, -0.125, 0.25}, r.params().bias(0));
    assertArrayEquals(new double[] {0.0, 0.5, -0.25, 0.25, 0.0, 0.5, -0.5, 0.125, 0.0},
        r.params().wRec(0));
    assertArrayEquals(new double[] {1.0, -0.5, 0.25, -0.75, 0.5, 1.0}, r.params().wOut());
    assertArrayEquals(new double[] {0.5, -0.25}, r.params().bOut());
  }

  @Test
  void foldsGainLeakAndPerNeuronThresholdsIntoWeights(@TempDir Path dir) throws Exception {
    // Norse-style constants: r = 1, so the gain is dt/tau = 0.1 at dt = 1 ms, tau = 10 ms
    Map<String, NirNode> nodes = new LinkedHashMap<>();
    nodes.put("in", shape("Input", 2));
    nodes.put("w", NirNode.of("Linear", Map.of("weight", NirArray.matrix(
        new double[] {1, 2, 3, 4}, 2, 2))));
    nodes.put("lif", NirNode.of("LIF", fields("tau", NirArray.filled(2, 0.01), "r",
        NirArray.filled(2, 1), "v_leak", NirArray.vector(new double[] {0.5, 0}),
        "v_threshold", NirArray.vector(new double[] {2, 0.5}))));
    nodes.put("wo", NirNode.of("Affine", fields("weight", NirArray.matrix(new double[] {1, 1}, 1, 2),
        "bias", NirArray.vector(new double[] {3}))));
    nodes.put("li", NirNode.of("LI", fields("tau", NirArray.vector(new double[] {0.02}),
        "r", NirArray.vector(new double[] {1}), "v_leak", NirArray.vector(new double[] {0}))));
    nodes.put("out", shape("Output", 1));
    NirGraph g = new NirGraph(nodes, chain("in", "w", "lif", "wo", "li", "out"));
    NirImport.Result r = NirImport.convert(g, null, new NirImport.Options(1e-3,
        Discretisation.EULER));
    SnnParameters p = r.params();
    assertEquals(0.9, p.config().alpha(), 1e-12);
    assertEquals(0.95, p.config().kappa(), 1e-12);
    assertEquals(1.0, p.config().theta());
    assertEquals(1, r.notes().size(), "thresholds were normalised: " + r.notes());
    // row i scaled by gain 0.1 and 1/v_threshold[i]; leak drive (1 - 0.9) * 0.5 into the bias
    assertArrayEquals(new double[] {0.05, 0.1, 0.6, 0.8}, p.wIn(0), 1e-12);
    assertArrayEquals(new double[] {0.025, 0}, p.bias(0), 1e-12);
    assertArrayEquals(new double[] {0.05, 0.05}, p.wOut(), 1e-12);
    assertArrayEquals(new double[] {0.15}, p.bOut(), 1e-12);
    assertTrue(!p.config().recurrent());
  }

  @Test
  void refusesAnUnsupportedNodeNamingIt(@TempDir Path dir) throws Exception {
    Map<String, NirNode> nodes = new LinkedHashMap<>();
    nodes.put("input", shape("Input", 2));
    nodes.put("conv", NirNode.of("Conv1d", Map.of("weight", new NirArray(new double[8],
        new int[] {2, 2, 2}))));
    nodes.put("output", shape("Output", 2));
    Path file = dir.resolve("conv.nir");
    NirFile.write(file, new NirGraph(nodes, chain("input", "conv", "output")), null);
    NirFormatException e = assertThrows(NirFormatException.class,
        () -> NirImport.read(file, NirImport.Options.SNNTORCH));
    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("node 'conv' has type 'Conv1d'"), e.getMessage());
  }

  @Test
  void readsASpikingOutputLayerAsAnLiReadoutAndRefusesASlowSynapse() {
    // snnTorch's usual classifier ends in a Leaky (LIF) layer that spikes into the Output
    Map<String, NirNode> nodes = new LinkedHashMap<>();
    nodes.put("input", shape("Input", 2));
    nodes.put("fc1", NirNode.of("Linear", Map.of("weight", NirArray.matrix(new double[4], 2, 2))));
    nodes.put("lif1", lif(2));
    nodes.put("fc2", NirNode.of("Affine", fields("weight", NirArray.matrix(
        new double[] {1, 2, 3, 4}, 2, 2), "bias", NirArray.vector(new double[] {0.5, -1}))));
    nodes.put("lif2", NirNode.of("LIF", fields("tau", NirArray.filled(2, 5e-4), "r",
        NirArray.filled(2, 5), "v_leak", NirArray.filled(2, 0), "v_threshold",
        NirArray.filled(2, 1))));
    nodes.put("output", shape("Output", 2));
    NirImport.Result r = NirImport.convert(new NirGraph(nodes, chain("input", "fc1", "lif1",
        "fc2", "lif2", "output")), null, NirImport.Options.SNNTORCH);
    SnnConfig c = r.params().config();
    assertEquals(List.of(2), c.hidden());
    assertEquals(2, c.outputs());
    assertEquals(0.8, c.kappa(), 1e-12); // euler at dt 1e-4: 1 - 1e-4 / 5e-4
    // snnTorch's r = tau/dt: the gain r (1 - kappa) is 1, weights arrive unchanged
    assertArrayEquals(new double[] {1, 2, 3, 4}, r.params().wOut(), 1e-12);
    assertArrayEquals(new double[] {0.5, -1}, r.params().bOut(), 1e-12);
    assertTrue(r.notes().stream().anyMatch(n -> n.contains("output layer 'lif2' is a spiking LIF")
        && n.contains("read as an LI readout")), r.notes().toString());

    // a spiking layer right after the input is a network without hidden layer: still refused
    Map<String, NirNode> bare = new LinkedHashMap<>();
    bare.put("input", shape("Input", 2));
    bare.put("fc", NirNode.of("Linear", Map.of("weight", NirArray.matrix(new double[4], 2, 2))));
    bare.put("lif", lif(2));
    bare.put("output", shape("Output", 2));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> NirImport.convert(new NirGraph(bare, chain("input", "fc", "lif", "output")), null,
            NirImport.Options.SNNTORCH));
    assertTrue(e.getMessage().contains("'lif'"), e.getMessage());

    nodes.put("lif1", NirNode.of("CubaLIF", fields("tau_mem", NirArray.filled(2, 1e-3),
        "tau_syn", NirArray.filled(2, 5e-4), "r", NirArray.filled(2, 10), "v_leak",
        NirArray.filled(2, 0), "v_threshold", NirArray.filled(2, 1))));
    e = assertThrows(IllegalArgumentException.class,
        () -> NirImport.convert(new NirGraph(nodes, chain("input", "fc1", "lif1", "fc2", "lif2",
            "output")), null, NirImport.Options.SNNTORCH));
    assertTrue(e.getMessage().contains("CubaLIF node 'lif1' has tau_syn"), e.getMessage());
  }

  @Test
  void refusesLayersThatDecayDifferentlyAndNodesOffTheChain() {
    Map<String, NirNode> nodes = new LinkedHashMap<>();
    nodes.put("input", shape("Input", 2));
    nodes.put("fc1", NirNode.of("Linear", Map.of("weight", NirArray.matrix(new double[4], 2, 2))));
    nodes.put("lif1", lif(2));
    nodes.put("fc2", NirNode.of("Linear", Map.of("weight", NirArray.matrix(new double[4], 2, 2))));
    nodes.put("lif2", NirNode.of("LIF", fields("tau", NirArray.filled(2, 2e-3), "r",
        NirArray.filled(2, 10), "v_leak", NirArray.filled(2, 0), "v_threshold",
        NirArray.filled(2, 1))));
    nodes.put("fo", NirNode.of("Linear", Map.of("weight", NirArray.matrix(new double[2], 1, 2))));
    nodes.put("li", NirNode.of("LI", fields("tau", NirArray.filled(1, 1e-3), "r",
        NirArray.filled(1, 10), "v_leak", NirArray.filled(1, 0))));
    nodes.put("output", shape("Output", 1));
    List<NirGraph.Edge> edges = chain("input", "fc1", "lif1", "fc2", "lif2", "fo", "li", "output");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> NirImport.convert(new NirGraph(nodes, edges), null, NirImport.Options.SNNTORCH));
    assertTrue(e.getMessage().contains("node 'lif2' neuron 0 decays by 0.95"), e.getMessage());

    nodes.put("lif2", lif(2));
    nodes.put("probe", NirNode.of("LI", fields("tau", NirArray.filled(2, 1e-3), "r",
        NirArray.filled(2, 10), "v_leak", NirArray.filled(2, 0))));
    List<NirGraph.Edge> branched = new java.util.ArrayList<>(edges);
    branched.add(new NirGraph.Edge("lif1", "probe"));
    e = assertThrows(IllegalArgumentException.class,
        () -> NirImport.convert(new NirGraph(nodes, branched), null, NirImport.Options.SNNTORCH));
    assertTrue(e.getMessage().contains("node 'lif1' (LIF) feeds 2 nodes [fc2, probe]"),
        e.getMessage());
  }

  @Test
  void aCubaLifWhoseSynapseLastsOneStepIsALif() {
    Map<String, NirNode> nodes = new LinkedHashMap<>();
    nodes.put("input", shape("Input", 2));
    nodes.put("fc", NirNode.of("Linear", Map.of("weight", NirArray.matrix(
        new double[] {1, 0, 0, 1}, 2, 2))));
    // snnTorch's Synaptic with alpha = 0: tau_syn = dt, w_in = tau_syn/dt = 1, r = tau_mem/dt
    nodes.put("cuba", NirNode.of("CubaLIF", fields("tau_mem", NirArray.filled(2, 1e-3),
        "tau_syn", NirArray.filled(2, 1e-4), "r", NirArray.filled(2, 10), "v_leak",
        NirArray.filled(2, 0), "v_threshold", NirArray.filled(2, 1), "w_in",
        NirArray.filled(2, 1))));
    nodes.put("fo", NirNode.of("Linear", Map.of("weight", NirArray.matrix(new double[] {1, 1}, 1, 2))));
    nodes.put("li", NirNode.of("LI", fields("tau", NirArray.filled(1, 1e-3), "r",
        NirArray.filled(1, 10), "v_leak", NirArray.filled(1, 0))));
    nodes.put("output", shape("Output", 1));
    SnnParameters p = NirImport.convert(new NirGraph(nodes, chain("input", "fc", "cuba", "fo",
        "li", "output")), null, NirImport.Options.SNNTORCH).params();
    assertEquals(0.9, p.config().alpha(), 1e-12);
    assertArrayEquals(new double[] {1, 0, 0, 1}, p.wIn(0));
  }

  @Test
  void notHdf5MissingAndTruncatedFilesGiveClearErrors(@TempDir Path dir) throws Exception {
    Path text = dir.resolve("model.nir");
    Files.writeString(text, "this is not HDF5\n");
    NirFormatException e = assertThrows(NirFormatException.class,
        () -> NirImport.read(text, NirImport.Options.SNNTORCH));
    assertTrue(e.getMessage().startsWith(text + ": not a NIR file: no HDF5 signature"),
        e.getMessage());

    e = assertThrows(NirFormatException.class,
        () -> NirImport.read(dir.resolve("absent.nir"), NirImport.Options.SNNTORCH));
    assertTrue(e.getMessage().endsWith("absent.nir: no such file"), e.getMessage());

    SnnParameters p = NirRoundTripTest.network(true, List.of(40), 2);
    Path whole = dir.resolve("whole.nir");
    NirFile.write(whole, NirExport.export(p, 1e-3, Discretisation.EXACT), null);
    byte[] bytes = Files.readAllBytes(whole);
    Path cut = dir.resolve("cut.nir");
    Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    e = assertThrows(NirFormatException.class,
        () -> NirImport.read(cut, NirImport.Options.SNNTORCH));
    assertTrue(e.getMessage().startsWith(cut + ": "), e.getMessage());
  }

  private static NirNode lif(int n) {
    return NirNode.of("LIF", fields("tau", NirArray.filled(n, 1e-3), "r", NirArray.filled(n, 10),
        "v_leak", NirArray.filled(n, 0), "v_threshold", NirArray.filled(n, 1)));
  }

  private static NirNode shape(String type, int n) {
    return NirNode.of(type, Map.of("shape", NirArray.vector(new double[] {n})));
  }

  private static Map<String, NirArray> fields(Object... kv) {
    Map<String, NirArray> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], (NirArray) kv[i + 1]);
    }
    return m;
  }

  private static List<NirGraph.Edge> chain(String... names) {
    List<NirGraph.Edge> edges = new java.util.ArrayList<>();
    for (int i = 0; i + 1 < names.length; i++) {
      edges.add(new NirGraph.Edge(names[i], names[i + 1]));
    }
    return edges;
  }
}
