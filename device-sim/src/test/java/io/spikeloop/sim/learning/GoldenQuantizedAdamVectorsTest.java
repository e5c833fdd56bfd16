package io.spikeloop.sim.learning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every {@code spikeloop-qadam-vector/1} file in the folder named by system property
 * {@code spikeloop.golden.qadam} (default: this module's test resources), each its own test: the
 * state, master and core weights after every step must match bit for bit.
 */
class GoldenQuantizedAdamVectorsTest {
  static final String FOLDER_PROPERTY = "spikeloop.golden.qadam";
  static final ObjectMapper JSON = new ObjectMapper();

  static Path folder() {
    return Path.of(System.getProperty(FOLDER_PROPERTY, "src/test/resources/golden/qadam"));
  }

  static List<Path> files() throws IOException {
    try (Stream<Path> s = Files.list(folder())) {
      return s.filter(p -> p.toString().endsWith(".json")).sorted().collect(Collectors.toList());
    }
  }

  @TestFactory
  Stream<DynamicTest> everyVectorMatchesBitForBit() throws IOException {
    List<Path> files = files();
    assertFalse(files.isEmpty(), "no golden vectors in " + folder().toAbsolutePath());
    return files.stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(),
        () -> run(file)));
  }

  static void run(Path file) throws IOException {
    JsonNode v = JSON.readTree(file.toFile());
    String name = file.getFileName().toString();
    assertEquals(QuantizedAdamVectorGenerator.FORMAT, v.path("format").asText(), name + ": format");
    JsonNode c = v.get("config");
    QuantizedAdamConfig config = new QuantizedAdamConfig(c.get("stateBits").asInt(),
        c.get("blockSize").asInt(), c.get("beta1Q20").asInt(), c.get("beta2Q20").asInt(),
        c.get("lrQ16").asInt(), c.get("epsExp").asInt(), c.get("weightBits").asInt(),
        c.get("masterFracBits").asInt(), AdamSchedule.parse(c.path("schedule").asText("dense")));
    int n = v.get("length").asInt();
    QuantizedAdamState state = QuantizedAdamState.initial(config, n, v.get("seed").asLong());
    assertEquals(v.get("rngInit").asText(), hex(state.rngState()), name + ": seeded RNG state");
    int[] master = ints(v.get("master"));
    int[] weights = new int[n];
    QuantizedAdam adam = new QuantizedAdam(config);
    int t = 0;
    for (JsonNode step : v.get("steps")) {
      String at = name + " step " + (t + 1) + ": ";
      state = adam.step(state, ints(step.get("grad")), step.get("gradExp").asInt(), master,
          weights);
      JsonNode e = step.get("expect");
      assertEquals(e.get("step").asInt(), state.step(), at + "step");
      assertEquals(e.get("beta1Pow").asInt(), state.beta1Pow(), at + "beta1Pow");
      assertEquals(e.get("beta2Pow").asInt(), state.beta2Pow(), at + "beta2Pow");
      assertEquals(e.get("rngState").asText(), hex(state.rngState()), at + "rngState");
      int[] mCodes = new int[n];
      int[] rCodes = new int[n];
      for (int i = 0; i < n; i++) {
        mCodes[i] = state.mCode(i);
        rCodes[i] = state.rCode(i);
      }
      assertSame(at + "mCodes", ints(e.get("mCodes")), mCodes);
      assertSame(at + "mScales", ints(e.get("mScales")), bytesAsInts(state.mScales()));
      assertSame(at + "rCodes", ints(e.get("rCodes")), rCodes);
      assertSame(at + "rScales", ints(e.get("rScales")), bytesAsInts(state.rScales()));
      assertSame(at + "master", ints(e.get("master")), master);
      assertSame(at + "weights", ints(e.get("weights")), weights);
      if (e.has("blockSteps")) {
        assertSame(at + "blockSteps", ints(e.get("blockSteps")), state.blockSteps());
      }
      t++;
    }
  }

  /** The committed vectors are exactly what the documented generator writes. */
  @Test
  void committedVectorsAreTheGeneratorsOutput() throws IOException {
    Path committed = Path.of("src/test/resources/golden/qadam");
    List<QuantizedAdamVectorGenerator.Spec> specs = QuantizedAdamVectorGenerator.specs();
    for (int k = 0; k < specs.size(); k++) {
      QuantizedAdamVectorGenerator.Spec spec = specs.get(k);
      String expected = Files.readString(committed.resolve(spec.name() + ".json"));
      assertEquals(expected, QuantizedAdamVectorGenerator.generate(spec,
          QuantizedAdamVectorGenerator.DEFAULT_SEED + k), spec.name() + " must be regenerated");
    }
  }

  private static void assertSame(String what, int[] expected, int[] actual) {
    assertEquals(expected.length, actual.length, what + " length");
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], what + "[" + i + "]");
    }
  }

  private static int[] ints(JsonNode array) {
    int[] out = new int[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).asInt();
    }
    return out;
  }

  private static int[] bytesAsInts(byte[] b) {
    int[] out = new int[b.length];
    for (int i = 0; i < b.length; i++) {
      out[i] = b[i];
    }
    return out;
  }

  private static String hex(long x) {
    return String.format(java.util.Locale.ROOT, "0x%016x", x);
  }
}
