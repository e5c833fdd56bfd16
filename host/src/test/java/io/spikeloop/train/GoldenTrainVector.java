package io.spikeloop.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spikeloop.model.ParameterTensor;
import io.spikeloop.model.SnnConfig;
import io.spikeloop.model.SnnParameters;
import io.spikeloop.model.Surrogate;
import io.spikeloop.optim.Fptt;
import io.spikeloop.optim.OptimizerSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A parsed {@code spikeloop-train-vector/1} file (see the golden README). e-prop vectors (mode
 * {@code eprop}) add {@code feedback} ({@code symmetric}, or {@code random} with its matrix
 * {@code B [hidden][outputs]}, here {@link #feedback()}, null when symmetric) and {@code
 * expect.afterStep}, the parameters after every step's update ({@link #afterStep()}, null when
 * absent). FPTT vectors add {@code fptt: {alpha, beta}} ({@link #fptt()}, {@link Fptt#OFF} when
 * absent).
 */
record GoldenTrainVector(String name, SnnConfig config, TrainingMode mode, OptimizerSpec optimizer,
                         SnnParameters init, double[][][] inputs, int[] labels,
                         List<int[][]> spikeIds, double[] loss, double[][][] output,
                         SnnParameters finalParams, SnnParameters grad, double[] feedback,
                         List<SnnParameters> afterStep, Fptt fptt) {

  /** The objective the vector was trained under: plain, or with {@code fptt} when it has one. */
  TrainingObjective objective() {
    return TrainingObjective.PLAIN.withFptt(fptt);
  }

  /** Whether the file's mode is e-prop (its vectors are for {@link EpropTrainer}). */
  static boolean isEprop(Path file) throws IOException {
    return "eprop".equals(new ObjectMapper().readTree(file.toFile()).path("mode").asText());
  }

  /** The batch as samples (channel ids per step), for trainers that take samples. */
  List<io.spikeloop.data.SpikeSample> samples() {
    List<io.spikeloop.data.SpikeSample> list = new ArrayList<>();
    for (int b = 0; b < labels.length; b++) {
      int[][] perStep = spikeIds.get(b);
      int[] offsets = new int[perStep.length + 1];
      List<Integer> ids = new ArrayList<>();
      for (int t = 0; t < perStep.length; t++) {
        int[] sorted = perStep[t].clone();
        java.util.Arrays.sort(sorted);
        for (int id : sorted) {
          ids.add(id);
        }
        offsets[t + 1] = ids.size();
      }
      list.add(new io.spikeloop.data.SpikeSample(labels[b], offsets,
          ids.stream().mapToInt(Integer::intValue).toArray(), -1));
    }
    return list;
  }

  static GoldenTrainVector read(Path file) throws IOException {
    JsonNode root = new ObjectMapper().readTree(file.toFile());
    if (!"spikeloop-train-vector/1".equals(root.path("format").asText())) {
      throw new IOException(file + ": format is '" + root.path("format").asText()
          + "', expected spikeloop-train-vector/1");
    }
    JsonNode m = root.get("model");
    JsonNode sg = m.get("surrogate");
    if (!"subtract".equals(m.path("reset").asText("subtract"))
        || !"double-gaussian".equals(sg.path("kind").asText("double-gaussian"))) {
      throw new IOException(file + ": unsupported reset or surrogate kind");
    }
    List<Integer> hidden = new ArrayList<>();
    if (m.get("hidden").isArray()) {
      m.get("hidden").forEach(n -> hidden.add(n.asInt()));
    } else {
      hidden.add(m.get("hidden").asInt());
    }
    SnnConfig config = new SnnConfig(m.get("inputs").asInt(), hidden,
        m.get("recurrent").asBoolean(), m.get("outputs").asInt(), m.get("alpha").asDouble(),
        m.get("kappa").asDouble(), m.get("theta").asDouble(),
        new Surrogate(sg.get("sigma").asDouble(), sg.get("scale").asDouble(),
            sg.get("height").asDouble(), sg.get("gamma").asDouble()));
    String modeName = root.get("mode").asText();
    TrainingMode mode = modeName.startsWith("tbptt-") && !modeName.equals("tbptt-k")
        ? TrainingMode.tbpttK(Integer.parseInt(modeName.substring(6)))
        : TrainingMode.parse(modeName, root.path("k").asInt(1));
    JsonNode o = root.get("optimizer");
    OptimizerSpec optimizer = switch (o.get("kind").asText()) {
      case "adam" -> new OptimizerSpec.Adam(o.get("lr").asDouble(),
          o.get("betas").get(0).asDouble(), o.get("betas").get(1).asDouble(),
          o.get("eps").asDouble(),
          io.spikeloop.sim.learning.AdamSchedule.parse(o.path("schedule").asText("dense")));
      case "sgd" -> new OptimizerSpec.Sgd(o.get("lr").asDouble(), o.path("momentum").asDouble(0));
      default -> throw new IOException(file + ": unknown optimizer " + o.get("kind"));
    };
    JsonNode batch = root.get("batch");
    int nb = batch.get("labels").size();
    int steps = batch.get("inputs").get(0).size();
    double[][][] x = new double[steps][nb][config.inputs()];
    List<int[][]> ids = new ArrayList<>();
    int[] labels = new int[nb];
    for (int b = 0; b < nb; b++) {
      labels[b] = batch.get("labels").get(b).asInt();
      int[][] perStep = new int[steps][];
      for (int t = 0; t < steps; t++) {
        JsonNode spikes = batch.get("inputs").get(b).get(t);
        perStep[t] = new int[spikes.size()];
        for (int i = 0; i < spikes.size(); i++) {
          perStep[t][i] = spikes.get(i).asInt();
          x[t][b][perStep[t][i]] = 1;
        }
      }
      ids.add(perStep);
    }
    JsonNode expect = root.get("expect");
    double[] loss = new double[steps];
    double[][][] output = new double[steps][nb][config.outputs()];
    for (int t = 0; t < steps; t++) {
      loss[t] = expect.get("loss").get(t).asDouble();
      for (int b = 0; b < nb; b++) {
        for (int k = 0; k < config.outputs(); k++) {
          output[t][b][k] = expect.get("output").get(t).get(b).get(k).asDouble();
        }
      }
    }
    double[] feedback = null;
    JsonNode fb = root.path("feedback");
    if ("random".equals(fb.path("kind").asText())) {
      int n = config.hiddenSize(0);
      int k = config.outputs();
      feedback = new double[n * k];
      for (int j = 0; j < n; j++) {
        for (int c = 0; c < k; c++) {
          feedback[j * k + c] = fb.get("B").get(j).get(c).asDouble();
        }
      }
    } else if (!fb.isMissingNode() && !"symmetric".equals(fb.path("kind").asText())) {
      throw new IOException(file + ": unknown feedback " + fb);
    }
    List<SnnParameters> afterStep = null;
    if (expect.has("afterStep")) {
      afterStep = new ArrayList<>();
      for (JsonNode p : expect.get("afterStep")) {
        afterStep.add(parameters(config, p));
      }
    }
    return new GoldenTrainVector(root.path("name").asText(file.getFileName().toString()), config,
        mode, optimizer, parameters(config, root.get("init")), x, labels, ids, loss, output,
        parameters(config, expect.get("final")),
        expect.has("grad") ? parameters(config, expect.get("grad")) : null, feedback, afterStep,
        root.has("fptt") ? new Fptt(root.get("fptt").get("alpha").asDouble(),
            root.get("fptt").get("beta").asDouble()) : Fptt.OFF);
  }

  /** Reads {@code W_in, W_rec, b, W_out, b_out} (or {@code W_in.0 ...} per layer) into tensors. */
  private static SnnParameters parameters(SnnConfig config, JsonNode node) {
    SnnParameters p = SnnParameters.zeros(config);
    List<ParameterTensor> out = new ArrayList<>();
    for (ParameterTensor t : p.tensors()) {
      String key = switch (t.name()) {
        case "layer0.in" -> "W_in";
        case "layer0.rec" -> "W_rec";
        case "layer0.bias" -> "b";
        case "out.w" -> "W_out";
        case "out.bias" -> "b_out";
        default -> t.name();
      };
      JsonNode values = node.get(key);
      if (values == null) {
        throw new IllegalArgumentException("missing parameter " + key);
      }
      double[] flat = t.values();
      int i = 0;
      for (JsonNode row : values) {
        if (row.isArray()) {
          for (JsonNode v : row) {
            flat[i++] = v.asDouble();
          }
        } else {
          flat[i++] = row.asDouble();
        }
      }
      if (i != flat.length) {
        throw new IllegalArgumentException(key + ": " + i + " values, expected " + flat.length);
      }
      out.add(t);
    }
    return new SnnParameters(config, out);
  }
}
