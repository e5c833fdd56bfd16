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
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.zip.CRC32C;

/**
 * The trained-network file ({@code model.slm} in a run folder), read by every command that loads
 * a network (eval on a device, NIR export, diff, report). Format 2 is a
 * <a href="https://github.com/huggingface/safetensors">safetensors</a> file, so numpy and PyTorch
 * read the weights directly ({@code safetensors.numpy.load_file("model.slm")}). Layout, all
 * little-endian:
 * <pre>
 *   bytes 0..7    N: length of the JSON header, unsigned 64-bit (at most 16 MiB)
 *   next N bytes  UTF-8 JSON, padded with spaces to a multiple of 8 bytes:
 *                 {"__metadata__": {"format": "spikeloop-model/2",
 *                                   "config": "{inputs, hidden: [N...], recurrent, outputs,
 *                                              alpha, kappa, theta, surrogate: {...}}",
 *                                   "crc32c": "8 hex digits"},
 *                  "layer0.in": {"dtype": "F64", "shape": [rows, cols],
 *                                "data_offsets": [begin, end]}, ...}
 *   then          the tensors' values as IEEE-754 float64, row-major [post][pre], in the order
 *                 of SnnParameters, back to back (offsets relative to the end of the header)
 * </pre>
 * {@code crc32c} is the CRC-32C (as checkpoints) of the UTF-8 config text followed by all the
 * tensor bytes: a flipped bit in a weight or in the config is refused, naming the file. Nothing
 * follows the last tensor. Format 1 files ({@code SLMODEL1} magic, no checksum) are still read,
 * with a warning that they cannot be verified; rewrite them with {@link #write}. Writing goes
 * through a temporary file and a rename, so an existing file is never left half-written.
 */
public final class ModelFile {
  public static final String FORMAT = "spikeloop-model/2";
  static final String FORMAT_1 = "spikeloop-model/1";
  private static final byte[] MAGIC_1 = "SLMODEL1".getBytes(StandardCharsets.US_ASCII);
  private static final int MAX_HEADER = 16 << 20;
  private static final ObjectMapper JSON = new ObjectMapper();

  private ModelFile() {}

  /** What a model file holds, with the facts {@code model info} prints. */
  public record Contents(SnnParameters params, int formatVersion, long bytes, String crc32c) {}

  public static void write(Path file, SnnParameters params) throws IOException {
    String config = JSON.writeValueAsString(configNode(params.config()));
    long values = params.config().parameterCount();
    ByteBuffer data = ByteBuffer.allocate(Math.toIntExact(8 * values)).order(ByteOrder.LITTLE_ENDIAN);
    for (ParameterTensor t : params.tensors()) {
      for (double v : t.values()) {
        data.putDouble(v);
      }
    }
    ObjectNode header = JSON.createObjectNode();
    header.putObject("__metadata__").put("format", FORMAT).put("config", config)
        .put("crc32c", hex(crc(config, data.array())));
    long offset = 0;
    for (ParameterTensor t : params.tensors()) {
      ObjectNode entry = header.putObject(t.name()).put("dtype", "F64");
      entry.putArray("shape").add(t.rows()).add(t.cols());
      entry.putArray("data_offsets").add(offset).add(offset + 8L * t.values().length);
      offset += 8L * t.values().length;
    }
    byte[] json = JSON.writeValueAsBytes(header);
    int padded = (json.length + 7) / 8 * 8; // keeps every float64 8-byte aligned in the file
    ByteBuffer buf = ByteBuffer.allocate(Math.toIntExact(8L + padded + data.capacity()))
        .order(ByteOrder.LITTLE_ENDIAN);
    buf.putLong(padded).put(json);
    for (int i = json.length; i < padded; i++) {
      buf.put((byte) ' ');
    }
    buf.put(data.array());
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

  /** Reads a model file; a format-1 file's warning goes to standard error. */
  public static SnnParameters read(Path file) throws IOException {
    return read(file, w -> System.err.println("spikeloop: warning: " + w));
  }

  /** Reads a model file; every problem is an {@link IOException} naming the file and field. */
  public static SnnParameters read(Path file, Consumer<String> warnings) throws IOException {
    Contents c = open(file);
    if (c.formatVersion() == 1) {
      warnings.accept(file + " is model format 1 (no checksum): its weights cannot be verified; "
          + "write it again (train, or ModelFile.write) for format 2");
    }
    return c.params();
  }

  /** Reads a model file of format 1 or 2 and says which. */
  public static Contents open(Path file) throws IOException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new IOException(file + ": no such model file");
    }
    if (bytes.length >= 8 && Arrays.equals(Arrays.copyOf(bytes, 8), MAGIC_1)) {
      return new Contents(readFormat1(file, bytes), 1, bytes.length, null);
    }
    if (bytes.length < 10 || bytes[8] != '{') {
      throw new IOException(file + ": not a spikeloop model file (neither a safetensors header "
          + "nor the SLMODEL1 magic; " + bytes.length + " bytes)");
    }
    ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    long headerLength = buf.getLong();
    if (headerLength < 0 || headerLength > MAX_HEADER || headerLength > bytes.length - 8) {
      throw new IOException(file + ": header length " + headerLength + " exceeds the file ("
          + bytes.length + " bytes) or the limit " + MAX_HEADER + " (truncated or corrupt)");
    }
    JsonNode header = parseJson(file, bytes, 8, (int) headerLength);
    JsonNode meta = header.path("__metadata__");
    String format = meta.path("format").asText();
    if (!FORMAT.equals(format)) {
      throw new IOException(file + ": format '" + format + "', expected " + FORMAT);
    }
    String configText = meta.path("config").asText();
    SnnConfig config = config(file, parseJson(file, configText.getBytes(StandardCharsets.UTF_8), 0,
        configText.getBytes(StandardCharsets.UTF_8).length));
    SnnParameters params = SnnParameters.zeros(config);
    int dataStart = (int) (8 + headerLength);
    long expected = dataStart + 8 * config.parameterCount();
    if (bytes.length != expected) {
      throw new IOException(file + ": " + bytes.length + " bytes, expected " + expected
          + " for " + config.parameterCount() + " float64 parameters (truncated or corrupt)");
    }
    byte[] data = Arrays.copyOfRange(bytes, dataStart, bytes.length);
    String storedCrc = meta.path("crc32c").asText();
    String actualCrc = hex(crc(configText, data));
    if (!actualCrc.equals(storedCrc)) {
      throw new IOException(file + ": checksum mismatch (CRC-32C stored '" + storedCrc
          + "', computed " + actualCrc + "): the file is corrupt");
    }
    if (header.size() - 1 != params.tensors().size()) {
      throw new IOException(file + ": " + (header.size() - 1) + " tensors listed, the config "
          + "needs " + params.tensors().size());
    }
    buf.position(dataStart);
    long offset = 0;
    for (ParameterTensor t : params.tensors()) {
      JsonNode listed = header.path(t.name());
      long end = offset + 8L * t.values().length;
      if (!"F64".equals(listed.path("dtype").asText())
          || listed.path("shape").path(0).asLong() != t.rows()
          || listed.path("shape").path(1).asLong() != t.cols()
          || listed.path("data_offsets").path(0).asLong() != offset
          || listed.path("data_offsets").path(1).asLong() != end) {
        throw new IOException(file + ": tensor " + t.name() + " is " + listed + ", expected F64 "
            + t.rows() + "x" + t.cols() + " at bytes [" + offset + ", " + end + ")");
      }
      offset = end;
      readValues(file, buf, t);
    }
    return new Contents(params, 2, bytes.length, storedCrc);
  }

  private static SnnParameters readFormat1(Path file, byte[] bytes) throws IOException {
    ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    if (bytes.length < 12) {
      throw new IOException(file + ": truncated model file (" + bytes.length + " bytes)");
    }
    buf.position(8);
    long headerLength = buf.getInt() & 0xffffffffL;
    if (headerLength > MAX_HEADER || headerLength > bytes.length - 12) {
      throw new IOException(file + ": header length " + headerLength + " exceeds the file ("
          + bytes.length + " bytes) or the limit " + MAX_HEADER);
    }
    JsonNode header = parseJson(file, bytes, 12, (int) headerLength);
    if (!FORMAT_1.equals(header.path("format").asText())) {
      throw new IOException(file + ": format '" + header.path("format").asText()
          + "', expected " + FORMAT_1 + " after the SLMODEL1 magic");
    }
    SnnConfig config = config(file, header.path("config"));
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
      readValues(file, buf, t);
    }
    return params;
  }

  private static void readValues(Path file, ByteBuffer buf, ParameterTensor t) throws IOException {
    double[] values = t.values();
    for (int j = 0; j < values.length; j++) {
      values[j] = buf.getDouble();
      if (!Double.isFinite(values[j])) {
        throw new IOException(file + ": " + t.name() + "[" + j + "] is " + values[j]);
      }
    }
  }

  private static JsonNode parseJson(Path file, byte[] bytes, int from, int length)
      throws IOException {
    try {
      return JSON.readTree(new String(bytes, from, length, StandardCharsets.UTF_8));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IOException(file + ": header is not valid JSON: " + e.getOriginalMessage());
    }
  }

  private static int crc(String config, byte[] data) {
    CRC32C crc = new CRC32C();
    crc.update(config.getBytes(StandardCharsets.UTF_8));
    crc.update(data);
    return (int) crc.getValue();
  }

  private static String hex(int crc) {
    return String.format(Locale.ROOT, "%08x", crc);
  }

  private static ObjectNode configNode(SnnConfig c) {
    ObjectNode config = JSON.createObjectNode().put("inputs", c.inputs());
    ArrayNode hidden = config.putArray("hidden");
    c.hidden().forEach(hidden::add);
    config.put("recurrent", c.recurrent()).put("outputs", c.outputs()).put("alpha", c.alpha())
        .put("kappa", c.kappa()).put("theta", c.theta());
    config.putObject("surrogate").put("sigma", c.surrogate().sigma())
        .put("scale", c.surrogate().scale()).put("height", c.surrogate().height())
        .put("gamma", c.surrogate().gamma());
    return config;
  }

  private static SnnConfig config(Path file, JsonNode c) throws IOException {
    for (String field : List.of("inputs", "hidden", "recurrent", "outputs", "alpha", "kappa",
        "theta", "surrogate")) {
      if (c.path(field).isMissingNode()) {
        throw new IOException(file + ": bad config: missing field config." + field);
      }
    }
    List<Integer> hidden = new ArrayList<>();
    c.get("hidden").forEach(n -> hidden.add(n.asInt()));
    JsonNode s = c.get("surrogate");
    try {
      return new SnnConfig(c.get("inputs").asInt(), hidden, c.get("recurrent").asBoolean(),
          c.get("outputs").asInt(), c.get("alpha").asDouble(), c.get("kappa").asDouble(),
          c.get("theta").asDouble(), new Surrogate(s.path("sigma").asDouble(),
          s.path("scale").asDouble(), s.path("height").asDouble(), s.path("gamma").asDouble()));
    } catch (IllegalArgumentException e) {
      throw new IOException(file + ": bad config: " + e.getMessage());
    }
  }
}
