package io.spikeloop.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The trained-network file ({@code model.slm} in a run folder), read by every command that loads
 * a network (eval on a device, NIR export). Layout, all little-endian:
 * <pre>
 *   bytes 0..7    magic "SLMODEL1" (ASCII)
 *   bytes 8..11   H: length of the header, unsigned 32-bit (at most 16 MiB)
 *   next H bytes  UTF-8 JSON header: {"format": "spikeloop-model/1",
 *                 "config": {inputs, hidden: [N...], recurrent, outputs, alpha, kappa, theta,
 *                            surrogate: {sigma, scale, height, gamma}},
 *                 "tensors": [{name, rows, cols}, ...]}   (order and names of SnnParameters)
 *   then          each tensor's rows*cols values as IEEE-754 float64, row-major [post][pre]
 * </pre>
 * Nothing follows the last tensor. Writing goes through a temporary file and a rename, so an
 * existing file is never left half-written.
 */
public final class ModelFile {
  public static final String FORMAT = "spikeloop-model/1";
  private static final byte[] MAGIC = "SLMODEL1".getBytes(StandardCharsets.US_ASCII);
  private static final int MAX_HEADER = 16 << 20;
  private static final ObjectMapper JSON = new ObjectMapper();

  private ModelFile() {}

  public static void write(Path file, SnnParameters params) throws IOException {
    byte[] header = JSON.writeValueAsBytes(header(params));
    long values = params.config().parameterCount();
    ByteBuffer buf = ByteBuffer.allocate(Math.toIntExact(12 + header.length + 8 * values))
        .order(ByteOrder.LITTLE_ENDIAN);
    buf.put(MAGIC).putInt(header.length).put(header);
    for (ParameterTensor t : params.tensors()) {
      for (double v : t.values()) {
        buf.putDouble(v);
      }
    }
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, ".model", ".tmp");
    try {
      Files.write(tmp, buf.array());
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Reads a model file; every problem is an {@link IOException} naming the file and field. */
  public static SnnParameters read(Path file) throws IOException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new IOException(file + ": no such model file");
    }
    ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    if (bytes.length < 12) {
      throw new IOException(file + ": not a spikeloop model file (" + bytes.length + " bytes)");
    }
    byte[] magic = new byte[8];
    buf.get(magic);
    if (!java.util.Arrays.equals(magic, MAGIC)) {
      throw new IOException(file + ": not a spikeloop model file (magic is not SLMODEL1)");
    }
    long headerLength = buf.getInt() & 0xffffffffL;
    if (headerLength > MAX_HEADER || headerLength > bytes.length - 12) {
      throw new IOException(file + ": header length " + headerLength + " exceeds the file ("
          + bytes.length + " bytes) or the limit " + MAX_HEADER);
    }
    JsonNode header;
    try {
      header = JSON.readTree(new String(bytes, 12, (int) headerLength, StandardCharsets.UTF_8));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IOException(file + ": header is not valid JSON: " + e.getOriginalMessage());
    }
    if (!FORMAT.equals(header.path("format").asText())) {
      throw new IOException(file + ": format '" + header.path("format").asText()
          + "', expected " + FORMAT);
    }
    SnnConfig config;
    try {
      config = config(header.path("config"));
    } catch (IllegalArgumentException e) {
      throw new IOException(file + ": bad config: " + e.getMessage());
    }
    SnnParameters params = SnnParameters.zeros(config);
    JsonNode tensors = header.path("tensors");
    if (tensors.size() != params.tensors().size()) {
      throw new IOException(file + ": " + tensors.size() + " tensors listed, the config needs "
          + params.tensors().size());
    }
    long expected = 12 + headerLength + 8 * config.parameterCount();
    if (bytes.length != expected) {
      throw new IOException(file + ": " + bytes.length + " bytes, expected " + expected
          + " for " + config.parameterCount() + " float64 parameters (truncated or corrupt)");
    }
    buf.position((int) (12 + headerLength));
    for (int i = 0; i < tensors.size(); i++) {
      ParameterTensor t = params.tensors().get(i);
      JsonNode listed = tensors.get(i);
      if (!t.name().equals(listed.path("name").asText()) || t.rows() != listed.path("rows").asInt()
          || t.cols() != listed.path("cols").asInt()) {
        throw new IOException(file + ": tensor " + i + " is " + listed + ", expected " + t);
      }
      double[] values = t.values();
      for (int j = 0; j < values.length; j++) {
        values[j] = buf.getDouble();
        if (!Double.isFinite(values[j])) {
          throw new IOException(file + ": " + t.name() + "[" + j + "] is " + values[j]);
        }
      }
    }
    return params;
  }

  private static ObjectNode header(SnnParameters p) {
    SnnConfig c = p.config();
    ObjectNode root = JSON.createObjectNode().put("format", FORMAT);
    ObjectNode config = root.putObject("config").put("inputs", c.inputs());
    ArrayNode hidden = config.putArray("hidden");
    c.hidden().forEach(hidden::add);
    config.put("recurrent", c.recurrent()).put("outputs", c.outputs()).put("alpha", c.alpha())
        .put("kappa", c.kappa()).put("theta", c.theta());
    config.putObject("surrogate").put("sigma", c.surrogate().sigma())
        .put("scale", c.surrogate().scale()).put("height", c.surrogate().height())
        .put("gamma", c.surrogate().gamma());
    ArrayNode tensors = root.putArray("tensors");
    for (ParameterTensor t : p.tensors()) {
      tensors.addObject().put("name", t.name()).put("rows", t.rows()).put("cols", t.cols());
    }
    return root;
  }

  private static SnnConfig config(JsonNode c) {
    for (String field : List.of("inputs", "hidden", "recurrent", "outputs", "alpha", "kappa",
        "theta", "surrogate")) {
      if (c.path(field).isMissingNode()) {
        throw new IllegalArgumentException("missing field config." + field);
      }
    }
    List<Integer> hidden = new ArrayList<>();
    c.get("hidden").forEach(n -> hidden.add(n.asInt()));
    JsonNode s = c.get("surrogate");
    return new SnnConfig(c.get("inputs").asInt(), hidden, c.get("recurrent").asBoolean(),
        c.get("outputs").asInt(), c.get("alpha").asDouble(), c.get("kappa").asDouble(),
        c.get("theta").asDouble(), new Surrogate(s.path("sigma").asDouble(),
        s.path("scale").asDouble(), s.path("height").asDouble(), s.path("gamma").asDouble()));
  }
}
