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
}
