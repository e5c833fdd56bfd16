package io.spikeloop.board;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.jna.Library;
import com.sun.jna.Native;
import io.spikeloop.sim.learning.DigitByDigitSqrt;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The reference firmware's quantized Adam ({@code spikeloop_qadam.c}) against every
 * {@code spikeloop-qadam-vector/1} file in the folder of system property
 * {@value #FOLDER_PROPERTY} (default device-sim's vectors), each file its own test: codes, scales,
 * counters, RNG state, master and core weights after every step, bit for bit. The C code is
 * reached through the test-only library {@code libspikeloop_qadam_test.so} (src/test/c), so the
 * vendor ABI stays free of test hooks.
 */
class GoldenQuantizedAdamOnFirmwareTest {
  static final String FOLDER_PROPERTY = "spikeloop.golden.qadam";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Mirror of src/test/c/qadam_test_entry.c. */
  interface QadamTestLibrary extends Library {
    long slq_test_seed(long seed);

    void slq_test_sqrt_round(long[] x, long[] out, int n);

    String slq_test_step(int[] config, int length, byte[] mCodes, byte[] mScales, byte[] rCodes,
        byte[] rScales, int[] counters, long[] rng, int[] grad, int gradExp, int[] master,
        int[] weights, int[] blockSteps);
  }

  private static QadamTestLibrary library() {
    Path lib = Path.of(System.getProperty(BoardLibraries.PATH_PROPERTY),
        System.mapLibraryName("spikeloop_qadam_test"));
    return Native.load(lib.toAbsolutePath().toString(), QadamTestLibrary.class);
  }

  static Path folder() {
    return Path.of(System.getProperty(FOLDER_PROPERTY,
        "../device-sim/src/test/resources/golden/qadam"));
  }

  @TestFactory
  Stream<DynamicTest> everyVectorMatchesBitForBit() throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.list(folder())) {
      files = s.filter(p -> p.toString().endsWith(".json")).sorted().collect(Collectors.toList());
    }
    assertFalse(files.isEmpty(), "no golden vectors in " + folder().toAbsolutePath());
    QadamTestLibrary lib = library();
    return files.stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(),
        () -> run(lib, file)));
  }

  /**
   * The firmware's integer square root (table estimate, two Newton steps, correction) against
   * the reference digit-by-digit method: every x below 2^18, then squares r^2 and rounding edges r^2 + r with their
   * neighbours for r at every power of two, at the top of the range and at random, and random x.
   */
  @Test
  void integerSquareRootEqualsTheReference() {
    QadamTestLibrary lib = library();
    java.util.List<Long> xs = new java.util.ArrayList<>();
    for (long x = 0; x < (1 << 18); x++) {
      xs.add(x);
    }
    java.util.SplittableRandom rnd = new java.util.SplittableRandom(5);
    java.util.List<Long> roots = new java.util.ArrayList<>();
    for (int p = 0; p <= 31; p++) {
      for (long d = -3; d <= 3; d++) {
        roots.add((1L << p) + d);
      }
    }
    for (int i = 0; i < 20000; i++) {
      roots.add(1 + rnd.nextLong((1L << 31) - 1));
    }
    for (long r = (1L << 31) - 64; r < (1L << 31); r++) {
      roots.add(r);
    }
    for (long r : roots) {
      for (long x : new long[] {r * r - 1, r * r, r * r + 1, r * r + r - 1, r * r + r,
          r * r + r + 1}) {
        if (r > 0 && x >= 0 && x < (1L << 62)) {
          xs.add(x);
        }
      }
    }
    for (int i = 0; i < 50000; i++) {
      xs.add(rnd.nextLong(1L << (1 + rnd.nextInt(62))));
    }
    xs.add((1L << 62) - 1);
    long[] x = xs.stream().mapToLong(Long::longValue).toArray();
    long[] out = new long[x.length];
    lib.slq_test_sqrt_round(x, out, x.length);
    for (int i = 0; i < x.length; i++) {
      assertEquals(DigitByDigitSqrt.sqrtRound(x[i]), out[i], "sqrt of " + x[i]);
    }
  }

  @Test
  void outOfRangeGradientIsRefusedWithoutChangingState() {
    QadamTestLibrary lib = library();
    int[] config = {8, 4, 943718, 1047527, 65536, -27, 8, 8, 0};
    byte[] mCodes = new byte[2];
    byte[] scales = {-128};
    int[] counters = {0, 1 << 30, 1 << 30};
    long[] rng = {lib.slq_test_seed(1)};
    int[] master = {0, 0};
    String error = lib.slq_test_step(config, 2, mCodes, scales.clone(), new byte[2], scales.clone(),
        counters, rng, new int[] {1, -32768}, 0, master, new int[2], new int[1]);
    assertEquals("gradient integer outside [-32767, 32767]", error);
    assertArrayEquals(new int[] {0, 1 << 30, 1 << 30}, counters);
    String badConfig = lib.slq_test_step(new int[] {6, 4, 0, 0, 0, 0, 8, 8, 0}, 2, mCodes, scales,
        new byte[2], scales, counters, rng, new int[2], 0, master, new int[2], new int[1]);
    assertTrue(badConfig.contains("state bits"), badConfig);
  }

  private static void run(QadamTestLibrary lib, Path file) throws IOException {
    JsonNode v = JSON.readTree(file.toFile());
    String name = file.getFileName().toString();
    assertEquals("spikeloop-qadam-vector/1", v.path("format").asText(), name + ": format");
    JsonNode c = v.get("config");
    int[] config = {c.get("stateBits").asInt(), c.get("blockSize").asInt(),
        c.get("beta1Q20").asInt(), c.get("beta2Q20").asInt(), c.get("lrQ16").asInt(),
        c.get("epsExp").asInt(), c.get("weightBits").asInt(), c.get("masterFracBits").asInt(),
        switch (c.path("schedule").asText("dense")) {
          case "lazy" -> 1;
          case "catchup" -> 2;
          default -> 0;
        }};
    int n = v.get("length").asInt();
    int codeBytes = config[0] == 8 ? n : (n + 1) / 2;
    int blocks = (n + config[1] - 1) / config[1];
    byte[] mCodes = new byte[codeBytes];
    byte[] rCodes = new byte[codeBytes];
    byte[] mScales = new byte[blocks];
    byte[] rScales = new byte[blocks];
    java.util.Arrays.fill(mScales, (byte) -128);
    java.util.Arrays.fill(rScales, (byte) -128);
    int[] counters = {0, 1 << 30, 1 << 30};
    long[] rng = {lib.slq_test_seed(v.get("seed").asLong())};
    assertEquals(v.get("rngInit").asText(), hex(rng[0]), name + ": seeded RNG state");
    int[] master = ints(v.get("master"));
    int[] weights = new int[n];
    int[] blockSteps = new int[blocks];
    int t = 0;
    for (JsonNode step : v.get("steps")) {
      String at = name + " step " + (t + 1) + ": ";
      assertNull(lib.slq_test_step(config, n, mCodes, mScales, rCodes, rScales, counters, rng,
          ints(step.get("grad")), step.get("gradExp").asInt(), master, weights, blockSteps),
          at + "error");
      JsonNode e = step.get("expect");
      assertEquals(e.get("step").asInt(), counters[0], at + "step");
      assertEquals(e.get("beta1Pow").asInt(), counters[1], at + "beta1Pow");
      assertEquals(e.get("beta2Pow").asInt(), counters[2], at + "beta2Pow");
      assertEquals(e.get("rngState").asText(), hex(rng[0]), at + "rngState");
      assertArrayEquals(ints(e.get("mCodes")), unpack(mCodes, n, config[0]), at + "mCodes");
      assertArrayEquals(ints(e.get("mScales")), signed(mScales), at + "mScales");
      assertArrayEquals(ints(e.get("rCodes")), unpack(rCodes, n, config[0]), at + "rCodes");
      assertArrayEquals(ints(e.get("rScales")), signed(rScales), at + "rScales");
      assertArrayEquals(ints(e.get("master")), master, at + "master");
      assertArrayEquals(ints(e.get("weights")), weights, at + "weights");
      if (e.has("blockSteps")) {
        assertArrayEquals(ints(e.get("blockSteps")), blockSteps, at + "blockSteps");
      }
      t++;
    }
    assertTrue(t > 0, name + ": no steps");
  }

  /** Codes as the vectors list them: one per element (4-bit codes packed low nibble first). */
  private static int[] unpack(byte[] codes, int n, int bits) {
    int[] out = new int[n];
    for (int i = 0; i < n; i++) {
      out[i] = bits == 8 ? codes[i] & 0xFF : (codes[i >> 1] >>> ((i & 1) << 2)) & 0xF;
    }
    return out;
  }

  private static int[] signed(byte[] b) {
    int[] out = new int[b.length];
    for (int i = 0; i < b.length; i++) {
      out[i] = b[i];
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

  private static String hex(long x) {
    return String.format(Locale.ROOT, "0x%016x", x);
  }
}
