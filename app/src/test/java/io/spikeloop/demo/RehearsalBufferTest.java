package io.spikeloop.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spikeloop.data.SpikeSample;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RehearsalBufferTest {
  @Test
  void eventListsRoundTripAndCountTheirBytesExactly() {
    // 3 steps: {2, 5, 200}, {}, {0}; label 7
    SpikeSample s = new SpikeSample(7, new int[] {0, 3, 3, 4}, new int[] {2, 5, 200, 0}, 4);
    byte[] bytes = EventListCodec.encode(s);
    // label 7, steps 3 | count 3, gaps 2, 2, 194 (two bytes) | count 0 | count 1, gap 0
    assertArrayEquals(new byte[] {7, 3, 3, 2, 2, (byte) (0x80 | (194 & 0x7F)), 1, 0, 1, 0},
        bytes);
    SpikeSample back = EventListCodec.decode(bytes);
    assertEquals(7, back.label());
    assertArrayEquals(s.offsets(), back.offsets());
    assertArrayEquals(s.channels(), back.channels());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> EventListCodec.decode(java.util.Arrays.copyOf(bytes, 6)));
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());
  }

  @Test
  void classBalancedBufferStaysWithinBudgetAndBalanced() {
    SpikeSample probe = ContinualDemoTest.DATA.train().sample(0);
    int size = EventListCodec.encode(probe).length;
    RehearsalBuffer buffer = new RehearsalBuffer(6L * size, RehearsalBuffer.Policy.BALANCED, 1);
    long sum = 0;
    for (int i = 0; i < 80; i++) {
      SpikeSample s = ContinualDemoTest.DATA.train().sample(i);
      // stage 0 brings classes 0-1, stage 1 classes 2-3
      if ((i < 40) == (s.label() < 2)) {
        buffer.offer(s);
        assertTrue(buffer.usedBytes() <= buffer.budgetBytes(), "over budget: " + buffer.usedBytes());
      }
    }
    Map<Integer, Integer> counts = buffer.classCounts();
    assertEquals(4, counts.size(), "every class kept: " + counts);
    int min = counts.values().stream().mapToInt(Integer::intValue).min().orElseThrow();
    int max = counts.values().stream().mapToInt(Integer::intValue).max().orElseThrow();
    assertTrue(max - min <= 1, "balanced: " + counts);
    for (SpikeSample s : buffer.draw(buffer.size())) {
      sum += EventListCodec.encode(s).length;
    }
    assertTrue(sum > 0);
    assertEquals(buffer.size(), buffer.draw(buffer.size()).size());
  }

  @Test
  void reservoirBufferKeepsItsBudgetAndDropsSamplesLargerThanIt() {
    RehearsalBuffer small = new RehearsalBuffer(5, RehearsalBuffer.Policy.RESERVOIR, 1);
    small.offer(ContinualDemoTest.DATA.train().sample(0));
    assertEquals(0, small.size());
    assertEquals(0, small.usedBytes());
    assertTrue(small.draw(3).isEmpty());
    RehearsalBuffer buffer = new RehearsalBuffer(2000, RehearsalBuffer.Policy.RESERVOIR, 1);
    for (int i = 0; i < 100; i++) {
      buffer.offer(ContinualDemoTest.DATA.train().sample(i));
      assertTrue(buffer.usedBytes() <= 2000);
    }
    assertTrue(buffer.size() > 1, "holds several samples: " + buffer.size());
    assertThrows(IllegalArgumentException.class,
        () -> new RehearsalBuffer(-1, RehearsalBuffer.Policy.BALANCED, 1));
  }
}
