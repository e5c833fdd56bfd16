package io.spikeloop.board;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The cue-accumulation port (upstream tbench.sv through the C ABI) end to end on one training and
 * one test sample: configuration, weights written and read back over SPI (the tool refuses a
 * mismatch), 2,250 ticks with label, TARGET_VALID and INFER_ACC after tick 2,100, on-chip e-prop,
 * the winner on the output bus. The 3-epoch run is a command (docs/reckon-board.md).
 */
class ReckonCueAccumulationBoardTest {
  @Test
  void oneTrainingAndOneTestSampleRunThroughThePins() throws Exception {
    Path tool = Path.of(System.getProperty("spikeloop.reckon.tool", "target/reckon/reckon_cue_accumulation"));
    Path data = Path.of(System.getProperty("spikeloop.reckon.data",
        "../../shared/boards/reckon/upstream/src/data"));
    assumeTrue(Files.isExecutable(tool), () -> "board:reckon not built (needs the '"
        + ReckonBoard.VERILATOR_PACKAGE + "' package): no " + tool);
    assumeTrue(Files.isDirectory(data), () -> "ReckOn's data absent: " + data);
    Process p = new ProcessBuilder(tool.toString(), "--data", data.toString(), "--samples", "1",
        "--epochs", "1", "--json").redirectErrorStream(true).start();
    assertTrue(p.waitFor(10, TimeUnit.MINUTES), "cue accumulation on 2 samples took over 10 min");
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), output);
    JsonNode json = new ObjectMapper().readTree(output);
    assertEquals(1, json.get("trainSamples").asInt());
    assertEquals(1, json.get("testSamples").asInt());
    JsonNode epoch = json.get("epochs").get(0);
    double test = json.get("testAccuracy").asDouble();
    assertTrue(test == 0.0 || test == 1.0, "one test sample: accuracy 0 or 1, got " + test);
    // cost formula (40-100-2, N = 100): at least 2(N+1) = 202 cycles on each of 2,250 ticks; at
    // most that plus 102 per event (about 20 per sample tick at most) plus 7 x 234 learning
    // cycles on the 150 supervised ticks, plus the driver's handshakes
    double cycles = epoch.get("cyclesPerSample").asDouble();
    assertTrue(cycles > 2250 * 202 && cycles < 2250 * (202 + 102 * 20) + 150 * 7 * 234,
        "cycles per sample " + cycles + " outside the cost formula's bounds");
  }
}
