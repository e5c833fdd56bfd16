package io.spikeloop.nir;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One NIR node: its {@code type} as the specification spells it ({@code Input}, {@code Affine},
 * {@code LIF}, ...), its numeric fields by their specification names, and for a
 * {@code NIRGraph} node the nested graph ({@code null} otherwise).
 */
public record NirNode(String type, Map<String, NirArray> fields, NirGraph graph) {
  public NirNode {
    if (type == null || type.isEmpty()) {
      throw new IllegalArgumentException("a NIR node needs a type");
    }
    fields = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    if (type.equals(NirGraph.TYPE) != (graph != null)) {
      throw new IllegalArgumentException("only a NIRGraph node holds a nested graph (type " + type
          + ")");
    }
  }

  public static NirNode of(String type, Map<String, NirArray> fields) {
    return new NirNode(type, fields, null);
  }

  public static NirNode subgraph(NirGraph graph) {
    return new NirNode(NirGraph.TYPE, Map.of(), graph);
  }

  /** The field, or an exception naming the node type and the field. */
  public NirArray field(String name) {
    NirArray a = fields.get(name);
    if (a == null) {
      throw new IllegalArgumentException(type + " node has no field '" + name + "' (has "
          + fields.keySet() + ")");
    }
    return a;
  }
}
