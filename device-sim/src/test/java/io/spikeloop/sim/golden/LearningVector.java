package io.spikeloop.sim.golden;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spikeloop.device.Capability;
import io.spikeloop.device.Device;
import io.spikeloop.device.ReadoutLevel;
import io.spikeloop.device.SpikeFrame;
import io.spikeloop.device.StepResult;
import io.spikeloop.device.WeightTensor;
import io.spikeloop.target.sl1.LayerConfig;
import io.spikeloop.target.sl1.LearningConfig;
import io.spikeloop.target.sl1.LearningRule;
import io.spikeloop.target.sl1.NetworkConfig;
import io.spikeloop.target.sl1.OutputConfig;
import io.spikeloop.target.sl1.Sl1Device;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * One golden vector of SL-1's on-chip learning engine ({@code spikeloop-learning-vector/1},
 * written by the independent integer reference {@code make_learning_vectors.py} in {@code
 * golden/learning}), and how to run it on any device with on-chip learning: the network and its
 * initial weights, the {@link LearningConfig} (rule tbptt1 or eprop), then per step an optional
 * reset, the input ids and a label ({@code -1}: forward only), and what must follow: the spikes,
 * membranes and outputs of the step and every learned tensor's core values after it.
 *
 * <p>Published in device-sim's test-jar so that the simulator and the boards run the same files.
 */
public record LearningVector(String name, NetworkConfig config, Map<String, int[]> weights,
                             LearningConfig learning, List<Step> steps, List<Expected> expect) {

  public static final String FORMAT = "spikeloop-learning-vector/1";
  /** System property naming the folder of vectors. */
  public static final String FOLDER_PROPERTY = "spikeloop.golden.learning";

  /** One step: reset the device first (a new sample), then this input with this label. */
  public record Step(boolean reset, int[] in, int label) {}

  /** What the device must show after one step. */
  public record Expected(int[] spikes, int[] u, int[] o, Map<String, int[]> weights) {}

  /** The folder named by {@value #FOLDER_PROPERTY}, else this module's copy. */
  public static Path folder() {
    return Path.of(System.getProperty(FOLDER_PROPERTY, "src/test/resources/golden/learning"));
  }

  /** Every {@code *.json} of the folder, sorted by file name. */
  public static List<Path> files(Path folder) {
    if (!Files.isDirectory(folder)) {
      throw new IllegalArgumentException("golden learning vector folder "
          + folder.toAbsolutePath() + " does not exist (set -D" + FOLDER_PROPERTY + "=DIR)");
    }
    try (Stream<Path> s = Files.list(folder)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + folder, e);
    }
  }

  /** Reads one vector; malformed files raise an exception naming the file and the field. */
  public static LearningVector load(Path file) {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read golden vector " + file, e);
    }
    String where = file.getFileName().toString();
    String format = field(root, "format", where).asText();
    if (!format.equals(FORMAT)) {
      throw new IllegalArgumentException(where + ": format '" + format + "', expected " + FORMAT);
    }
    JsonNode c = field(root, "config", where);
    List<LayerConfig> layers = new ArrayList<>();
    for (JsonNode l : field(c, "layers", where)) {
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
      weights.put(t.name(), flatten(field(w, t.name(), where + " weights"), t.length(),
          where + " weights." + t.name()));
    }

    JsonNode lc = field(root, "learning", where);
    Map<String, Integer> rates = new LinkedHashMap<>();
    field(lc, "learningRates", where).fields().forEachRemaining(e ->
        rates.put(e.getKey(), e.getValue().intValue()));
    LearningConfig learning = new LearningConfig(rates, integer(lc, "stateBits", where),
        integer(lc, "blockSize", where), integer(lc, "beta1Q20", where),
        integer(lc, "beta2Q20", where), integer(lc, "epsExp", where),
        integer(lc, "masterFracBits", where), field(lc, "seed", where).asLong(),
        integer(lc, "outputFracBits", where), integer(lc, "surrogateShift", where),
        ints(field(lc, "surrogateTable", where)),
        LearningRule.valueOf(field(lc, "rule", where).asText().toUpperCase(Locale.ROOT)),
        integer(lc, "traceShift", where));

    List<Step> steps = new ArrayList<>();
    for (JsonNode s : field(root, "steps", where)) {
      steps.add(new Step(s.path("reset").asBoolean(false), ints(field(s, "in", where)),
          integer(s, "label", where)));
    }
    List<Expected> expect = new ArrayList<>();
    for (JsonNode e : field(root, "expect", where)) {
      Map<String, int[]> learned = new LinkedHashMap<>();
      field(e, "weights", where).fields().forEachRemaining(t ->
          learned.put(t.getKey(), ints(t.getValue())));
      expect.add(new Expected(ints(field(e, "spikes", where)), ints(field(e, "u", where)),
          ints(field(e, "o", where)), learned));
    }
    if (expect.size() != steps.size()) {
      throw new IllegalArgumentException(where + ": " + steps.size() + " steps but "
          + expect.size() + " expectations");
    }
    return new LearningVector(root.path("name").asText(where), config, weights, learning, steps,
        expect);
  }

  /**
   * Configures the device with this vector's network and weights, enables learning, runs every
   * step (membranes when the device reads them out) and returns the first difference, or empty.
   */
  public Optional<String> runOn(Device device) {
    device.configure(config);
    for (Map.Entry<String, int[]> e : weights.entrySet()) {
      device.writeWeights(e.getKey(), e.getValue());
    }
    Sl1Device.enableLearning(device, learning);
    boolean membranes = device.info().has(Capability.MEMBRANE_READOUT);
    ReadoutLevel level = membranes ? ReadoutLevel.FULL : ReadoutLevel.SPIKES;
    for (int t = 0; t < steps.size(); t++) {
      Step s = steps.get(t);
      if (s.reset()) {
        device.reset();
      }
      StepResult r = device.step(new SpikeFrame(s.in(), s.label()), level);
      Expected x = expect.get(t);
      String at = name + " step " + t + ": ";
      if (!Arrays.equals(x.spikes(), r.spikes()[0])) {
        return Optional.of(at + "spikes " + Arrays.toString(x.spikes()) + " expected, device gave "
            + Arrays.toString(r.spikes()[0]));
      }
      if (membranes && !Arrays.equals(x.u(), r.membranes()[0])) {
        return Optional.of(at + "u " + Arrays.toString(x.u()) + " expected, device gave "
            + Arrays.toString(r.membranes()[0]));
      }
      if (!Arrays.equals(x.o(), r.outputs())) {
        return Optional.of(at + "o " + Arrays.toString(x.o()) + " expected, device gave "
            + Arrays.toString(r.outputs()));
      }
      for (Map.Entry<String, int[]> e : x.weights().entrySet()) {
        int[] got = device.readWeights(e.getKey());
        int[] want = e.getValue();
        for (int i = 0; i < want.length; i++) {
          if (got[i] != want[i]) {
            return Optional.of(at + e.getKey() + "[" + i + "] expected " + want[i]
                + ", device has " + got[i]);
          }
        }
      }
    }
    return Optional.empty();
  }

  /** Runs the vector and throws an {@link AssertionError} describing the first mismatch. */
  public void assertMatches(Device device) {
    runOn(device).ifPresent(m -> {
      throw new AssertionError(m);
    });
  }

  private static int[] flatten(JsonNode node, int length, String where) {
    int[] flat = new int[length];
    int k = 0;
    for (JsonNode row : node) {
      if (row.isNumber()) {
        flat[k++] = row.intValue();
        continue;
      }
      for (JsonNode v : row) {
        if (k == length) {
          throw new IllegalArgumentException(where + " has more than " + length + " values");
        }
        flat[k++] = v.intValue();
      }
    }
    if (k != length) {
      throw new IllegalArgumentException(where + " has " + k + " values, expected " + length);
    }
    return flat;
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

  private static int[] ints(JsonNode array) {
    int[] a = new int[array.size()];
    for (int i = 0; i < a.length; i++) {
      a[i] = array.get(i).intValue();
    }
    return a;
  }
}
