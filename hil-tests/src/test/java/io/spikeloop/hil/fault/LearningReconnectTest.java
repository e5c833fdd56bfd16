package io.spikeloop.hil.fault;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spikeloop.device.Device;
import io.spikeloop.device.DeviceException;
import io.spikeloop.device.DeviceUnavailableException;
import io.spikeloop.device.LearningStateLostException;
import io.spikeloop.device.ReadoutLevel;
import io.spikeloop.device.SampleStore;
import io.spikeloop.device.StoredSample;
import io.spikeloop.device.SpikeFrame;
import io.spikeloop.device.WeightTensor;
import io.spikeloop.diff.StepHash;
import io.spikeloop.remote.DeviceServer;
import io.spikeloop.remote.RemoteDevice;
import io.spikeloop.remote.RemoteOptions;
import io.spikeloop.remote.ServerOptions;
import io.spikeloop.sim.SimDevice;
import io.spikeloop.target.sl1.DeviceState;
import io.spikeloop.target.sl1.LearningConfig;
import io.spikeloop.target.sl1.LearningState;
import io.spikeloop.target.sl1.LockstepLearning;
import io.spikeloop.target.sl1.Sl1Device;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * A client learning on chip whose server restarts: the reconnect brings the network back but not
 * what the engine learned, so the client refuses to learn on or read weights until the learning
 * state is restored from a checkpoint; then it continues exactly like an uninterrupted device.
 */
class LearningReconnectTest {
  private static final LearningConfig LEARNING = LockstepLearning.config(
      TestInputs.NET.config(), 8, 16, 1 << 22, 6, 5);

  /** 90 labelled steps (labels cycle through the 4 classes every 30 steps). */
  private static final List<SpikeFrame> FRAMES = labelled(TestInputs.frames(11, 90));

  private static List<SpikeFrame> labelled(List<SpikeFrame> frames) {
    List<SpikeFrame> out = new ArrayList<>();
    for (int t = 0; t < frames.size(); t++) {
      out.add(new SpikeFrame(frames.get(t).axons(), t / 30 % 4));
    }
    return out;
  }

  private static RemoteDevice connect(int port) {
    return RemoteDevice.connect(RemoteOptions.of("127.0.0.1", port)
        .withRequestTimeout(Duration.ofSeconds(2)));
  }

  private static void load(Device d) {
    d.configure(TestInputs.NET.config());
    TestInputs.NET.weights().forEach(d::writeWeights);
    Sl1Device.enableLearning(d, LEARNING);
  }

  private static long[] steps(Device d, int from, int to) {
    long[] hashes = new long[to - from];
    for (int t = from; t < to; t++) {
      hashes[t - from] = StepHash.of(d.step(FRAMES.get(t), ReadoutLevel.FULL));
    }
    return hashes;
  }

  private static Map<String, int[]> weights(Device d) {
    Map<String, int[]> w = new LinkedHashMap<>();
    for (WeightTensor t : d.config().tensors()) {
      w.put(t.name(), d.readWeights(t.name()));
    }
    return w;
  }

  /**
   * The first call after a restart finds the new server and is refused, unless the client's
   * event loop has not yet seen the old connection end: then that call fails as unavailable
   * (a scheduling race, on a loaded machine) and the next one finds the new server.
   */
  static void noticeTheRestart(Executable call) {
    DeviceException first = assertThrows(DeviceException.class, call);
    if (first instanceof DeviceUnavailableException) {
      first = assertThrows(LearningStateLostException.class, call);
    }
    assertInstanceOf(LearningStateLostException.class, first, first.getMessage());
  }

  @Test
  void afterARestartLearningIsRefusedUntilTheStateIsRestoredThenItContinuesExactly() {
    assertTimeoutPreemptively(Duration.ofSeconds(20), this::restartAndRestore);
  }

  private void restartAndRestore() {
    SimDevice reference = new SimDevice();
    load(reference);
    long[] expected = steps(reference, 0, 90);

    DeviceServer server = DeviceServer.start(new SimDevice(), ServerOptions.loopback(0));
    int port = server.port();
    try (RemoteDevice remote = connect(port)) {
      load(remote);
      assertArrayEquals(Arrays.copyOfRange(expected, 0, 30), steps(remote, 0, 30));
      // The checkpoint: weights, learning state, dynamic state after step 30.
      Map<String, int[]> weights = weights(remote);
      LearningState learned = Sl1Device.learningState(remote);
      DeviceState state = Sl1Device.state(remote);
      steps(remote, 30, 40); // learned, then lost with the server

      server.close();
      server = DeviceServer.start(new SimDevice(), ServerOptions.loopback(port));
      noticeTheRestart(() -> remote.step(FRAMES.get(40), ReadoutLevel.FULL));
      for (Executable call : List.<Executable>of(
          () -> remote.step(FRAMES.get(40), ReadoutLevel.FULL),
          () -> remote.run(FRAMES.subList(40, 42), ReadoutLevel.OUTPUTS),
          () -> remote.readWeights("layer0.in"), () -> Sl1Device.learningState(remote),
          () -> Sl1Device.disableLearning(remote))) {
        LearningStateLostException e = assertThrows(LearningStateLostException.class, call);
        assertTrue(e.getMessage().startsWith("remote://127.0.0.1:" + port + ": device server "
            + "restarted: its learning state was lost") && e.getMessage().contains(
            "restore the learning state from a checkpoint (OnChipLearning.restore)"),
            e.getMessage());
      }

      weights.forEach(remote::writeWeights);
      Sl1Device.restoreLearningState(remote, learned);
      Sl1Device.restore(remote, state);
      assertEquals(learned, Sl1Device.learningState(remote), "the new server's engine holds the checkpoint");
      assertArrayEquals(Arrays.copyOfRange(expected, 30, 90), steps(remote, 30, 90),
          "after the restore the steps continue as if nothing happened");
      assertEquals(Sl1Device.learningState(reference), Sl1Device.learningState(remote));
      Map<String, int[]> expectedWeights = weights(reference);
      weights(remote).forEach((name, w) -> assertArrayEquals(expectedWeights.get(name), w, name));
    } finally {
      server.close();
    }
  }

  @Test
  void enablingLearningAfreshIsADeliberateNewStart() {
    assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
      DeviceServer server = DeviceServer.start(new SimDevice(), ServerOptions.loopback(0));
      int port = server.port();
      try (RemoteDevice remote = connect(port)) {
        load(remote);
        steps(remote, 0, 10);
        server.close();
        server = DeviceServer.start(new SimDevice(), ServerOptions.loopback(port));
        noticeTheRestart(() -> steps(remote, 10, 11));
        Sl1Device.enableLearning(remote, LEARNING);
        steps(remote, 10, 20);
        assertEquals(10, Sl1Device.learningState(remote).tensors().get(0).step(),
            "the engine started over on the new server");
      } finally {
        server.close();
      }
    });
  }

  /**
   * The samples a client put into a served device's store die with the server: after a restart
   * the client refuses put, remove and replay by name until it clears the store, then works again.
   */
  @Test
  void afterARestartTheSampleStoreIsRefusedUntilCleared() {
    assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
      DeviceServer server = DeviceServer.start(new SimDevice(), ServerOptions.loopback(0));
      int port = server.port();
      try (RemoteDevice remote = connect(port)) {
        load(remote);
        SampleStore store = remote.extension(SampleStore.class).orElseThrow();
        StoredSample sample = new StoredSample(1, new int[] {0, 2, 3}, new int[] {0, 5, 7});
        int slot = store.put(sample);
        assertEquals(2, store.replay(slot, ReadoutLevel.OUTPUTS).size());
        server.close();
        server = DeviceServer.start(new SimDevice(), ServerOptions.loopback(port));
        IllegalStateException lost = null;
        for (int tries = 0; lost == null && tries < 2; tries++) {
          try {
            store.replay(slot, ReadoutLevel.OUTPUTS);
          } catch (IllegalStateException e) {
            lost = e;
          } catch (DeviceUnavailableException raceWithTheOldConnection) {
            // the event loop had not yet seen the old connection end: the next call finds it
          }
        }
        assertTrue(lost != null && lost.getMessage().contains("its sample store was lost"),
            String.valueOf(lost));
        var put = assertThrows(IllegalStateException.class, () -> store.put(sample));
        assertTrue(put.getMessage().contains("refusing put"), put.getMessage());
        assertEquals(List.of(), store.list(), "the new server's store is empty");
        store.clear();
        assertEquals(0, store.put(sample));
      } finally {
        server.close();
      }
    });
  }
}
