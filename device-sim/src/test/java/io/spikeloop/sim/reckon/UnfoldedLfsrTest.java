package io.spikeloop.sim.reckon;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class UnfoldedLfsrTest {

  /**
   * lfsr_neur_stochround.v by hand: y0 = d0, y(i) = y(i-1) ^ d(i) for i >= 1 (out = prefix XOR),
   * and the next state is d0 <= d1 ^ ... ^ d14, d(i) <= y(i).
   */
  @Test
  void neuronRoundingLfsrFollowsItsNetlistByHand() {
    UnfoldedLfsr lfsr = UnfoldedLfsr.neuronRounding();
    int d = 0x1234;
    lfsr.seed(d);
    for (int cycle = 0; cycle < 200; cycle++) {
      int out = 0, prefix = 0;
      for (int i = 0; i < 15; i++) {
        prefix ^= (d >>> i) & 1;
        out |= prefix << i;
      }
      assertEquals(out, lfsr.lane(0), "cycle " + cycle);
      int d0 = Integer.bitCount(d & 0x7FFE) & 1;
      d = (out & 0x7FFE) | d0;
      lfsr.advance();
      assertEquals(d, lfsr.state(), "state after cycle " + cycle);
    }
  }

  @Test
  void weightLfsrLanesAreSlicesOfOneOutputWord() {
    UnfoldedLfsr lfsr = UnfoldedLfsr.weightsInRec();
    lfsr.seed(0xF0F0);
    int[] lanes = new int[16];
    lfsr.lanes(lanes);
    for (int l = 0; l < 16; l++) {
      assertEquals(lanes[l], lfsr.lane(l));
      int expected = 0;
      for (int b = 0; b < 32; b++) {
        expected |= (Integer.bitCount(ReckonLfsrTables.WEIGHTS_IN_REC_OUT[32 * l + b] & 0xF0F0) & 1) << b;
      }
      assertEquals(expected, lanes[l], "lane " + l);
    }
  }

  /** The committed tables equal the maps derived again from the RTL netlists. */
  @Test
  void tablesMatchTheRtlNetlists() throws IOException {
    Optional<Path> src = ReckonUpstream.src();
    assumeTrue(src.isPresent(), ReckonUpstream.ABSENT);
    Path lfsr = src.get().resolve("lfsr");
    check(lfsr.resolve("lfsr_neur_stochround.v"), ReckonLfsrTables.NEURON_ROUNDING_NEXT, ReckonLfsrTables.NEURON_ROUNDING_OUT);
    check(lfsr.resolve("lfsr_oneur_stochround.v"), ReckonLfsrTables.OUTPUT_ROUNDING_NEXT, ReckonLfsrTables.OUTPUT_ROUNDING_OUT);
    check(lfsr.resolve("lfsr_noise_neur.v"), ReckonLfsrTables.NOISE_NEXT, ReckonLfsrTables.NOISE_OUT);
    check(lfsr.resolve("lfsr_winp_wrec.v"), ReckonLfsrTables.WEIGHTS_IN_REC_NEXT, ReckonLfsrTables.WEIGHTS_IN_REC_OUT);
    check(lfsr.resolve("lfsr_wout.v"), ReckonLfsrTables.WEIGHTS_OUT_NEXT, ReckonLfsrTables.WEIGHTS_OUT_OUT);
  }

  private static void check(Path file, int[] next, int[] out) throws IOException {
    String src = Files.readString(file).replaceAll("//[^\n]*", "");
    Map<String, String> assigns = new HashMap<>();
    Matcher a = Pattern.compile("assign\\s+(\\w+)\\s*=\\s*([^;]+);").matcher(src);
    while (a.find()) {
      assigns.put(a.group(1), a.group(2));
    }
    Map<String, String> onEnable = new HashMap<>();
    Matcher e = Pattern.compile("else if \\(en\\)\\s*(d\\d+)\\s*<=\\s*(\\w+);").matcher(src);
    while (e.find()) {
      onEnable.put(e.group(1), e.group(2));
    }
    Map<String, Integer> memo = new HashMap<>();
    int[] derivedNext = new int[onEnable.size()];
    for (int i = 0; i < derivedNext.length; i++) {
      derivedNext[i] = eval(onEnable.get("d" + i), assigns, memo);
    }
    String[] outs = assigns.get("out").trim().replaceAll("[{}]", "").split(",");
    int[] derivedOut = new int[outs.length];
    for (int i = 0; i < outs.length; i++) {
      derivedOut[outs.length - 1 - i] = eval(outs[i].trim(), assigns, memo);
    }
    assertArrayEquals(derivedNext, next, file + " next state");
    assertArrayEquals(derivedOut, out, file + " output");
  }

  private static int eval(String wire, Map<String, String> assigns, Map<String, Integer> memo) {
    Integer known = memo.get(wire);
    if (known != null) {
      return known;
    }
    int v;
    if (wire.matches("d\\d+")) {
      v = 1 << Integer.parseInt(wire.substring(1));
    } else {
      v = 0;
      for (String part : assigns.get(wire).split("\\^")) {
        v ^= eval(part.trim(), assigns, memo);
      }
    }
    memo.put(wire, v);
    return v;
  }
}
