package io.spikeloop.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spikeloop.device.Device;
import io.spikeloop.device.Devices;
import io.spikeloop.remote.DeviceServer;
import io.spikeloop.remote.ServerOptions;
import io.spikeloop.sim.SimDevice;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The demo on a device that admits one owner at a time (a served device, a lab's one board): the
 * arms run one after another and give the concurrent run's results exactly.
 */
class ContinualOneDeviceTest {
  private static final ContinualStream STREAM =
      ContinualStream.byClasses(ContinualDemoTest.DATA, 2, 40, 12, 7);

  private static ContinualResult run(Supplier<Device> devices, ContinualDemo.Arms arms) {
    return ContinualDemo.run(STREAM, ContinualDemoTest.CHANNELS, ContinualDemoTest.CLASSES,
        devices, ContinualDemoTest.SETTINGS, ContinualMethod.named("plain"), -1, true, arms);
  }

  @Test
  void oneDeviceAtATimeGivesTheConcurrentResultsBitForBit() {
    AtomicInteger open = new AtomicInteger();
    AtomicInteger mostOpen = new AtomicInteger();
    ContinualResult concurrent = run(SimDevice::new, ContinualDemo.Arms.CONCURRENT);
    ContinualResult sequential = run(() -> counted(new SimDevice(), open, mostOpen),
        ContinualDemo.Arms.ONE_AT_A_TIME);
    assertEquals(1, mostOpen.get(), "never two devices open at once");
    assertEquals(0, open.get(), "every device closed");
    assertSame(concurrent, sequential);
  }

  @Test
  void runsAgainstOneServedDeviceWhoseServerAdmitsOneClient() throws Exception {
    ContinualResult local = run(SimDevice::new, ContinualDemo.Arms.CONCURRENT);
    try (DeviceServer server = DeviceServer.start(new SimDevice(), ServerOptions.loopback(0))) {
      String name = "remote://127.0.0.1:" + server.port();
      assertEquals(ContinualDemo.Arms.ONE_AT_A_TIME, ContinualDemo.Arms.forDevice(name));
      ContinualResult remote = run(() -> Devices.open(name), ContinualDemo.Arms.forDevice(name));
      assertEquals(name, remote.device());
      assertSame(local, remote);
    }
  }

  /**
   * Rehearsal keeps its buffer in the learner's sample store: the simulator, the C firmware
   * ({@code board:ref}) and a served simulator learn the same, bit for bit, and hold the same
   * bytes of samples.
   */
  @Test
  void rehearsalFromTheDevicesStoreIsTheSameOnSimBoardAndAServedSim() throws Exception {
    ContinualMethod rehearsal = ContinualMethod.named("rehearsal");
    ContinualResult sim = ContinualDemo.run(STREAM, ContinualDemoTest.CHANNELS,
        ContinualDemoTest.CLASSES, SimDevice::new, ContinualDemoTest.SETTINGS, rehearsal, 3000,
        false);
    ContinualResult board = ContinualDemo.run(STREAM, ContinualDemoTest.CHANNELS,
        ContinualDemoTest.CLASSES, () -> Devices.open("board:ref"), ContinualDemoTest.SETTINGS,
        rehearsal, 3000, false);
    ContinualResult remote;
    try (DeviceServer server = DeviceServer.start(new SimDevice(), ServerOptions.loopback(0))) {
      String name = "remote://127.0.0.1:" + server.port();
      remote = ContinualDemo.run(STREAM, ContinualDemoTest.CHANNELS, ContinualDemoTest.CLASSES,
          () -> Devices.open(name), ContinualDemoTest.SETTINGS, rehearsal, 3000, false,
          ContinualDemo.Arms.forDevice(name));
    }
    assertTrue(sim.memory().bufferBytes() > 0 && sim.memory().bufferSamples() > 1,
        "" + sim.memory());
    for (ContinualResult other : List.of(board, remote)) {
      assertEquals(sim.memory(), other.memory(), other.device());
      for (int i = 0; i < sim.learningMatrix().length; i++) {
        assertArrayEquals(sim.learningMatrix()[i], other.learningMatrix()[i],
            other.device() + " learning row " + i);
      }
      for (int k = 0; k < sim.learning().size(); k++) {
        assertEquals(sim.learning().get(k).seenAccuracy(), other.learning().get(k).seenAccuracy(),
            other.device() + " point " + k);
      }
    }
    assertSame(sim, remote);
  }

  private static void assertSame(ContinualResult a, ContinualResult b) {
    assertEquals(a.jointAccuracy(), b.jointAccuracy());
    assertEquals(a.learning().size(), b.learning().size());
    for (int i = 0; i < a.learningMatrix().length; i++) {
      assertArrayEquals(a.learningMatrix()[i], b.learningMatrix()[i], "learning row " + i);
      assertArrayEquals(a.frozenMatrix()[i], b.frozenMatrix()[i], "frozen row " + i);
    }
    List<Checkpoint> fa = a.frozen();
    List<Checkpoint> fb = b.frozen();
    for (int k = 0; k < fa.size(); k++) {
      assertEquals(fa.get(k).seenAccuracy(), fb.get(k).seenAccuracy(), "frozen point " + k);
      // energy is a difference of the device's cumulative double counter, whose offsets differ
      // (one-at-a-time evaluates the frozen model on the learner): equal to rounding
      assertEquals(fa.get(k).joulesPerSample(), fb.get(k).joulesPerSample(),
          1e-12 * fa.get(k).joulesPerSample(), "frozen energy " + k);
      assertEquals(fa.get(k).cyclesPerSample(), fb.get(k).cyclesPerSample(), "frozen cycles " + k);
      Checkpoint la = a.learning().get(k);
      Checkpoint lb = b.learning().get(k);
      assertEquals(la.cyclesPerSample(), lb.cyclesPerSample(), "learning cycles " + k);
      assertEquals(la.joulesPerSample(), lb.joulesPerSample(), 1e-12 * la.joulesPerSample(),
          "learning energy " + k);
    }
    assertTrue(fa.get(fa.size() - 1).joulesPerSample() > 0, "the frozen arm's cost is measured");
  }

  /** The device, counted while open. */
  private static Device counted(SimDevice sim, AtomicInteger open, AtomicInteger mostOpen) {
    mostOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
    return new io.spikeloop.device.ForwardingDevice(sim) {
      private boolean closed;

      @Override
      public void close() {
        if (!closed) {
          closed = true;
          open.decrementAndGet();
        }
        super.close();
      }
    };
  }
}
