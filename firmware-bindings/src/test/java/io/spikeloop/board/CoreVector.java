package io.spikeloop.board;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spikeloop.device.LayerConfig;
import io.spikeloop.device.NetworkConfig;
import io.spikeloop.device.OutputConfig;
import io.spikeloop.device.SpikeFrame;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A {@code spikeloop-core-vector/1} golden vector (shared/golden/README.md): the network, its
 * weights flattened row-major, the input frames and the expected spikes, membranes and outputs.
 */
record CoreVector(String name, NetworkConfig config, Map<String, int[]> weights,
                  List<SpikeFrame> inputs, List<int[][]> spikes, List<int[][]> membranes,
                  List<int[]> outputs, long totalSops, Long totalHiddenSpikes,
                  Long totalSaturatedU) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The folder of the system property {@code spikeloop.golden.core}. */
  static Path folder() {
    String dir = System.getProperty("spikeloop.golden.core");
    if (dir == null) {
      throw new IllegalStateException("system property spikeloop.golden.core is not set");
    }
    return Path.of(dir);
  }

  /** Every *.json of the folder, sorted by name. */
  static List<Path> files() throws IOException {
    try (Stream<Path> s = Files.list(folder())) {
      return s.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
    }
  }

  static CoreVector read(Path file) throws IOException {
    JsonNode root = JSON.readTree(file.toFile());
    JsonNode c = root.get("config");
    List<LayerConfig> layers = new ArrayList<>();
    for (JsonNode l : c.get("layers")) {
      layers.add(new LayerConfig(l.get("size").asInt(), l.get("recurrent").asBoolean(),
          l.get("wBits").asInt(), l.get("wExp").asInt(), l.get("uBits").asInt(),
          l.get("theta").asInt(), l.get("alpha").asInt(), l.get("inputs").asInt()));
    }
    JsonNode o = c.get("output");
    NetworkConfig config = new NetworkConfig(c.get("inputs").asInt(), layers,
        new OutputConfig(o.get("size").asInt(), o.get("wBits").asInt(), o.get("wExp").asInt(),
            o.get("oBits").asInt(), o.get("kappa").asInt()));
    Map<String, int[]> weights = new LinkedHashMap<>();
    root.get("weights").fields().forEachRemaining(e -> weights.put(e.getKey(), flat(e.getValue())));
    List<SpikeFrame> inputs = new ArrayList<>();
    for (JsonNode step : root.get("steps")) {
      inputs.add(SpikeFrame.ofUnsorted(ints(step.get("in")), SpikeFrame.NO_LABEL));
    }
    List<int[][]> spikes = new ArrayList<>();
    List<int[][]> membranes = new ArrayList<>();
    List<int[]> outputs = new ArrayList<>();
    for (JsonNode e : root.get("expect")) {
      spikes.add(perLayer(e.get("spikes")));
      membranes.add(perLayer(e.get("u")));
      outputs.add(ints(e.get("o")));
    }
    JsonNode totals = root.get("totals");
    return new CoreVector(file.getFileName().toString(), config, weights, inputs, spikes,
        membranes, outputs, totals.get("sops").asLong(), optionalLong(totals, "hiddenSpikes"),
        optionalLong(totals, "saturatedU"));
  }

  private static Long optionalLong(JsonNode node, String field) {
    return node.has(field) ? node.get(field).asLong() : null;
  }

  private static int[][] perLayer(JsonNode layers) {
    int[][] out = new int[layers.size()][];
    for (int l = 0; l < out.length; l++) {
      out[l] = ints(layers.get(l));
    }
    return out;
  }

  private static int[] ints(JsonNode array) {
    int[] out = new int[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).asInt();
    }
    return out;
  }

  /** A vector or a [post][pre] matrix, row-major. */
  private static int[] flat(JsonNode node) {
    List<Integer> values = new ArrayList<>();
    for (JsonNode row : node) {
      if (row.isArray()) {
        row.forEach(v -> values.add(v.asInt()));
      } else {
        values.add(row.asInt());
      }
    }
    return values.stream().mapToInt(Integer::intValue).toArray();
  }
}
