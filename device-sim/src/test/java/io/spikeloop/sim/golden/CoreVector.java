package io.spikeloop.sim.golden;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spikeloop.device.Capability;
import io.spikeloop.device.Device;
import io.spikeloop.device.ReadoutLevel;
import io.spikeloop.device.SpikeFrame;
import io.spikeloop.device.StepResult;
import io.spikeloop.device.Telemetry;
import io.spikeloop.device.WeightTensor;
import io.spikeloop.target.sl1.FixedPoint;
import io.spikeloop.target.sl1.LayerConfig;
import io.spikeloop.target.sl1.NetworkConfig;
import io.spikeloop.target.sl1.OutputConfig;
import io.spikeloop.target.sl1.Sl1Target;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * One golden vector of the SL-1 forward pass ({@code spikeloop-core-vector/1}, see
 * {@code core-semantics.md}), and how to run it on any {@link Device}.
 *
 * <p>Published in device-sim's test-jar so that every device implementation runs the same
 * vectors; users need jackson-databind on their test class path.
 *
 * @param weights      every tensor by name, row-major {@code [post][pre]}
 * @param inputs       per step, the input axon ids
 * @param hiddenSpikes {@code totals.hiddenSpikes} when the vector has it
 * @param saturatedU   {@code totals.saturatedU} (membrane values clamped) when the vector has it
 */
public record CoreVector(String name, NetworkConfig config, Map<String, int[]> weights,
                         List<int[]> inputs, List<Expected> expect, long totalSops,
                         OptionalLong hiddenSpikes, OptionalLong saturatedU) {

  public static final String FORMAT = "spikeloop-core-vector/1";
  /** System property naming the folder of vectors. */
  public static final String FOLDER_PROPERTY = "spikeloop.golden.core";

  /** What the core must produce after one step. */
  public record Expected(int[][] spikes, int[][] u, int[] o) {}

  /**
   * The first difference between a device and the vector.
   *
   * @param step     the step (-1 for totals)
   * @param quantity spikes, u, o, sops, hiddenSpikes, saturatedU
   * @param layer    hidden layer (-1 for outputs and totals)
   * @param neuron   neuron or output index (-1 for totals)
   */
  public record Mismatch(String vector, int step, String quantity, int layer, int neuron,
                         long expected, long actual) {
    @Override
    public String toString() {
      return vector + ": " + quantity + (step >= 0 ? " at step " + step : " (totals)")
          + (layer >= 0 ? " layer " + layer : "") + (neuron >= 0 ? " neuron " + neuron : "")
          + ": expected " + expected + ", device gave " + actual;
    }
  }

  /** The folder named by {@value #FOLDER_PROPERTY}, else this module's copy. */
  public static Path folder() {
    return Path.of(System.getProperty(FOLDER_PROPERTY, "src/test/resources/golden/core"));
  }

  /** Every {@code *.json} of the folder, sorted by file name. */
  public static List<Path> files(Path folder) {
    if (!Files.isDirectory(folder)) {
      throw new IllegalArgumentException("golden core vector folder " + folder.toAbsolutePath()
          + " does not exist (set -D" + FOLDER_PROPERTY + "=DIR)");
    }
    try (Stream<Path> s = Files.list(folder)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + folder, e);
    }
  }

  /** Reads one vector; malformed files raise an exception naming the file and the field. */
  public static CoreVector load(Path file) {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read golden vector " + file, e);
    }
    String where = file.getFileName().toString();
    JsonNode c = field(root, "config", where);
    String format = field(c, "format", where).asText();
    if (!format.equals(FORMAT)) {
      throw new IllegalArgumentException(where + ": format '" + format + "', expected " + FORMAT);
    }
    List<LayerConfig> layers = new ArrayList<>();
    for (JsonNode l : field(c, "layers", where)) {
      String kind = l.path("kind").asText("lif");
      if (!kind.equals("lif")) {
        throw new IllegalArgumentException(where + ": layer kind '" + kind + "' (only lif exists)");
      }
      layers.add(new LayerConfig(integer(l, "size", where), field(l, "recurrent", where).asBoolean(),
          integer(l, "wBits", where), integer(l, "wExp", where), integer(l, "uBits", where),
          integer(l, "theta", where), integer(l, "alpha", where), integer(l, "inputs", where)));
    }
    JsonNode out = field(c, "output", where);
    NetworkConfig config = new NetworkConfig(integer(c, "inputs", where), layers,
        new OutputConfig(integer(out, "size", where), integer(out, "wBits", where),
            integer(out, "wExp", where), integer(out, "oBits", where), integer(out, "kappa", where)));

    JsonNode w = field(root, "weights", where);
    Map<String, int[]> weights = new LinkedHashMap<>();
    for (WeightTensor t : config.tensors()) {
      JsonNode node = field(w, t.name(), where + " weights");
      int[] flat = new int[t.length()];
      if (node.size() != t.rows()) {
        throw new IllegalArgumentException(where + ": weights." + t.name() + " has " + node.size()
            + " rows, expected " + t.rows());
      }
      for (int r = 0; r < t.rows(); r++) {
        JsonNode row = node.get(r);
        if (t.cols() == 1 && row.isNumber()) {
          flat[r] = row.intValue();
          continue;
        }
        if (row.size() != t.cols()) {
          throw new IllegalArgumentException(where + ": weights." + t.name() + "[" + r + "] has "
              + row.size() + " values, expected " + t.cols());
        }
        for (int col = 0; col < t.cols(); col++) {
          flat[r * t.cols() + col] = row.get(col).intValue();
        }
      }
      weights.put(t.name(), flat);
    }

    List<int[]> inputs = new ArrayList<>();
    for (JsonNode s : field(root, "steps", where)) {
      inputs.add(ints(field(s, "in", where)));
    }
    List<Expected> expect = new ArrayList<>();
    for (JsonNode e : field(root, "expect", where)) {
      expect.add(new Expected(intss(field(e, "spikes", where)), intss(field(e, "u", where)),
          ints(field(e, "o", where))));
    }
    if (expect.size() != inputs.size()) {
      throw new IllegalArgumentException(where + ": " + inputs.size() + " steps but "
          + expect.size() + " expectations");
    }
    JsonNode totals = field(root, "totals", where);
    return new CoreVector(root.path("name").asText(where), config, weights, inputs, expect,
        field(totals, "sops", where).asLong(), optional(totals, "hiddenSpikes"),
        optional(totals, "saturatedU"));
  }

  /**
   * Configures the device with this vector's network and weights, runs every step at the
   * richest readout the device offers, and returns the first difference (spikes, membranes when
   * the device reads them out, outputs, then the totals), or empty when all match.
   */
  public Optional<Mismatch> runOn(Device device) {
    device.configure(config);
    for (Map.Entry<String, int[]> e : weights.entrySet()) {
      device.writeWeights(e.getKey(), e.getValue());
    }
    boolean membranes = device.info().has(Capability.MEMBRANE_READOUT);
    ReadoutLevel level = membranes ? ReadoutLevel.FULL : ReadoutLevel.SPIKES;
    Telemetry before = device.telemetry();
    long stepSops = 0;
    for (int t = 0; t < inputs.size(); t++) {
      StepResult r = device.step(new SpikeFrame(inputs.get(t)), level);
      stepSops += r.sops();
      Expected x = expect.get(t);
      for (int l = 0; l < x.spikes().length; l++) {
        Optional<Mismatch> m = compareSpikes(t, l, x.spikes()[l], r.spikes()[l]);
        if (m.isPresent()) {
          return m;
        }
      }
      if (membranes) {
        for (int l = 0; l < x.u().length; l++) {
          Optional<Mismatch> m = compare(t, "u", l, x.u()[l], r.membranes()[l]);
          if (m.isPresent()) {
            return m;
          }
        }
      }
      Optional<Mismatch> m = compare(t, "o", -1, x.o(), r.outputs());
      if (m.isPresent()) {
        return m;
      }
    }
    if (stepSops != totalSops) {
      return Optional.of(new Mismatch(name, -1, "sops (sum of step results)", -1, -1, totalSops,
          stepSops));
    }
    Telemetry run = device.telemetry().minus(before);
    if (run.sops() != totalSops) {
      return Optional.of(new Mismatch(name, -1, "sops (telemetry)", -1, -1, totalSops, run.sops()));
    }
    if (hiddenSpikes.isPresent() && run.count(Sl1Target.HIDDEN_SPIKES) != hiddenSpikes.getAsLong()) {
      return Optional.of(new Mismatch(name, -1, "hiddenSpikes (telemetry)", -1, -1,
          hiddenSpikes.getAsLong(), run.count(Sl1Target.HIDDEN_SPIKES)));
    }
    if (saturatedU.isPresent()) {
      // Telemetry counts membrane and output clamps together. An output can only have been
      // clamped if it sits at a bound of oBits at some step; when none does, the count is exact.
      long expected = saturatedU.getAsLong();
      boolean exact = !outputsTouchBounds();
      if (exact ? run.count(Sl1Target.SATURATIONS) != expected : run.count(Sl1Target.SATURATIONS) < expected) {
        return Optional.of(new Mismatch(name, -1, exact ? "saturations (telemetry; no output "
            + "at a bound, so all are membrane clamps)" : "saturations (telemetry, at least "
            + "saturatedU)", -1, -1, expected, run.count(Sl1Target.SATURATIONS)));
      }
    }
    return Optional.empty();
  }

  /** Runs the vector and throws an {@link AssertionError} describing the first mismatch. */
  public void assertMatches(Device device) {
    runOn(device).ifPresent(m -> {
      throw new AssertionError(m.toString());
    });
  }

  /** Whether some expected output equals the minimum or maximum of oBits. */
  public boolean outputsTouchBounds() {
    long max = FixedPoint.maxSigned(config.output().oBits());
    long min = FixedPoint.minSigned(config.output().oBits());
    return expect.stream().flatMapToInt(e -> Arrays.stream(e.o())).anyMatch(v -> v == max || v == min);
  }

  private Optional<Mismatch> compareSpikes(int step, int layer, int[] expected, int[] actual) {
    int n = config.layers().get(layer).size();
    byte[] e = new byte[n];
    byte[] a = new byte[n];
    for (int id : expected) {
      e[id] = 1;
    }
    for (int id : actual) {
      if (id < 0 || id >= n) {
        return Optional.of(new Mismatch(name, step, "spike id out of range", layer, id, n - 1, id));
      }
      a[id] = 1;
    }
    for (int j = 0; j < n; j++) {
      if (e[j] != a[j]) {
        return Optional.of(new Mismatch(name, step, "spikes", layer, j, e[j], a[j]));
      }
    }
    if (actual.length != expected.length) {
      return Optional.of(new Mismatch(name, step, "spike count (duplicate ids?)", layer, -1,
          expected.length, actual.length));
    }
    return Optional.empty();
  }

  private Optional<Mismatch> compare(int step, String what, int layer, int[] expected,
                                     int[] actual) {
    if (actual.length != expected.length) {
      return Optional.of(new Mismatch(name, step, what + " length", layer, -1, expected.length,
          actual.length));
    }
    for (int j = 0; j < expected.length; j++) {
      if (expected[j] != actual[j]) {
        return Optional.of(new Mismatch(name, step, what, layer, j, expected[j], actual[j]));
      }
    }
    return Optional.empty();
  }

  private static JsonNode field(JsonNode node, String name, String where) {
    JsonNode v = node.get(name);
    if (v == null || v.isNull()) {
      throw new IllegalArgumentException(where + ": missing field '" + name + "'");
    }
    return v;
  }

  private static int integer(JsonNode node, String name, String where) {
    JsonNode v = field(node, name, where);
    if (!v.canConvertToInt()) {
      throw new IllegalArgumentException(where + ": field '" + name + "' is not an int: " + v);
    }
    return v.intValue();
  }

  private static OptionalLong optional(JsonNode node, String name) {
    JsonNode v = node.get(name);
    return v == null || v.isNull() ? OptionalLong.empty() : OptionalLong.of(v.asLong());
  }

  private static int[] ints(JsonNode array) {
    int[] out = new int[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).intValue();
    }
    return out;
  }

  private static int[][] intss(JsonNode array) {
    int[][] out = new int[array.size()][];
    for (int i = 0; i < out.length; i++) {
      out[i] = ints(array.get(i));
    }
    return out;
  }
}
