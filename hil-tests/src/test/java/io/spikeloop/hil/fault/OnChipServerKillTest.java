package io.spikeloop.hil.fault;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spikeloop.checkpoint.Checkpoint;
import io.spikeloop.checkpoint.CheckpointFile;
import io.spikeloop.checkpoint.StateMap;
import io.spikeloop.data.DatasetSplit;
import io.spikeloop.device.DeviceException;
import io.spikeloop.device.DeviceUnavailableException;
import io.spikeloop.device.LearningStateLostException;
import io.spikeloop.model.ParameterTensor;
import io.spikeloop.model.SnnConfig;
import io.spikeloop.model.SnnParameters;
import io.spikeloop.placement.Placement;
import io.spikeloop.placement.PlacementSettings;
import io.spikeloop.placement.Placements;
import io.spikeloop.remote.DeviceServer;
import io.spikeloop.remote.RemoteDevice;
import io.spikeloop.remote.RemoteOptions;
import io.spikeloop.remote.ServerOptions;
import io.spikeloop.sim.SimDevice;
import io.spikeloop.target.sl1.LearningState;
import io.spikeloop.target.sl1.Sl1Device;
import io.spikeloop.train.Readout;
import io.spikeloop.train.TrainingLoop;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The device server dies in the middle of on-chip training (its learning engine's state dies
 * with it): the run resumes from its last checkpoint on a new server and ends bit-identically to
 * a run that was never disturbed, so nothing learned before the checkpoint is lost.
 */
class OnChipServerKillTest {
  @TempDir
  Path dir;

  private static final DatasetSplit DATA = new DatasetSplit(TestInputs.dataset(12, 20),
      TestInputs.dataset(4, 20));
  /** 2 epochs of 4 batches of 3 samples. */
  private static final TrainingLoop.Settings SETTINGS = new TrainingLoop.Settings(2, 3, 5,
      Readout.LAST);
  private static final SnnParameters INIT = SnnParameters.initialise(SnnConfig.of(
      TestInputs.CHANNELS, List.of(16), true, 4, 1, 20, 20), 7);
  private static final PlacementSettings PLACEMENT = new PlacementSettings(8, 8, 16, 8, 4e-3, 0.9,
      0.999, 1e-8, 16, 11);

  private static RemoteDevice connect(DeviceServer server) {
    return RemoteDevice.connect(RemoteOptions.of("127.0.0.1", server.port())
        .withRequestTimeout(Duration.ofSeconds(2)).withConnectTimeout(Duration.ofSeconds(2)));
  }

  @Test
  void serverKilledMidTrainingResumesFromTheLastCheckpointBitIdentically() {
    assertTimeoutPreemptively(Duration.ofSeconds(20), this::killAndResume);
  }

  /** The weights of a run that was never disturbed. */
  private static List<ParameterTensor> uninterrupted() {
    try (SimDevice local = new SimDevice()) {
      Placement p = Placements.onDevice("on-chip", local, INIT, PLACEMENT);
      TrainingLoop.run(p, DATA, SETTINGS, new TrainingLoop.Listener() {});
      return p.parameters().tensors();
    }
  }

  /** Writes a checkpoint after every second batch; runs {@code kill} after batch 5. */
  private static TrainingLoop.Listener checkpointEverySecondBatch(Path file, Placement p,
                                                                  Runnable kill) {
    return new TrainingLoop.Listener() {
      @Override
      public void positionReached(TrainingLoop.Position at) {
        if (at.batchesDone() % 2 == 0) {
          try {
            CheckpointFile.write(file, new Checkpoint("test", p.saveState().putAll(at.save())));
          } catch (IOException io) {
            throw new UncheckedIOException(io);
          }
        } else if (at.batchesDone() == 5) {
          kill.run(); // killed mid-training: batch 5's learning dies with it
        }
      }
    };
  }

  private static void assertSameWeights(List<ParameterTensor> expected, Placement p) {
    List<ParameterTensor> actual = p.parameters().tensors();
    for (int i = 0; i < expected.size(); i++) {
      assertArrayEquals(expected.get(i).values(), actual.get(i).values(),
          expected.get(i).name() + " after resuming on a new server");
    }
  }

  private void killAndResume() throws Exception {
    List<ParameterTensor> expected = uninterrupted();
    Path file = dir.resolve("checkpoint.slc");
    DeviceServer first = DeviceServer.start(new SimDevice(), ServerOptions.loopback(0));
    int port = first.port();
    try (RemoteDevice remote = connect(first)) {
      Placement p = Placements.onDevice("on-chip", remote, INIT, PLACEMENT);
      DeviceUnavailableException e = assertThrows(DeviceUnavailableException.class,
          () -> TrainingLoop.run(p, DATA, SETTINGS, checkpointEverySecondBatch(file, p,
              first::close)));
      assertTrue(e.getMessage().contains("remote://127.0.0.1:" + port), e.getMessage());
    } finally {
      first.close();
    }

    StateMap saved = CheckpointFile.read(file).state();
    TrainingLoop.Position at = TrainingLoop.Position.load(saved);
    assertEquals(4, at.batchesDone(), "the last checkpoint before the kill");
    LearningState learned = LearningState.fromBytes(saved.bytes("learning.image", -1));
    assertEquals(4 * 3 * 20, learned.tensors().get(0).step(), "Adam steps in the checkpoint");

    try (DeviceServer second = DeviceServer.start(new SimDevice(), ServerOptions.loopback(0));
         RemoteDevice remote = connect(second)) {
      Placement p = Placements.onDevice("on-chip", remote, INIT, PLACEMENT);
      p.restoreState(saved);
      assertEquals(learned, Sl1Device.learningState(remote), "the new server's engine holds what was learned");
      TrainingLoop.run(p, DATA, SETTINGS, new TrainingLoop.Listener() {}, at);
      assertSameWeights(expected, p);
    }
  }

  /**
   * The same client and placement carry on against a server restarted on the same address: the
   * client reconnects by itself but refuses to train on without the learning state; restoring
   * the placement's checkpoint ends that, and the run ends as the undisturbed one.
   */
  @Test
  void theSameClientRefusesARestartedServerUntilThePlacementRestoresItsCheckpoint() {
    assertTimeoutPreemptively(Duration.ofSeconds(20), this::restartUnderTheSameClient);
  }

  private void restartUnderTheSameClient() throws Exception {
    List<ParameterTensor> expected = uninterrupted();
    Path file = dir.resolve("checkpoint.slc");
    DeviceServer[] server = {DeviceServer.start(new SimDevice(), ServerOptions.loopback(0))};
    int port = server[0].port();
    try (RemoteDevice remote = connect(server[0])) {
      Placement p = Placements.onDevice("on-chip", remote, INIT, PLACEMENT);
      DeviceException e = assertThrows(DeviceException.class,
          () -> TrainingLoop.run(p, DATA, SETTINGS, checkpointEverySecondBatch(file, p, () -> {
            server[0].close();
            server[0] = DeviceServer.start(new SimDevice(), ServerOptions.loopback(port));
          })));
      if (e instanceof DeviceUnavailableException) {
        // The old connection's end reached the client after batch 6 was sent (a race).
        LearningReconnectTest.noticeTheRestart(() -> Sl1Device.learningState(remote));
      } else {
        assertInstanceOf(LearningStateLostException.class, e);
        assertTrue(e.getMessage().contains("remote://127.0.0.1:" + port + ": device server "
            + "restarted"), e.getMessage());
      }

      StateMap saved = CheckpointFile.read(file).state();
      TrainingLoop.Position at = TrainingLoop.Position.load(saved);
      p.restoreState(saved);
      TrainingLoop.run(p, DATA, SETTINGS, new TrainingLoop.Listener() {}, at);
      assertSameWeights(expected, p);
    } finally {
      server[0].close();
    }
  }
}
