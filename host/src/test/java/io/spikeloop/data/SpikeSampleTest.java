package io.spikeloop.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class SpikeSampleTest {
  /** Steps 0..3: {1, 4}, {}, {2}, {0, 3}. */
  private static final SpikeSample SAMPLE =
      new SpikeSample(7, new int[] {0, 2, 2, 3, 5}, new int[] {1, 4, 2, 0, 3}, 5);

  private static int[][] steps(SpikeSample s) {
    int[][] out = new int[s.steps()][];
    for (int t = 0; t < s.steps(); t++) {
      out[t] = s.spikesAt(t);
    }
    return out;
  }

  @Test
  void shiftingLaterDropsTheSpikesPastTheEnd() {
    SpikeSample later = SAMPLE.shifted(2);
    assertArrayEquals(new int[][] {{}, {}, {1, 4}, {}}, steps(later));
    assertEquals(7, later.label());
    assertEquals(5, later.speaker());
  }

  @Test
  void shiftingEarlierDropsTheSpikesBeforeTheStart() {
    assertArrayEquals(new int[][] {{}, {2}, {0, 3}, {}}, steps(SAMPLE.shifted(-1)));
    assertArrayEquals(new int[][] {{0, 3}, {}, {}, {}}, steps(SAMPLE.shifted(-3)));
  }

  @Test
  void noShiftIsTheSampleAndAShiftPastTheLengthLeavesItEmpty() {
    assertSame(SAMPLE, SAMPLE.shifted(0));
    assertEquals(0, SAMPLE.shifted(4).spikeCount());
    assertEquals(4, SAMPLE.shifted(-9).steps());
  }

  @Test
  void channelShiftMovesEveryChannelAndDropsThoseOutOfRange() {
    assertArrayEquals(new int[][] {{3}, {}, {4}, {2}}, steps(SAMPLE.channelShifted(2, 5)));
    assertArrayEquals(new int[][] {{0, 3}, {}, {1}, {2}}, steps(SAMPLE.channelShifted(-1, 5)));
    assertSame(SAMPLE, SAMPLE.channelShifted(0, 5));
    assertEquals(7, SAMPLE.channelShifted(2, 5).label());
  }

  @Test
  void thinningKeepsASubsetDeterminedByTheGenerator() {
    SpikeSample many = SpikeSample.bin(new double[] {0, 0, 1, 1, 2, 2, 3, 3},
        new int[] {0, 5, 1, 6, 2, 7, 3, 8}, 1, 4, 3, 1);
    SpikeSample a = many.thinned(0.5, new java.util.SplittableRandom(4));
    SpikeSample b = many.thinned(0.5, new java.util.SplittableRandom(4));
    assertArrayEquals(a.channels(), b.channels());
    assertArrayEquals(a.offsets(), b.offsets());
    assertEquals(4, a.steps());
    assertEquals(3, a.label());
    for (int t = 0; t < 4; t++) {
      for (int c : a.spikesAt(t)) {
        assertEquals(true, java.util.Arrays.stream(many.spikesAt(t)).anyMatch(x -> x == c));
      }
    }
    int kept = 0;
    for (int seed = 0; seed < 200; seed++) {
      kept += many.thinned(0.25, new java.util.SplittableRandom(seed)).spikeCount();
    }
    assertEquals(0.75 * 8 * 200, kept, 60, "about three quarters of the spikes survive");
    assertSame(many, many.thinned(0, new java.util.SplittableRandom(1)));
  }

  @Test
  void blendingAlignsTheMeanStepsAndKeepsSpikesOfBoth() {
    // a: spikes at steps 1..2, b: the same pattern three steps later, other channels
    SpikeSample a = SpikeSample.bin(new double[] {1, 1, 2, 2}, new int[] {0, 1, 2, 3}, 1, 8, 4, 0);
    SpikeSample b = SpikeSample.bin(new double[] {4, 4, 5, 5}, new int[] {8, 9, 10, 11}, 1, 8,
        4, 1);
    int fromA = 0;
    int fromB = 0;
    for (int seed = 0; seed < 100; seed++) {
      SpikeSample m = a.blended(b, new java.util.SplittableRandom(seed));
      assertEquals(4, m.label());
      assertEquals(0, m.speaker());
      assertEquals(8, m.steps());
      for (int t = 0; t < 8; t++) {
        for (int c : m.spikesAt(t)) {
          // b was moved back to a's steps: channel c spiked at step 1 if c % 4 < 2, else 2
          assertEquals(c % 4 < 2 ? 1 : 2, t, "channel " + c);
          if (c < 8) {
            fromA++;
          } else {
            fromB++;
          }
        }
      }
    }
    assertEquals(200, fromA, 40);
    assertEquals(200, fromB, 40);
    assertEquals(m(a, b), m(a, b));
  }

  private static java.util.List<Integer> m(SpikeSample a, SpikeSample b) {
    SpikeSample s = a.blended(b, new java.util.SplittableRandom(7));
    return java.util.Arrays.stream(s.channels()).boxed().toList();
  }
}
