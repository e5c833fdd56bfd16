package io.spikeloop.placement;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spikeloop.checkpoint.Checkpoint;
import io.spikeloop.checkpoint.CheckpointFile;
import io.spikeloop.checkpoint.CheckpointFormatException;
import io.spikeloop.checkpoint.StateMap;
import io.spikeloop.data.DatasetSplit;
import io.spikeloop.device.Device;
import io.spikeloop.device.Devices;
import io.spikeloop.model.ParameterTensor;
import io.spikeloop.model.SnnConfig;
import io.spikeloop.model.SnnParameters;
import io.spikeloop.remote.DeviceServer;
import io.spikeloop.remote.ServerOptions;
import io.spikeloop.sim.SimDevice;
import io.spikeloop.target.sl1.LearningState;
import io.spikeloop.train.Readout;
import io.spikeloop.train.TrainingLoop;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A device-placement run interrupted at a checkpoint and resumed from the file on a fresh device
 * (what a new process sees) ends bit-identically to an uninterrupted run: device weights, the
 * learner's masters and optimizer state (float Adam for hil, quantized Adam for near-chip, the
 * core's learning engine for on-chip), telemetry-based costs and every epoch's metrics.
 */
class PlacementResumeTest {
  @TempDir
  Path dir;

  private static final DatasetSplit DATA = new DatasetSplit(PlacementContractTest.task("train", 12,
      1), PlacementContractTest.task("test", 4, 2));
  /** 2 epochs of 4 batches of 3 samples. */
  private static final TrainingLoop.Settings SETTINGS = new TrainingLoop.Settings(2, 3, 9,
      Readout.LAST);
  private static final double LR = 4e-3;

  private final List<AutoCloseable> opened = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = opened.size() - 1; i >= 0; i--) {
      opened.get(i).close();
    }
  }

  /** Thrown by the listener to stop a run the way a crash would. */
  private static final class Crash extends RuntimeException {}

  private static SnnParameters init() {
    return SnnParameters.initialise(SnnConfig.of(PlacementContractTest.CHANNELS, List.of(12), true,
        PlacementContractTest.CLASSES, 1, 20, 20), 3);
  }

  private static PlacementSettings settings(double lr, String rule) {
    return new PlacementSettings(8, 8, 16, 8, lr, 0.9, 0.999, 1e-8, 16, 5, rule);
  }

  /** A fresh device of the kind: sim, board:ref, or a simulator behind a loopback server. */
  private Device freshDevice(String kind) {
    Device d = switch (kind) {
      case "sim" -> new SimDevice();
      case "board:ref" -> Devices.open("board:ref");
      case "remote" -> {
        DeviceServer server = DeviceServer.start(new SimDevice(), ServerOptions.loopback(0));
        opened.add(server);
        yield Devices.open("remote://127.0.0.1:" + server.port());
      }
      default -> Devices.open(kind); // e.g. sim:learning=catchup, board:ref,learning=lazy
    };
    opened.add(d);
    return d;
  }

  private Supplier<Placement> fresh(String placement, String device, double lr) {
    return fresh(placement, device, lr, "tbptt1");
  }

  /** A fresh placement whose on-chip learning runs {@code rule} (tbptt1, eprop). */
  private Supplier<Placement> fresh(String placement, String device, double lr, String rule) {
    return () -> Placements.onDevice(placement, freshDevice(device), init(), settings(lr, rule));
  }

  private Path crashAfter(Placement crashing, long batches) {
    Path file = dir.resolve(crashing.name() + "-" + batches + ".slc");
    assertThrows(Crash.class, () -> TrainingLoop.run(crashing, DATA, SETTINGS,
        new TrainingLoop.Listener() {
          @Override
          public void positionReached(TrainingLoop.Position p) {
            if (p.batchesDone() == batches) {
              try {
                CheckpointFile.write(file, new Checkpoint("test",
                    crashing.saveState().putAll(p.save())));
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
              throw new Crash();
            }
          }
        }));
    return file;
  }

  @ParameterizedTest(name = "{0} on {1}, crash after {2} batches")
  @CsvSource({"hil, sim, 5", "near-chip, sim, 5", "on-chip, sim, 5", "on-chip, sim, 4",
      "on-chip, board:ref, 5", "on-chip, remote, 6", "near-chip, board:ref, 3",
      "on-chip, sim:learning=lazy, 5", "on-chip, sim:learning=catchup, 4",
      "on-chip, 'board:ref,learning=catchup', 5"})
  void resumesBitIdentically(String placement, String device, long crashAfter) throws Exception {
    resumesBitIdentically(placement, device, crashAfter, "tbptt1");
  }

  /**
   * On-chip e-prop: the checkpoint carries the engine's traces (learning-state section
   * eprop.traces) as they stand after the last sample, on the simulator, the C firmware and a
   * served simulator.
   */
  @ParameterizedTest(name = "on-chip e-prop on {0}, crash after {1} batches")
  @CsvSource({"sim, 5", "board:ref, 3", "remote, 6"})
  void onChipEpropResumesBitIdentically(String device, long crashAfter) throws Exception {
    resumesBitIdentically("on-chip", device, crashAfter, "eprop");
  }

  private void resumesBitIdentically(String placement, String device, long crashAfter,
                                     String rule) throws Exception {
    Supplier<Placement> factory = fresh(placement, device, LR, rule);
    Placement uninterrupted = factory.get();
    TrainingLoop.Result full = TrainingLoop.run(uninterrupted, DATA, SETTINGS,
        new TrainingLoop.Listener() {});

    Path file = crashAfter(factory.get(), crashAfter);
    StateMap saved = CheckpointFile.read(file).state();
    Placement resumed = factory.get();
    resumed.restoreState(saved);
    TrainingLoop.Result rest = TrainingLoop.run(resumed, DATA, SETTINGS,
        new TrainingLoop.Listener() {}, TrainingLoop.Position.load(saved));

    List<ParameterTensor> a = uninterrupted.parameters().tensors();
    List<ParameterTensor> b = resumed.parameters().tensors();
    for (int i = 0; i < a.size(); i++) {
      assertArrayEquals(a.get(i).values(), b.get(i).values(), a.get(i).name());
    }
    StateMap end = uninterrupted.saveState();
    StateMap got = resumed.saveState();
    for (String name : end.names()) {
      assertEquals(end.only(name), got.only(name), "checkpoint entry " + name);
    }
    assertEquals(end, got, "device, learner and cost state");
    assertNotEquals(saved, end, "training after the checkpoint must change the state");
    assertEquals(full.epochs().size(), rest.epochs().size());
    for (int e = 0; e < full.epochs().size(); e++) {
      assertEquals(full.epochs().get(e).trainLoss(), rest.epochs().get(e).trainLoss(), "loss " + e);
      assertEquals(full.epochs().get(e).testAccuracy(), rest.epochs().get(e).testAccuracy());
      assertEquals(full.epochs().get(e).onlineTrainAccuracy(),
          rest.epochs().get(e).onlineTrainAccuracy());
      assertEquals(full.epochs().get(e).spikesPerSample(), rest.epochs().get(e).spikesPerSample());
    }
    assertEquals(uninterrupted.learningCost(), resumed.learningCost(), "device cost per sample");
    if (!placement.equals("hil")) {
      LearningState learned = LearningState.fromBytes(end.bytes("learning.image", -1));
      assertEquals(2L * DATA.train().size() * PlacementContractTest.STEPS,
          learned.tensors().get(0).step(), "Adam steps over both epochs");
      assertEquals(rule.equals("eprop") ? LearningState.RULE_EPROP : LearningState.RULE_TBPTT1,
          learned.rule());
    }
  }

  /**
   * An on-chip checkpoint written before the learning image named its target, kind and version
   * (the same entries without those three) still resumes, bit for bit.
   */
  @Test
  void anOnChipCheckpointWithoutTheImagesNamesStillResumes() throws Exception {
    Path file = crashAfter(fresh("on-chip", "sim", LR).get(), 5);
    StateMap saved = CheckpointFile.read(file).state();
    assertEquals("sl1", saved.text(OnChipPlacement.LEARNING_TARGET_ENTRY));
    StateMap old = new StateMap();
    for (String name : saved.names()) {
      if (!name.startsWith("learning.image.")) {
        old.putAll(saved.only(name));
      }
    }
    Placement fromNew = fresh("on-chip", "sim", LR).get();
    fromNew.restoreState(saved);
    Placement fromOld = fresh("on-chip", "sim", LR).get();
    fromOld.restoreState(old);
    TrainingLoop.run(fromNew, DATA, SETTINGS, new TrainingLoop.Listener() {},
        TrainingLoop.Position.load(saved));
    TrainingLoop.run(fromOld, DATA, SETTINGS, new TrainingLoop.Listener() {},
        TrainingLoop.Position.load(old));
    assertEquals(fromNew.saveState(), fromOld.saveState());
  }

  @Test
  void aCheckpointOfAnotherRunIsRefusedNamingTheFieldAndChangesNothing() throws Exception {
    Path file = crashAfter(fresh("on-chip", "sim", LR).get(), 2);
    StateMap saved = CheckpointFile.read(file).state();

    Placement otherRate = fresh("on-chip", "sim", LR / 4).get();
    StateMap before = otherRate.saveState();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> otherRate.restoreState(saved));
    assertTrue(e.getMessage().contains("lrQ16"), e.getMessage());
    assertEquals(before, otherRate.saveState(), "nothing changed");

    Placement nearChip = fresh("near-chip", "sim", LR).get();
    e = assertThrows(IllegalArgumentException.class, () -> nearChip.restoreState(saved));
    assertTrue(e.getMessage().contains("placement on-chip"), e.getMessage());

    // a learning-state image damaged inside a checkpoint whose own checksum is valid
    byte[] image = saved.bytes("learning.image", -1);
    image[image.length / 2] ^= 0x10;
    StateMap damaged = new StateMap();
    for (String name : saved.names()) {
      if (!name.equals("learning.image")) {
        damaged.putAll(saved.only(name));
      }
    }
    damaged.putBytes("learning.image", image);
    Placement target = fresh("on-chip", "sim", LR).get();
    StateMap untouched = target.saveState();
    e = assertThrows(IllegalArgumentException.class, () -> target.restoreState(damaged));
    assertTrue(e.getMessage().contains("CRC"), e.getMessage());
    assertEquals(untouched, target.saveState(), "nothing changed");
  }

  @Test
  void aTruncatedOrCorruptedCheckpointFileIsRefusedAndLeftAsItWas() throws Exception {
    Path file = crashAfter(fresh("near-chip", "sim", LR).get(), 2);
    byte[] good = Files.readAllBytes(file);
    Path truncated = dir.resolve("truncated.slc");
    Files.write(truncated, Arrays.copyOf(good, good.length - 100));
    CheckpointFormatException e = assertThrows(CheckpointFormatException.class,
        () -> CheckpointFile.read(truncated));
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    Path corrupted = dir.resolve("corrupted.slc");
    byte[] flipped = good.clone();
    flipped[good.length / 3] ^= 1;
    Files.write(corrupted, flipped);
    e = assertThrows(CheckpointFormatException.class, () -> CheckpointFile.read(corrupted));
    assertTrue(e.getMessage().contains("CRC"), e.getMessage());
    assertArrayEquals(good, Files.readAllBytes(file), "the good checkpoint is untouched");
  }
}
