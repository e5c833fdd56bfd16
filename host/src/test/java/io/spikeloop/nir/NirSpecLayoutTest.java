package io.spikeloop.nir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import io.spikeloop.mapper.StoredMapping;
import io.spikeloop.mapper.sl1.QuantizationOptions;
import io.spikeloop.mapper.sl1.Quantizer;
import io.spikeloop.mapper.sl1.Sl1Mapper;
import io.spikeloop.model.SnnConfig;
import io.spikeloop.model.SnnParameters;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exported file against the NIR specification (the reference implementation's node classes
 * in nir/ir/*.py and its HDF5 writer nir/serialization.py): node types, field names, dtypes and
 * shapes, the edge list, and nothing inside /node that a NIR reader would reject.
 */
class NirSpecLayoutTest {
  /** Fields of each node type as the NIR reference implementation names them. */
  private static final Map<String, Set<String>> SPEC_FIELDS = Map.of(
      "Input", Set.of("shape"),
      "Output", Set.of("shape"),
      "Affine", Set.of("weight", "bias"),
      "Linear", Set.of("weight"),
      "LIF", Set.of("tau", "r", "v_leak", "v_threshold", "v_reset"),
      "LI", Set.of("tau", "r", "v_leak"));

  @Test
  void fieldNamesDtypesAndShapesFollowTheSpecification(@TempDir Path dir) throws Exception {
    SnnParameters p = NirRoundTripTest.network(true, List.of(12, 9), 3);
    SnnConfig c = p.config();
    Path file = dir.resolve("m.nir");
    QuantizationOptions q = new QuantizationOptions(8, 16, 16, 3, 100);
    NirFile.write(file, NirExport.export(p, 1e-3, Discretisation.EXACT),
        new SpikeloopExtension(1e-3, Discretisation.EXACT, c.alpha(), c.kappa(), c.theta(),
            c.surrogate(), StoredMapping.of(Sl1Mapper.toMapping(c, Quantizer.map(p, q)),
                q.toMappingOptions())));
    try (HdfFile hdf = new HdfFile(file)) {
      assertEquals(Set.of("version", "node", "spikeloop"), hdf.getChildren().keySet());
      assertEquals(NirFile.NIR_VERSION, ((Dataset) hdf.getChild("version")).getData());
      Group node = (Group) hdf.getChild("node");
      assertEquals(Set.of("type", "nodes", "edges"), node.getChildren().keySet());
      assertEquals("NIRGraph", ((Dataset) node.getChild("type")).getData());
      Dataset edges = (Dataset) node.getChild("edges");
      assertArrayEquals(new int[] {11, 2}, edges.getDimensions());
      String[][] e = (String[][]) edges.getData();
      assertArrayEquals(new String[] {"input", "fc0"}, e[0]);
      assertArrayEquals(new String[] {"lif0", "rec0"}, e[2]);
      assertArrayEquals(new String[] {"rec0", "lif0"}, e[3]);
      assertArrayEquals(new String[] {"li_out", "output"}, e[10]);

      Group nodes = (Group) node.getChild("nodes");
      assertEquals(Set.of("input", "fc0", "lif0", "rec0", "fc1", "lif1", "rec1", "fc_out",
          "li_out", "output"), nodes.getChildren().keySet());
      Map<String, String> types = Map.of("input", "Input", "fc0", "Affine", "lif0", "LIF",
          "rec0", "Linear", "fc_out", "Affine", "li_out", "LI", "output", "Output");
      for (Map.Entry<String, Node> n : nodes.getChildren().entrySet()) {
        Group g = (Group) n.getValue();
        String type = (String) ((Dataset) g.getChild("type")).getData();
        if (types.containsKey(n.getKey())) {
          assertEquals(types.get(n.getKey()), type, n.getKey());
        }
        Set<String> fields = new java.util.HashSet<>(g.getChildren().keySet());
        fields.remove("type");
        assertEquals(SPEC_FIELDS.get(type), fields, n.getKey() + " (" + type + ")");
        for (String f : fields) {
          Class<?> want = f.equals("shape") ? long.class : double.class;
          assertEquals(want, ((Dataset) g.getChild(f)).getJavaType(), n.getKey() + "/" + f);
        }
      }
      assertShape(nodes, "input", "shape", 1);
      assertArrayEquals(new long[] {16}, (long[]) ((Dataset) nodes.getByPath("input/shape")).getData());
      assertArrayEquals(new long[] {5}, (long[]) ((Dataset) nodes.getByPath("output/shape")).getData());
      assertShape(nodes, "fc0", "weight", 12, 16);
      assertShape(nodes, "fc0", "bias", 12);
      assertShape(nodes, "rec0", "weight", 12, 12);
      assertShape(nodes, "fc1", "weight", 9, 12);
      for (String f : List.of("tau", "r", "v_leak", "v_threshold", "v_reset")) {
        assertShape(nodes, "lif0", f, 12);
        assertShape(nodes, "lif1", f, 9);
      }
      assertShape(nodes, "fc_out", "weight", 5, 9);
      for (String f : List.of("tau", "r", "v_leak")) {
        assertShape(nodes, "li_out", f, 5);
      }
      double[] tau = (double[]) ((Dataset) nodes.getByPath("lif0/tau")).getData();
      assertEquals(-1e-3 / Math.log(0.93), tau[0], 1e-15);
      double[] r = (double[]) ((Dataset) nodes.getByPath("lif0/r")).getData();
      assertEquals(1 / (1 - 0.93), r[0], 1e-12);
      double[] vth = (double[]) ((Dataset) nodes.getByPath("lif1/v_threshold")).getData();
      assertEquals(1.25, vth[8]);

      Group ext = (Group) hdf.getChild("spikeloop");
      assertEquals(SpikeloopExtension.FORMAT, ((Dataset) ext.getChild("format")).getData());
      Dataset w = (Dataset) hdf.getByPath("spikeloop/fixed_point/tensors/layer0.in");
      assertEquals(int.class, w.getJavaType());
      assertArrayEquals(new int[] {12, 16}, w.getDimensions());
      assertEquals(8L, ((Dataset) hdf.getByPath("spikeloop/fixed_point/layer1/w_bits")).getData());
      assertTrue(((Dataset) hdf.getByPath("spikeloop/fixed_point/layer0/alpha")).isScalar());
    }
  }

  private static void assertShape(Group nodes, String node, String field, int... shape) {
    Dataset d = (Dataset) nodes.getByPath(node + "/" + field);
    assertArrayEquals(shape, d.getDimensions(), node + "/" + field);
  }
}
