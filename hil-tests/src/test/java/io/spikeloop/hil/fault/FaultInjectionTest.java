package io.spikeloop.hil.fault;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spikeloop.checkpoint.Checkpoint;
import io.spikeloop.checkpoint.CheckpointFile;
import io.spikeloop.checkpoint.DeviceSnapshot;
import io.spikeloop.device.Device;
import io.spikeloop.device.DeviceUnavailableException;
import io.spikeloop.device.Devices;
import io.spikeloop.device.ReadoutLevel;
import io.spikeloop.device.SpikeFrame;
import io.spikeloop.device.StepResult;
import io.spikeloop.fault.Fault;
import io.spikeloop.fault.FaultyLink;
import io.spikeloop.fault.FaultyLink.Direction;
import io.spikeloop.remote.DeviceServer;
import io.spikeloop.remote.RemoteDevice;
import io.spikeloop.remote.RemoteOptions;
import io.spikeloop.remote.ServerOptions;
import io.spikeloop.target.sl1.Sl1Device;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Faults between a client and a served device, each injected once at a known frame through a
 * {@link FaultyLink}: the client gets a clear error (or, for a short delay, none), and a run that
 * restores the last device checkpoint continues exactly like an undisturbed reference.
 */
class FaultInjectionTest {
  @TempDir
  Path dir;

  /**
   * Long enough that a {@link FaultyLink#DELAY_MILLIS} delay plus a loaded CI machine's jitter is
   * no timeout, short enough that the dropped and stalled cases stay quick.
   */
  private static final Duration TIMEOUT = Duration.ofMillis(1000);

  private static RemoteOptions through(int port) {
    return RemoteOptions.of("127.0.0.1", port).withRequestTimeout(TIMEOUT)
        .withConnectTimeout(Duration.ofSeconds(2));
  }

  private static Device reference() {
    Device d = Devices.open("sim");
    d.configure(TestInputs.NET.config());
    TestInputs.NET.weights().forEach(d::writeWeights);
    return d;
  }

  private static void assertSameSteps(List<StepResult> expected, List<StepResult> actual) {
    assertEquals(expected.size(), actual.size());
    for (int i = 0; i < expected.size(); i++) {
      assertArrayEquals(expected.get(i).outputs(), actual.get(i).outputs(), "outputs " + i);
      assertArrayEquals(expected.get(i).spikes(), actual.get(i).spikes(), "spikes " + i);
      assertArrayEquals(expected.get(i).membranes(), actual.get(i).membranes(), "membranes " + i);
    }
  }

  static Stream<Arguments> faults() {
    return Stream.of(
        Arguments.of(Direction.TO_SERVER, Fault.DROP, "no reply to step"),
        Arguments.of(Direction.TO_CLIENT, Fault.DROP, "no reply to step"),
        Arguments.of(Direction.TO_SERVER, Fault.DELAY, null),
        Arguments.of(Direction.TO_CLIENT, Fault.DELAY, null),
        Arguments.of(Direction.TO_SERVER, Fault.CORRUPT_LENGTH, "FRAME_TOO_LARGE"),
        Arguments.of(Direction.TO_CLIENT, Fault.CORRUPT_LENGTH, "exceeds the limit"),
        Arguments.of(Direction.TO_SERVER, Fault.GARBAGE, "not a valid message"),
        Arguments.of(Direction.TO_CLIENT, Fault.GARBAGE, "not a valid message"),
        Arguments.of(Direction.TO_SERVER, Fault.STALL, "no reply to step"),
        Arguments.of(Direction.TO_CLIENT, Fault.STALL, "no reply to step"),
        Arguments.of(Direction.TO_SERVER, Fault.CUT, "connection was closed"),
        Arguments.of(Direction.TO_CLIENT, Fault.CUT, "connection was closed"));
  }

  /**
   * Steps in chunks of 4 with the fault on the 6th frame of one direction; a failed chunk is
   * retried after restoring the reference's state from before it.
   */
  @ParameterizedTest(name = "{1} {0}")
  @MethodSource("faults")
  void aFaultyFrameGivesAClearErrorAndTheRunRecoversBitExactly(Direction dir, Fault fault,
                                                               String message) throws Exception {
    assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
      try (DeviceServer server = DeviceServer.start("sim", ServerOptions.loopback(0));
           FaultyLink link = new FaultyLink(server.port(), FaultyLink.Plan.none());
           Device ref = reference();
           RemoteDevice remote = RemoteDevice.connect(through(link.port()))) {
        new DeviceSnapshot(TestInputs.NET.config(), TestInputs.NET.weights(), ref.state())
            .restoreInto(remote);
        link.plan(FaultyLink.Plan.once(dir, link.frames(dir) + 5, fault));
        List<SpikeFrame> in = TestInputs.frames(1, 48);
        String error = null;
        for (int c = 0; c < in.size(); c += 4) {
          List<SpikeFrame> chunk = in.subList(c, c + 4);
          DeviceSnapshot before = new DeviceSnapshot(TestInputs.NET.config(),
              TestInputs.NET.weights(), ref.state());
          List<StepResult> expected = ref.run(chunk, ReadoutLevel.FULL);
          List<StepResult> actual;
          try {
            actual = remote.run(chunk, ReadoutLevel.FULL);
          } catch (DeviceUnavailableException e) {
            assertTrue(error == null, "one fault, one failure; second: " + e.getMessage());
            error = e.getMessage();
            awaitRecovery(remote, before);
            actual = remote.run(chunk, ReadoutLevel.FULL);
          }
          assertSameSteps(expected, actual);
        }
        assertEquals(1, link.injected(fault), "the fault was injected");
        if (message == null) {
          assertEquals(null, error, "a " + FaultyLink.DELAY_MILLIS + " ms delay is no error");
        } else {
          assertNotNull(error, "the client noticed");
          assertTrue(error.contains(message), error);
          assertTrue(error.contains("remote://127.0.0.1:" + link.port()), "names the device: "
              + error);
        }
      }
    });
  }

  /**
   * The server may still hold the old session for a moment (BUSY): retry until a deadline, not a
   * fixed count, so that a loaded machine only makes it slower.
   */
  private static void awaitRecovery(Device remote, DeviceSnapshot before) throws Exception {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (true) {
      try {
        before.restoreInto(remote);
        return;
      } catch (DeviceUnavailableException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(20);
      }
    }
  }

  @Test
  void aKilledServerGivesAClearErrorAndTheRunResumesFromItsLastCheckpoint() throws Exception {
    Path file = dir.resolve("device.slc");
    List<SpikeFrame> in = TestInputs.frames(2, 120);
    int[] learned = TestInputs.NET.weights().get("layer0.in").clone();
    for (int i = 0; i < learned.length; i += 7) {
      learned[i] = Math.max(-128, Math.min(127, learned[i] + 3)); // what training changed
    }
    // The uninterrupted reference: 60 steps, the weight update, 60 steps.
    Device ref = reference();
    ref.run(in.subList(0, 60), ReadoutLevel.FULL);
    ref.writeWeights("layer0.in", learned);
    List<StepResult> expectedTail = ref.run(in.subList(60, 120), ReadoutLevel.FULL);

    DeviceServer server = DeviceServer.start("sim", ServerOptions.loopback(0));
    int port = server.port();
    try (RemoteDevice remote = RemoteDevice.connect(RemoteOptions.of("127.0.0.1", port)
        .withRequestTimeout(Duration.ofSeconds(2)))) {
      new DeviceSnapshot(TestInputs.NET.config(), TestInputs.NET.weights(), ref.state())
          .restoreInto(remote);
      remote.reset();
      remote.run(in.subList(0, 60), ReadoutLevel.FULL);
      remote.writeWeights("layer0.in", learned);
      CheckpointFile.write(file, new Checkpoint("test", DeviceSnapshot.of(remote).save()));
      remote.run(in.subList(60, 90), ReadoutLevel.FULL); // progress after the checkpoint

      server.close(); // killed mid-run
      DeviceUnavailableException e = assertThrows(DeviceUnavailableException.class,
          () -> remote.run(in.subList(90, 100), ReadoutLevel.FULL));
      assertTrue(e.getMessage().contains("remote://127.0.0.1:" + port), e.getMessage());

      server = DeviceServer.start("sim", ServerOptions.loopback(port)); // a new server comes up
      DeviceSnapshot resumed = DeviceSnapshot.load(CheckpointFile.read(file).state(),
          TestInputs.NET.config());
      resumed.restoreInto(remote);
      assertArrayEquals(learned, remote.readWeights("layer0.in"),
          "what was learned before the checkpoint is there");
      assertEquals(60, Sl1Device.state(remote).step());
      assertSameSteps(expectedTail, remote.run(in.subList(60, 120), ReadoutLevel.FULL));
    } finally {
      server.close();
      ref.close();
    }
  }

  @Test
  void randomBytesAtARealServerAreCountedAndItKeepsServing() throws Exception {
    assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
      try (DeviceServer server = DeviceServer.start("sim", ServerOptions.loopback(0)
          .withMaxFrameBytes(1 << 16)
          .withRegistry(new io.micrometer.core.instrument.simple.SimpleMeterRegistry()))) {
        Random r = new Random(11);
        for (int c = 0; c < 20; c++) {
          try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            byte[] junk = new byte[1 + r.nextInt(300)];
            r.nextBytes(junk);
            if (c % 2 == 0) {
              junk[0] = 0; // a small length prefix: the payload gets parsed (and refused)
              junk[1] = 0;
            }
            s.getOutputStream().write(junk);
            s.getOutputStream().flush();
          }
        }
        double faults = 0;
        for (int wait = 0; wait < 100 && faults == 0; wait++) {
          Thread.sleep(20);
          faults = server.metrics().faults(io.spikeloop.remote.FrameFault.Kind.MALFORMED)
              + server.metrics().faults(io.spikeloop.remote.FrameFault.Kind.OVERSIZED)
              + server.metrics().faults(io.spikeloop.remote.FrameFault.Kind.TRUNCATED);
        }
        assertTrue(faults > 0, "bad frames are counted");
        try (Device ref = reference();
             RemoteDevice remote = RemoteDevice.connect(RemoteOptions.of("127.0.0.1",
                 server.port()))) {
          new DeviceSnapshot(TestInputs.NET.config(), TestInputs.NET.weights(), ref.state())
              .restoreInto(remote);
          List<SpikeFrame> in = TestInputs.frames(3, 30);
          assertSameSteps(ref.run(in, ReadoutLevel.FULL), remote.run(in, ReadoutLevel.FULL));
        }
      }
    });
  }
}
