package io.spikeloop.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spikeloop.data.SpikeSample;
import io.spikeloop.device.Device;
import io.spikeloop.device.Devices;
import io.spikeloop.device.SampleStore;
import io.spikeloop.device.StoredSample;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RehearsalBufferTest {
  private static SampleStore storeOf(Device d) {
    return d.extension(SampleStore.class).orElseThrow();
  }

  @Test
  void recordsCountTheirBytesExactlyAndRoundTrip() {
    // 3 steps: {2, 5, 200}, {}, {0}; label 7
    SpikeSample s = new SpikeSample(7, new int[] {0, 3, 3, 4}, new int[] {2, 5, 200, 0}, 4);
    byte[] bytes = RehearsalBuffer.record(s).encode();
    // u16 label 7, u16 steps 3, u32 events 4 | count 3, gaps 2, 2, 194 (two bytes) | count 0 |
    // count 1, gap 0
    assertArrayEquals(new byte[] {7, 0, 3, 0, 4, 0, 0, 0, 3, 2, 2, (byte) (0x80 | (194 & 0x7F)),
        1, 0, 1, 0}, bytes);
    StoredSample back = StoredSample.decode(bytes);
    assertEquals(7, back.label());
    assertArrayEquals(s.offsets(), back.offsets());
    assertArrayEquals(s.channels(), back.axons());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> StoredSample.decode(java.util.Arrays.copyOf(bytes, 12)));
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());
  }

  @Test
  void classBalancedBufferStaysWithinBudgetAndBalancedInTheDevicesStore() {
    try (Device device = Devices.open("sim")) {
      SampleStore store = storeOf(device);
      SpikeSample probe = ContinualDemoTest.DATA.train().sample(0);
      int size = RehearsalBuffer.record(probe).encode().length;
      RehearsalBuffer buffer = new RehearsalBuffer(store, 6L * size,
          RehearsalBuffer.Policy.BALANCED, 1);
      for (int i = 0; i < 80; i++) {
        SpikeSample s = ContinualDemoTest.DATA.train().sample(i);
        // stage 0 brings classes 0-1, stage 1 classes 2-3
        if ((i < 40) == (s.label() < 2)) {
          buffer.offer(s);
          assertTrue(buffer.usedBytes() <= buffer.budgetBytes(), "over budget: "
              + buffer.usedBytes());
          assertEquals(buffer.usedBytes(), store.usedBytes(), "the device holds the bytes");
          assertEquals(buffer.size(), store.list().size());
        }
      }
      Map<Integer, Integer> counts = buffer.classCounts();
      assertEquals(4, counts.size(), "every class kept: " + counts);
      int min = counts.values().stream().mapToInt(Integer::intValue).min().orElseThrow();
      int max = counts.values().stream().mapToInt(Integer::intValue).max().orElseThrow();
      assertTrue(max - min <= 1, "balanced: " + counts);
      for (var e : store.list()) {
        assertEquals(counts.get(e.label()) != null, true, "stored label " + e.label());
      }
      assertEquals(buffer.size(), buffer.draw(buffer.size()).size());
    }
  }

  @Test
  void reservoirBufferKeepsItsBudgetAndDropsSamplesLargerThanIt() {
    try (Device device = Devices.open("sim")) {
      SampleStore store = storeOf(device);
      RehearsalBuffer small = new RehearsalBuffer(store, 5, RehearsalBuffer.Policy.RESERVOIR, 1);
      small.offer(ContinualDemoTest.DATA.train().sample(0));
      assertEquals(0, small.size());
      assertEquals(0, store.usedBytes());
      assertTrue(small.draw(3).isEmpty());
      RehearsalBuffer buffer = new RehearsalBuffer(store, 2000, RehearsalBuffer.Policy.RESERVOIR,
          1);
      for (int i = 0; i < 100; i++) {
        buffer.offer(ContinualDemoTest.DATA.train().sample(i));
        assertTrue(store.usedBytes() <= 2000);
      }
      assertTrue(buffer.size() > 1, "holds several samples: " + buffer.size());
      assertThrows(IllegalArgumentException.class,
          () -> new RehearsalBuffer(store, -1, RehearsalBuffer.Policy.BALANCED, 1));
      var e = assertThrows(IllegalArgumentException.class, () -> new RehearsalBuffer(store,
          store.capacityBytes() + 1, RehearsalBuffer.Policy.BALANCED, 1));
      assertTrue(e.getMessage().contains("does not fit the device's sample store of "
          + store.capacityBytes() + " bytes"), e.getMessage());
    }
  }
}
