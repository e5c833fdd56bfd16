package io.spikeloop.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelFileTest {
  @TempDir
  Path dir;

  private final SnnParameters params = SnnParameters.initialise(
      SnnConfig.of(12, List.of(7, 5), true, 3, 1, 20, 15), 42);

  @Test
  void roundTripKeepsConfigAndEveryValue() throws IOException {
    Path file = dir.resolve("model.slm");
    ModelFile.write(file, params);
    SnnParameters back = ModelFile.read(file);
    assertEquals(params.config(), back.config());
    assertEquals(params.tensors(), back.tensors());
  }

  @Test
  void truncatedFileIsReportedWithItsName() throws IOException {
    Path file = dir.resolve("model.slm");
    ModelFile.write(file, params);
    byte[] bytes = Files.readAllBytes(file);
    Files.write(file, Arrays.copyOf(bytes, bytes.length - 8));
    IOException e = assertThrows(IOException.class, () -> ModelFile.read(file));
    assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("truncated"),
        e.getMessage());
  }

  @Test
  void otherFilesAndMissingFilesAreRejected() throws IOException {
    Path other = dir.resolve("notes.txt");
    Files.writeString(other, "hello, this is not a model");
    assertTrue(assertThrows(IOException.class, () -> ModelFile.read(other)).getMessage()
        .contains("not a spikeloop model file"));
    assertTrue(assertThrows(IOException.class, () -> ModelFile.read(dir.resolve("none.slm")))
        .getMessage().contains("no such model file"));
  }

  @Test
  void aFlippedByteInTheWeightsOrTheConfigIsRefused() throws IOException {
    Path file = dir.resolve("model.slm");
    ModelFile.write(file, params);
    byte[] good = Files.readAllBytes(file);
    byte[] weight = good.clone();
    weight[good.length - 20] ^= 0x01; // a low mantissa bit of the last bias: still a finite value
    Files.write(file, weight);
    IOException e = assertThrows(IOException.class, () -> ModelFile.read(file));
    assertTrue(e.getMessage().startsWith(file + ": checksum mismatch"), e.getMessage());
    String text = new String(good, StandardCharsets.ISO_8859_1);
    int alpha = text.indexOf("alpha\\\":") + 10; // inside the escaped config string
    byte[] config = good.clone();
    config[alpha] = (byte) (config[alpha] == '9' ? '8' : '9');
    Files.write(file, config);
    e = assertThrows(IOException.class, () -> ModelFile.read(file));
    assertTrue(e.getMessage().contains("checksum mismatch"), e.getMessage());
  }

  /** Parses the file as a safetensors reader would, without ModelFile: header, dtypes, offsets. */
  @Test
  void theFileIsSafetensorsThatOtherToolsCanRead() throws IOException {
    Path file = dir.resolve("model.slm");
    ModelFile.write(file, params);
    byte[] bytes = Files.readAllBytes(file);
    ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    long n = buf.getLong();
    assertEquals(0, n % 8, "header padded to 8 bytes");
    JsonNode header = new ObjectMapper().readTree(new String(bytes, 8, (int) n,
        StandardCharsets.UTF_8));
    header.path("__metadata__").fields().forEachRemaining(f -> assertTrue(f.getValue().isTextual(),
        "safetensors metadata values are strings: " + f.getKey()));
    long covered = 0;
    for (ParameterTensor t : params.tensors()) {
      JsonNode entry = header.get(t.name());
      assertEquals("F64", entry.get("dtype").asText());
      assertEquals(List.of(t.rows(), t.cols()), List.of(entry.get("shape").get(0).asInt(),
          entry.get("shape").get(1).asInt()));
      long begin = entry.get("data_offsets").get(0).asLong();
      long end = entry.get("data_offsets").get(1).asLong();
      assertEquals(8L * t.rows() * t.cols(), end - begin);
      covered += end - begin;
      ByteBuffer values = ByteBuffer.wrap(bytes, (int) (8 + n + begin), (int) (end - begin))
          .order(ByteOrder.LITTLE_ENDIAN);
      for (double v : t.values()) {
        assertEquals(v, values.getDouble());
      }
    }
    assertEquals(bytes.length, 8 + n + covered, "the tensors fill the rest of the file exactly");
    assertEquals(params.tensors().size() + 1, header.size());
  }

  @Test
  void aFormat1FileIsReadWithAWarning() throws IOException {
    ObjectMapper json = new ObjectMapper();
    var h = json.createObjectNode().put("format", "spikeloop-model/1");
    h.set("config", json.readTree(
        "{\"inputs\":12,\"hidden\":[7,5],\"recurrent\":true,\"outputs\":3,\"alpha\":"
        + params.config().alpha() + ",\"kappa\":" + params.config().kappa() + ",\"theta\":1.0,"
        + "\"surrogate\":{\"sigma\":0.5,\"scale\":6.0,\"height\":0.15,\"gamma\":0.5}}"));
    var list = h.putArray("tensors");
    params.tensors().forEach(t -> list.addObject().put("name", t.name()).put("rows", t.rows())
        .put("cols", t.cols()));
    byte[] header = json.writeValueAsBytes(h);
    ByteBuffer buf = ByteBuffer.allocate(12 + header.length
        + 8 * (int) params.config().parameterCount()).order(ByteOrder.LITTLE_ENDIAN);
    buf.put("SLMODEL1".getBytes(StandardCharsets.US_ASCII)).putInt(header.length).put(header);
    params.tensors().forEach(t -> {
      for (double v : t.values()) {
        buf.putDouble(v);
      }
    });
    Path file = dir.resolve("old.slm");
    Files.write(file, buf.array());
    List<String> warnings = new ArrayList<>();
    SnnParameters back = ModelFile.read(file, warnings::add);
    assertEquals(params.tensors(), back.tensors());
    assertEquals(1, warnings.size());
    assertTrue(warnings.get(0).contains("model format 1 (no checksum)"), warnings.get(0));
    assertEquals(1, ModelFile.open(file).formatVersion());
  }

  @Test
  void initialisationIsSeededAndWithinTheLinearBound() {
    SnnParameters again = SnnParameters.initialise(params.config(), 42);
    assertEquals(params.tensors(), again.tensors());
    double bound = 1 / Math.sqrt(12);
    for (double w : params.wIn(0)) {
      assertTrue(Math.abs(w) <= bound);
    }
    assertTrue(params.maxAbsDifference(SnnParameters.initialise(params.config(), 43)) > 0);
  }
}
