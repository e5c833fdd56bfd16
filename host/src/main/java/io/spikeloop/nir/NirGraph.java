package io.spikeloop.nir;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A NIR graph: named nodes and directed edges between node names. Every edge must name nodes of
 * this graph (edges of a nested graph name that graph's nodes).
 */
public record NirGraph(Map<String, NirNode> nodes, List<Edge> edges) {
  public static final String TYPE = "NIRGraph";

  /** A directed edge {@code src -> dst}. */
  public record Edge(String src, String dst) {
    @Override
    public String toString() {
      return src + " -> " + dst;
    }
  }

  public NirGraph {
    nodes = Collections.unmodifiableMap(new LinkedHashMap<>(nodes));
    edges = List.copyOf(edges);
    for (Edge e : edges) {
      if (!nodes.containsKey(e.src()) || !nodes.containsKey(e.dst())) {
        throw new IllegalArgumentException("edge " + e + " names a node the graph does not have "
            + nodes.keySet());
      }
    }
  }

  /** Names of the nodes with an edge into {@code name}. */
  public List<String> predecessors(String name) {
    List<String> out = new ArrayList<>();
    for (Edge e : edges) {
      if (e.dst().equals(name)) {
        out.add(e.src());
      }
    }
    return out;
  }

  /** Names of the nodes {@code name} has an edge to. */
  public List<String> successors(String name) {
    List<String> out = new ArrayList<>();
    for (Edge e : edges) {
      if (e.src().equals(name)) {
        out.add(e.dst());
      }
    }
    return out;
  }
}
