package io.spikeloop.nir;

import static org.bytedeco.hdf5.global.hdf5.H5Dclose;
import static org.bytedeco.hdf5.global.hdf5.H5Dcreate2;
import static org.bytedeco.hdf5.global.hdf5.H5Dwrite;
import static org.bytedeco.hdf5.global.hdf5.H5F_ACC_TRUNC;
import static org.bytedeco.hdf5.global.hdf5.H5Fclose;
import static org.bytedeco.hdf5.global.hdf5.H5Fcreate;
import static org.bytedeco.hdf5.global.hdf5.H5Gclose;
import static org.bytedeco.hdf5.global.hdf5.H5Gcreate2;
import static org.bytedeco.hdf5.global.hdf5.H5P_DEFAULT;
import static org.bytedeco.hdf5.global.hdf5.H5S_ALL;
import static org.bytedeco.hdf5.global.hdf5.H5S_SCALAR;
import static org.bytedeco.hdf5.global.hdf5.H5Sclose;
import static org.bytedeco.hdf5.global.hdf5.H5Screate;
import static org.bytedeco.hdf5.global.hdf5.H5Screate_simple;
import static org.bytedeco.hdf5.global.hdf5.H5T_CSET_UTF8;
import static org.bytedeco.hdf5.global.hdf5.H5T_C_S1_g;
import static org.bytedeco.hdf5.global.hdf5.H5T_IEEE_F64LE_g;
import static org.bytedeco.hdf5.global.hdf5.H5T_NATIVE_DOUBLE_g;
import static org.bytedeco.hdf5.global.hdf5.H5T_NATIVE_INT32_g;
import static org.bytedeco.hdf5.global.hdf5.H5T_NATIVE_INT64_g;
import static org.bytedeco.hdf5.global.hdf5.H5T_STD_I32LE_g;
import static org.bytedeco.hdf5.global.hdf5.H5T_STD_I64LE_g;
import static org.bytedeco.hdf5.global.hdf5.H5T_VARIABLE;
import static org.bytedeco.hdf5.global.hdf5.H5Tclose;
import static org.bytedeco.hdf5.global.hdf5.H5Tcopy;
import static org.bytedeco.hdf5.global.hdf5.H5Tset_cset;
import static org.bytedeco.hdf5.global.hdf5.H5Tset_size;
import static org.bytedeco.hdf5.global.hdf5.H5open;

import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import io.spikeloop.mapper.NirFixedPointLayout;
import io.spikeloop.mapper.StoredMapping;
import io.spikeloop.model.Surrogate;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Array;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * A NIR graph in the HDF5 layout of the NIR reference implementation ({@code nir.write}):
 * <pre>
 *   /version                 UTF-8 string
 *   /node/type               "NIRGraph"
 *   /node/nodes/NAME/type    the node type, e.g. "LIF"
 *   /node/nodes/NAME/FIELD   each parameter as a float64 dataset (Input/Output: int64 "shape")
 *   /node/edges              [E][2] UTF-8 strings, one (source, target) row per edge
 * </pre>
 * A nested {@code NIRGraph} node repeats the {@code type}/{@code nodes}/{@code edges} layout
 * inside its group. Beside {@code /node}, spikeloop writes its {@code /spikeloop} group
 * ({@link SpikeloopExtension}; layout in {@code docs/nir.md}), which NIR readers never open.
 * Strings are variable-length UTF-8, as h5py writes them. Writing uses the HDF5 C library
 * (jhdf 0.10 cannot write) into a {@code .partial} file renamed into place; reading uses jhdf.
 */
public final class NirFile {
  /** The NIR format version written to {@code /version}. */
  public static final String NIR_VERSION = "1.0";
  private static final byte[] HDF5_SIGNATURE = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};

  /** What a NIR file holds; {@code extension} is {@code null} for files written by other tools. */
  public record Contents(String version, NirGraph graph, SpikeloopExtension extension) {}

  private NirFile() {}

  public static void write(Path file, NirGraph graph, SpikeloopExtension extension)
      throws IOException {
    Path absolute = file.toAbsolutePath();
    if (absolute.getParent() != null) {
      Files.createDirectories(absolute.getParent());
    }
    Path partial = absolute.resolveSibling(absolute.getFileName() + ".partial");
    try {
      synchronized (NirFile.class) { // one HDF5 library state per process
        try (Writer w = new Writer(partial)) {
          w.string(w.file, "version", NIR_VERSION);
          long node = w.group(w.file, "node");
          try {
            w.graph(node, graph);
          } finally {
            H5Gclose(node);
          }
          if (extension != null) {
            w.extension(extension);
          }
        }
      }
      Files.move(partial, absolute, StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(partial);
    }
  }

  /** Reads a NIR file; every problem is a {@link NirFormatException} naming the file and field. */
  public static Contents read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new NirFormatException(file, "no such file");
    }
    byte[] head = new byte[8];
    int n;
    try (InputStream in = Files.newInputStream(file)) {
      n = in.readNBytes(head, 0, 8);
    }
    if (n < 8 || !Arrays.equals(head, HDF5_SIGNATURE)) {
      throw new NirFormatException(file, "not a NIR file: no HDF5 signature (" + Files.size(file)
          + " bytes)");
    }
    try (HdfFile hdf = new HdfFile(file)) {
      String version = hdf.getChildren().containsKey("version")
          ? string(file, (Dataset) hdf.getChild("version"), "version") : "unknown";
      Node root = hdf.getChildren().get("node");
      if (!(root instanceof Group g)) {
        throw new NirFormatException(file, "no group /node (not a NIR graph)");
      }
      String type = string(file, dataset(file, g, "type", "/node"), "/node/type");
      if (!type.equals(NirGraph.TYPE)) {
        throw new NirFormatException(file, "/node has type '" + type + "', expected NIRGraph");
      }
      NirGraph graph = graph(file, g, "/node");
      Node ext = hdf.getChildren().get(SpikeloopExtension.GROUP);
      return new Contents(version, graph,
          ext instanceof Group eg ? extension(file, eg) : null);
    } catch (NirFormatException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new NirFormatException(file, "unreadable HDF5 (truncated or corrupt?): "
          + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
    }
  }

  // ---- reading (jhdf) ----

  private static NirGraph graph(Path file, Group g, String path) throws NirFormatException {
    Node nodesNode = g.getChildren().get("nodes");
    if (!(nodesNode instanceof Group nodesGroup)) {
      throw new NirFormatException(file, "graph " + path + " has no group 'nodes'");
    }
    Map<String, NirNode> nodes = new LinkedHashMap<>();
    for (Map.Entry<String, Node> e : nodesGroup.getChildren().entrySet()) {
      String nodePath = path + "/nodes/" + e.getKey();
      if (!(e.getValue() instanceof Group ng)) {
        throw new NirFormatException(file, nodePath + " is not a group");
      }
      nodes.put(e.getKey(), node(file, ng, nodePath));
    }
    List<NirGraph.Edge> edges = new ArrayList<>();
    Node edgesNode = g.getChildren().get("edges");
    if (edgesNode instanceof Dataset ed && !ed.isEmpty()) {
      Object data = ed.getData();
      int rows = Array.getLength(data);
      if (ed.getDimensions().length != 2 || ed.getDimensions()[1] != 2) {
        throw new NirFormatException(file, path + "/edges has shape "
            + Arrays.toString(ed.getDimensions()) + ", expected [E][2] strings");
      }
      for (int i = 0; i < rows; i++) {
        Object row = Array.get(data, i);
        edges.add(new NirGraph.Edge(text(Array.get(row, 0)), text(Array.get(row, 1))));
      }
    } else if (edgesNode != null && !(edgesNode instanceof Dataset)) {
      throw new NirFormatException(file, path + "/edges is not a dataset");
    }
    try {
      return new NirGraph(nodes, edges);
    } catch (IllegalArgumentException e) {
      throw new NirFormatException(file, path + ": " + e.getMessage());
    }
  }

  private static NirNode node(Path file, Group g, String path) throws NirFormatException {
    String type = string(file, dataset(file, g, "type", path), path + "/type");
    if (type.equals(NirGraph.TYPE)) {
      return NirNode.subgraph(graph(file, g, path));
    }
    Map<String, NirArray> fields = new LinkedHashMap<>();
    for (Map.Entry<String, Node> e : g.getChildren().entrySet()) {
      // type is the node's kind; input_type/output_type/metadata are groups NIR derives or
      // carries for tools; only numeric datasets are parameters
      if (e.getKey().equals("type") || !(e.getValue() instanceof Dataset d)) {
        continue;
      }
      if (isNumeric(d)) {
        fields.put(e.getKey(), array(file, d, path + "/" + e.getKey()));
      }
    }
    return NirNode.of(type, fields);
  }

  private static boolean isNumeric(Dataset d) {
    Class<?> t = d.getJavaType();
    return t.isPrimitive() && t != boolean.class && t != char.class
        || Number.class.isAssignableFrom(t);
  }

  static NirArray array(Path file, Dataset d, String path) throws NirFormatException {
    int[] shape = d.isScalar() ? new int[0] : d.getDimensions();
    long count = 1;
    for (int s : shape) {
      count *= s;
    }
    if (count > 1 << 28) {
      throw new NirFormatException(file, path + " has " + count + " values (limit 2^28)");
    }
    double[] values = new double[(int) count];
    if (count > 0) {
      Object data = d.getData();
      int[] at = {0};
      flatten(data, values, at);
      if (at[0] != count) {
        throw new NirFormatException(file, path + ": read " + at[0] + " values, shape needs "
            + count);
      }
    }
    for (int i = 0; i < values.length; i++) {
      if (!Double.isFinite(values[i])) {
        throw new NirFormatException(file, path + "[" + i + "] is " + values[i]);
      }
    }
    return new NirArray(values, shape);
  }

  private static void flatten(Object data, double[] out, int[] at) {
    // leaves of the usual element types copied directly (boxing every value costs 10x)
    if (data instanceof double[] d) {
      System.arraycopy(d, 0, out, at[0], d.length);
      at[0] += d.length;
    } else if (data instanceof float[] f) {
      for (float v : f) {
        out[at[0]++] = v;
      }
    } else if (data instanceof long[] l) {
      for (long v : l) {
        out[at[0]++] = v;
      }
    } else if (data instanceof int[] n) {
      for (int v : n) {
        out[at[0]++] = v;
      }
    } else if (data instanceof Number num) {
      out[at[0]++] = num.doubleValue();
    } else if (data.getClass().isArray()) {
      int n = Array.getLength(data);
      for (int i = 0; i < n; i++) {
        flatten(Array.get(data, i), out, at);
      }
    } else {
      throw new IllegalArgumentException("not a number: " + data);
    }
  }

  private static Dataset dataset(Path file, Group g, String name, String path)
      throws NirFormatException {
    Node n = g.getChildren().get(name);
    if (!(n instanceof Dataset d)) {
      throw new NirFormatException(file, "missing dataset " + path + "/" + name);
    }
    return d;
  }

  private static String string(Path file, Dataset d, String path) throws NirFormatException {
    Object data = d.getData();
    if (data != null && data.getClass().isArray() && Array.getLength(data) == 1) {
      data = Array.get(data, 0);
    }
    if (!(data instanceof String) && !(data instanceof byte[])) {
      throw new NirFormatException(file, path + " is not a string");
    }
    return text(data);
  }

  private static String text(Object o) {
    return o instanceof byte[] b ? new String(b, java.nio.charset.StandardCharsets.UTF_8)
        : String.valueOf(o);
  }

  private static double scalar(Path file, Group g, String name, String path)
      throws NirFormatException {
    NirArray a = array(file, dataset(file, g, name, path), path + "/" + name);
    if (a.size() != 1) {
      throw new NirFormatException(file, path + "/" + name + " must hold one value, has "
          + a.size());
    }
    return a.values()[0];
  }

  private static int integer(Path file, Group g, String name, String path)
      throws NirFormatException {
    double v = scalar(file, g, name, path);
    if (v != Math.rint(v) || Math.abs(v) > Integer.MAX_VALUE) {
      throw new NirFormatException(file, path + "/" + name + " = " + v + " is not a 32-bit integer");
    }
    return (int) v;
  }

  private static Group group(Path file, Group parent, String name, String path)
      throws NirFormatException {
    Node n = parent.getChildren().get(name);
    if (!(n instanceof Group g)) {
      throw new NirFormatException(file, "missing group " + path + "/" + name);
    }
    return g;
  }

  private static SpikeloopExtension extension(Path file, Group g) throws IOException {
    String path = "/" + SpikeloopExtension.GROUP;
    String format = string(file, dataset(file, g, "format", path), path + "/format");
    if (!format.equals(SpikeloopExtension.FORMAT)) {
      throw new NirFormatException(file, path + "/format is '" + format + "', expected "
          + SpikeloopExtension.FORMAT);
    }
    Discretisation disc;
    try {
      disc = Discretisation.parse(string(file, dataset(file, g, "discretisation", path),
          path + "/discretisation"));
    } catch (IllegalArgumentException e) {
      throw new NirFormatException(file, path + "/discretisation: " + e.getMessage());
    }
    NirArray s = array(file, dataset(file, g, "surrogate", path), path + "/surrogate");
    if (s.size() != 4) {
      throw new NirFormatException(file, path + "/surrogate needs 4 values (sigma, scale, "
          + "height, gamma), has " + s.size());
    }
    Surrogate surrogate = new Surrogate(s.values()[0], s.values()[1], s.values()[2],
        s.values()[3]);
    var fixed = g.getChildren().get("fixed_point");
    StoredMapping mapped = null;
    if (fixed instanceof Group fg) {
      String fp = path + "/fixed_point";
      String target = fg.getChildren().containsKey("target")
          ? string(file, dataset(file, fg, "target", fp), fp + "/target")
          : SpikeloopExtension.UNNAMED_FIXED_POINT_TARGET;
      NirFixedPointLayout layout;
      try {
        layout = SpikeloopExtension.layout(target);
      } catch (IllegalArgumentException e) {
        throw new NirFormatException(file, fp + " holds a mapping onto target " + target
            + "; this build reads " + SpikeloopExtension.layouts() + " only (evaluate the float "
            + "graph on a " + target + " device instead)");
      }
      try {
        mapped = layout.read(new HdfGroupReader(file, fg, fp));
      } catch (IllegalArgumentException e) {
        throw new NirFormatException(file, fp + ": " + e.getMessage());
      }
    }
    try {
      return new SpikeloopExtension(scalar(file, g, "dt", path), disc,
          scalar(file, g, "alpha", path), scalar(file, g, "kappa", path),
          scalar(file, g, "theta", path), surrogate, mapped);
    } catch (IllegalArgumentException e) {
      throw new NirFormatException(file, path + ": " + e.getMessage());
    }
  }

  /** A group of the file as a target's fixed-point layout reads it. */
  private record HdfGroupReader(Path file, Group group, String path)
      implements NirFixedPointLayout.GroupReader {
    @Override
    public int integer(String name) throws IOException {
      return NirFile.integer(file, group, name, path);
    }

    @Override
    public double scalar(String name) throws IOException {
      return NirFile.scalar(file, group, name, path);
    }

    @Override
    public double[] values(String name) throws IOException {
      return array(file, dataset(file, group, name, path), path + "/" + name).values();
    }

    @Override
    public NirFixedPointLayout.GroupReader group(String name) throws IOException {
      return new HdfGroupReader(file, NirFile.group(file, group, name, path), path + "/" + name);
    }

    @Override
    public IOException problem(String problem) {
      return new NirFormatException(file, problem);
    }
  }

  // ---- writing (HDF5 C library) ----

  /** Open file handle plus the typed dataset writers; closes the file. */
  private static final class Writer implements AutoCloseable {
    final Path path;
    final long file;

    Writer(Path path) throws IOException {
      this.path = path;
      check(H5open(), "initialise the HDF5 library");
      file = check(H5Fcreate(path.toString(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT),
          "create the file");
    }

    void graph(long g, NirGraph graph) throws IOException {
      string(g, "type", NirGraph.TYPE);
      long nodes = group(g, "nodes");
      try {
        for (Map.Entry<String, NirNode> e : graph.nodes().entrySet()) {
          long ng = group(nodes, e.getKey());
          try {
            NirNode node = e.getValue();
            if (node.graph() != null) {
              graph(ng, node.graph());
            } else {
              string(ng, "type", node.type());
              for (Map.Entry<String, NirArray> f : node.fields().entrySet()) {
                // NIR stores Input/Output shapes as integer arrays
                if (f.getKey().equals("shape")) {
                  longs(ng, f.getKey(), f.getValue());
                } else {
                  doubles(ng, f.getKey(), f.getValue());
                }
              }
            }
          } finally {
            H5Gclose(ng);
          }
        }
      } finally {
        H5Gclose(nodes);
      }
      String[] flat = new String[graph.edges().size() * 2];
      for (int i = 0; i < graph.edges().size(); i++) {
        flat[2 * i] = graph.edges().get(i).src();
        flat[2 * i + 1] = graph.edges().get(i).dst();
      }
      strings(g, "edges", flat, new long[] {graph.edges().size(), 2});
    }

    void extension(SpikeloopExtension x) throws IOException {
      long g = group(file, SpikeloopExtension.GROUP);
      try {
        string(g, "format", SpikeloopExtension.FORMAT);
        doubles(g, "dt", new NirArray(new double[] {x.dt()}, new int[0]));
        string(g, "discretisation", x.discretisation().label());
        doubles(g, "alpha", new NirArray(new double[] {x.alpha()}, new int[0]));
        doubles(g, "kappa", new NirArray(new double[] {x.kappa()}, new int[0]));
        doubles(g, "theta", new NirArray(new double[] {x.theta()}, new int[0]));
        Surrogate s = x.surrogate();
        doubles(g, "surrogate", NirArray.vector(new double[] {s.sigma(), s.scale(), s.height(),
            s.gamma()}));
        if (x.fixedPoint() != null) {
          fixedPoint(g, x);
        }
      } finally {
        H5Gclose(g);
      }
    }

    /**
     * The {@code fixed_point} group: a {@code target} dataset unless the target is the one a
     * group without it means, then the target's layout.
     */
    private void fixedPoint(long parent, SpikeloopExtension x) throws IOException {
      StoredMapping m = x.fixedPoint();
      NirFixedPointLayout layout = SpikeloopExtension.layout(m.targetId());
      inGroup(parent, "fixed_point", g -> {
        if (!m.targetId().equals(SpikeloopExtension.UNNAMED_FIXED_POINT_TARGET)) {
          string(g, "target", m.targetId());
        }
        layout.write(m, groupWriter(g));
      });
    }

    /** An open group as a target's fixed-point layout writes it. */
    private NirFixedPointLayout.GroupWriter groupWriter(long g) {
      return new NirFixedPointLayout.GroupWriter() {
        @Override
        public void int64(String name, long value) throws IOException {
          Writer.this.int64(g, name, value);
        }

        @Override
        public void float64(String name, double value) throws IOException {
          doubles(g, name, new NirArray(new double[] {value}, new int[0]));
        }

        @Override
        public void int32(String name, int[] values, long[] shape) throws IOException {
          ints(g, name, values, shape);
        }

        @Override
        public void group(String name, NirFixedPointLayout.Body body) throws IOException {
          inGroup(g, name, sub -> body.write(groupWriter(sub)));
        }
      };
    }

    /** Writes into a new group and closes it whatever happens (no HDF5 handle leaks). */
    private void inGroup(long parent, String name, GroupBody body) throws IOException {
      long group = group(parent, name);
      try {
        body.write(group);
      } finally {
        H5Gclose(group);
      }
    }

    /** What goes into one group. */
    private interface GroupBody {
      void write(long group) throws IOException;
    }

    long group(long parent, String name) throws IOException {
      return check(H5Gcreate2(parent, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
          "create group " + name);
    }

    void doubles(long g, String name, NirArray a) throws IOException {
      try (DoublePointer p = new DoublePointer(a.values())) {
        dataset(g, name, dims(a.shape()), H5T_IEEE_F64LE_g(), H5T_NATIVE_DOUBLE_g(), p);
      }
    }

    void longs(long g, String name, NirArray a) throws IOException {
      long[] v = new long[a.size()];
      for (int i = 0; i < v.length; i++) {
        v[i] = (long) a.values()[i];
      }
      try (LongPointer p = new LongPointer(v)) {
        dataset(g, name, dims(a.shape()), H5T_STD_I64LE_g(), H5T_NATIVE_INT64_g(), p);
      }
    }

    void int64(long g, String name, long value) throws IOException {
      try (LongPointer p = new LongPointer(new long[] {value})) {
        dataset(g, name, new long[0], H5T_STD_I64LE_g(), H5T_NATIVE_INT64_g(), p);
      }
    }

    void ints(long g, String name, int[] values, long[] shape) throws IOException {
      try (IntPointer p = new IntPointer(values)) {
        dataset(g, name, shape, H5T_STD_I32LE_g(), H5T_NATIVE_INT32_g(), p);
      }
    }

    void string(long g, String name, String value) throws IOException {
      strings(g, name, new String[] {value}, new long[0]);
    }

    /** Variable-length UTF-8 strings (h5py's {@code string_dtype()}), row-major. */
    void strings(long g, String name, String[] values, long[] shape) throws IOException {
      long type = check(H5Tcopy(H5T_C_S1_g()), "copy the string type");
      List<BytePointer> keep = new ArrayList<>();
      try (PointerPointer<BytePointer> p = new PointerPointer<>(Math.max(1, values.length))) {
        check(H5Tset_size(type, H5T_VARIABLE()), "make a variable-length string type");
        check(H5Tset_cset(type, H5T_CSET_UTF8), "make a UTF-8 string type");
        for (int i = 0; i < values.length; i++) {
          BytePointer s = new BytePointer(values[i], java.nio.charset.StandardCharsets.UTF_8);
          keep.add(s);
          p.put(i, s);
        }
        dataset(g, name, shape, type, type, values.length == 0 ? null : p);
      } finally {
        keep.forEach(Pointer::close);
        H5Tclose(type);
      }
    }

    private void dataset(long g, String name, long[] shape, long fileType, long memoryType,
                         Pointer data) throws IOException {
      long space = shape.length == 0 ? check(H5Screate(H5S_SCALAR), "create scalar dataspace")
          : check(H5Screate_simple(shape.length, shape, (long[]) null),
              "create dataspace for " + name);
      try {
        long ds = check(H5Dcreate2(g, name, fileType, space, H5P_DEFAULT, H5P_DEFAULT,
            H5P_DEFAULT), "create dataset " + name);
        try {
          if (data != null) {
            check(H5Dwrite(ds, memoryType, H5S_ALL, H5S_ALL, H5P_DEFAULT, data),
                "write dataset " + name);
          }
        } finally {
          H5Dclose(ds);
        }
      } finally {
        H5Sclose(space);
      }
    }

    private static long[] dims(int[] shape) {
      long[] d = new long[shape.length];
      for (int i = 0; i < d.length; i++) {
        d[i] = shape[i];
      }
      return d;
    }

    long check(long id, String what) throws IOException {
      if (id < 0) {
        throw new IOException(path + ": HDF5 library failed to " + what);
      }
      return id;
    }

    @Override
    public void close() throws IOException {
      check(H5Fclose(file), "close the file");
    }
  }
}
