package io.spikeloop.fault;

import io.spikeloop.checkpoint.Checkpoint;
import io.spikeloop.checkpoint.CheckpointFile;
import io.spikeloop.checkpoint.DeviceSnapshot;
import io.spikeloop.checkpoint.StateMap;
import io.spikeloop.data.SpikeDataset;
import io.spikeloop.data.SpikeSample;
import io.spikeloop.device.Device;
import io.spikeloop.device.DeviceException;
import io.spikeloop.device.Devices;
import io.spikeloop.device.LearningStateLostException;
import io.spikeloop.device.OnChipLearning;
import io.spikeloop.device.ReadoutLevel;
import io.spikeloop.device.SpikeFrame;
import io.spikeloop.device.StepResult;
import io.spikeloop.diff.StepHash;
import io.spikeloop.mapper.RandomNetworkSpec;
import io.spikeloop.mapper.RandomTargetNetwork;
import io.spikeloop.mapper.TargetMapper;
import io.spikeloop.mapper.TargetMappers;
import io.spikeloop.mapper.TargetMapping;
import io.spikeloop.model.SnnConfig;
import io.spikeloop.model.SnnParameters;
import io.spikeloop.placement.PlacementSettings;
import io.spikeloop.remote.DeviceServer;
import io.spikeloop.remote.RemoteDevice;
import io.spikeloop.remote.RemoteOptions;
import io.spikeloop.remote.ServerOptions;
import io.spikeloop.target.TargetState;
import io.spikeloop.train.TrainingPreset;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A long run of a served device through a {@link FaultyLink}, checked step by step against an
 * in-process reference device. Two modes: the forward pass ({@link #run} without learning
 * settings) and on-chip learning ({@link Settings#withLearning}).
 *
 * <p>Forward: Steps go in chunks; before each chunk the reference's state is the
 * checkpoint (the contract makes it valid for the served device too). A chunk whose call fails
 * (timeout, lost or refused connection, a bad frame) is retried: the served device is brought
 * back to the checkpoint (network, weights, state) and the chunk runs again. Every
 * {@code killEvery} chunks the server is killed and a new one started on another port, and the
 * run continues from the checkpoint file last written to disk. Every step's readout hash must
 * equal the reference's: a difference is a mismatch, the figure that must stay 0.
 *
 * <p>Learning: both devices load the network on-chip training starts from and run their
 * learning engines with the configuration the {@code on-chip} placement derives
 * (the target mapper's {@code onChipLearning} plan); every frame carries its sample's label. Every
 * {@code checkpointEvery} chunks the served device's weights, dynamic state and learning state
 * are read back over the faulty link, their hash compared with the reference's (a difference is
 * a state mismatch) and written to the checkpoint file. Any failed call (a fault, or the
 * {@link LearningStateLostException} a restarted server's client raises) rewinds both devices to
 * the last checkpoint, the served one from the file, and the steps since run again.
 */
public final class Soak {
  /** Attempts per chunk before the soak gives up (a fault that does not clear). */
  public static final int MAX_ATTEMPTS = 25;

  /** Checkpoint entry of the position in the inputs: steps done, sample, step within it. */
  private static final String POSITION_ENTRY = "soak.position";

  /**
   * @param device            the served device ({@code sim}, {@code board:ref})
   * @param reference         the in-process reference device
   * @param steps             time steps to run
   * @param chunk             steps per call
   * @param faultRate         probability of a fault per frame
   * @param faults            the kinds drawn
   * @param killEvery         chunks between server kills (0: never)
   * @param seed              seed of the network, the inputs' order and the faults
   * @param requestTimeout    the client's per-request timeout (detects drops and stalls)
   * @param checkpointFile    where the device checkpoint is written every
   *                          {@code checkpointEvery} chunks
   * @param learning          null for the forward soak; else the on-chip learning settings of
   *                          the served device
   * @param referenceLearning the reference's (normally equal to {@code learning}; another seed
   *                          or rate on purpose shows that the check finds differences)
   */
  public record Settings(String device, String reference, long steps, int chunk, double faultRate,
                         Fault[] faults, int killEvery, long seed, Duration requestTimeout,
                         List<Integer> hidden, Path checkpointFile, int checkpointEvery,
                         PlacementSettings learning, PlacementSettings referenceLearning) {
    public Settings {
      atLeast("steps", steps, 1);
      atLeast("chunk", chunk, 1);
      atLeast("checkpoint interval", checkpointEvery, 1);
      atLeast("kill interval", killEvery, 0);
      if (!(faultRate >= 0 && faultRate <= 1)) {
        throw new IllegalArgumentException("fault rate must be in [0, 1], got " + faultRate);
      }
      if (faults == null || requestTimeout == null || hidden == null) {
        throw new IllegalArgumentException("a soak needs fault kinds, a request timeout and "
            + "hidden sizes");
      }
      faults = faults.clone();
      hidden = List.copyOf(hidden);
      if (checkpointFile == null) {
        throw new IllegalArgumentException("a soak needs a checkpoint file");
      }
      if ((learning == null) != (referenceLearning == null)) {
        throw new IllegalArgumentException("a learning soak needs the learning settings of both "
            + "the served device and the reference");
      }
      if (learning != null) {
        if (hidden.size() != 1) {
          throw new IllegalArgumentException("a learning soak needs one hidden layer (the "
              + "on-chip engine learns one), got hidden sizes " + hidden);
        }
        if (learning.weightBits() != referenceLearning.weightBits()
            || learning.weightHeadroom() != referenceLearning.weightHeadroom()) {
          throw new IllegalArgumentException("the served device and the reference must load the "
              + "same network: weight bits " + learning.weightBits() + " vs "
              + referenceLearning.weightBits() + ", headroom " + learning.weightHeadroom()
              + " vs " + referenceLearning.weightHeadroom());
        }
      }
    }

    /** The forward-only soak. */
    public Settings(String device, String reference, long steps, int chunk, double faultRate,
                    Fault[] faults, int killEvery, long seed, Duration requestTimeout,
                    List<Integer> hidden, Path checkpointFile, int checkpointEvery) {
      this(device, reference, steps, chunk, faultRate, faults, killEvery, seed, requestTimeout,
          hidden, checkpointFile, checkpointEvery, null, null);
    }

    /** The same soak with both devices learning on chip. */
    public Settings withLearning(PlacementSettings served, PlacementSettings ofReference) {
      return new Settings(device, reference, steps, chunk, faultRate, faults, killEvery, seed,
          requestTimeout, hidden, checkpointFile, checkpointEvery, served, ofReference);
    }

    private static void atLeast(String what, long value, long min) {
      if (value < min) {
        throw new IllegalArgumentException(what + " must be >= " + min + ", got " + value);
      }
    }
  }

  /**
   * What a soak measured.
   *
   * @param learning         whether the devices learned on chip
   * @param replayedSteps    steps run again after rewinding to the checkpoint on disk
   * @param failures         calls that failed with a device error (each followed by a retry)
   * @param learningRefusals of those, calls a client refused because its restarted server had
   *                         lost the learning state ({@link LearningStateLostException})
   * @param recoveries       forward: chunks that needed at least one retry and then succeeded;
   *                         learning: rewinds to the checkpoint that succeeded
   * @param stateChecks      learning: checkpoints whose weights and learning state were compared
   *                         (and the final state)
   * @param mismatches       steps whose readout differed from the reference's
   * @param stateMismatches  learning: state checks whose hash differed
   * @param learningUpdates  learning: parameter updates of the reference's engine
   * @param weightsChanged   learning: weights of the served device that moved from their start
   * @param firstError       the first failure's message (what a user would see)
   */
  public record Figures(boolean learning, long steps, long replayedSteps, long chunks,
                        long framesToServer, long framesToClient, Map<Fault, Long> injected,
                        long injectedTotal, long serverKills, long failures,
                        long learningRefusals, long recoveries, long checkpointsWritten,
                        long stateChecks, long mismatches, long stateMismatches,
                        long learningUpdates, long weightsChanged, double seconds,
                        String firstError) {
    /** No readout and no state differed from the reference. */
    public boolean clean() {
      return mismatches == 0 && stateMismatches == 0;
    }
  }

  private Soak() {}

  public static Figures run(Settings s, SpikeDataset data, Consumer<String> log)
      throws IOException, InterruptedException {
    return s.learning() == null ? runForward(s, data, log) : runLearning(s, data, log);
  }

  private static Figures runForward(Settings s, SpikeDataset data, Consumer<String> log)
      throws IOException, InterruptedException {
    Tally t = new Tally();
    try (Rig rig = Rig.start(s); Device reference = Devices.open(s.reference())) {
      // the reference's target draws the network, sized to the data (configure refuses a
      // network a device cannot hold)
      RandomTargetNetwork net = TargetMappers.forDevice(reference).randomNetwork(
          new RandomNetworkSpec(data.channels(), s.hidden(), true, data.classes(), false,
              s.seed()), List.of());
      RemoteDevice remote = rig.remote;
      DeviceSnapshot initial = new DeviceSnapshot(net.network(), net.weights(),
          fresh(reference, net));
      rig.untilItWorks(() -> initial.restoreInto(remote));
      rig.injectFaults();
      Cursor at = new Cursor();
      boolean justKilled = false;
      boolean restoreNeeded = false;
      while (at.done < s.steps()) {
        List<SpikeFrame> frames = at.next(data, s, false);
        if (at.sampleStep == 0) {
          reference.reset();
        }
        DeviceSnapshot checkpoint = new DeviceSnapshot(net.network(), net.weights(),
            reference.state());
        if (t.chunks % s.checkpointEvery() == 0) {
          CheckpointFile.write(s.checkpointFile(), new Checkpoint("soak", checkpoint.save()
              .putLongs(POSITION_ENTRY, at.save())));
          t.checkpoints++;
        }
        if (s.killEvery() > 0 && t.chunks > 0 && t.chunks % s.killEvery() == 0 && !justKilled) {
          rig.killServer();
          // Continue from the checkpoint on disk: rewind the inputs and the reference to it and
          // run the steps since again. (A reconnect to the new server would replay the network
          // but not the dynamic state: restoring the checkpoint is the caller's job.)
          var saved = CheckpointFile.read(s.checkpointFile()).state();
          reference.restore(DeviceSnapshot.load(saved, net.network()).state());
          t.replayed += at.rewind(saved.longs(POSITION_ENTRY, 3));
          justKilled = true;
          restoreNeeded = true;
          continue;
        }
        justKilled = false;
        List<StepResult> expected = reference.run(frames, ReadoutLevel.FULL);
        List<StepResult> actual = null;
        for (int attempt = 0; actual == null; attempt++) {
          try {
            if (attempt > 0 || restoreNeeded) {
              checkpoint.restoreInto(remote);
            } else if (at.sampleStep == 0) {
              remote.reset();
            }
            actual = remote.run(frames, ReadoutLevel.FULL);
            if (attempt > 0 || restoreNeeded) {
              t.recoveries++;
            }
            restoreNeeded = false;
          } catch (DeviceException e) {
            t.failed(e, attempt + 1, at);
            backOff(attempt);
          }
        }
        t.compare(expected, actual);
        at.advance(frames.size());
        t.chunks++;
        t.progress(log, s, at, rig);
      }
      return t.figures(false, at, rig, 0, 0);
    }
  }

  private static Figures runLearning(Settings s, SpikeDataset data, Consumer<String> log)
      throws IOException, InterruptedException {
    Tally t = new Tally();
    try (Rig rig = Rig.start(s); Device reference = Devices.open(s.reference())) {
      RemoteDevice remote = rig.remote;
      TargetMapper mapper = TargetMappers.forDevice(reference);
      TargetMapping start = learningNetwork(s, data, mapper, reference);
      TargetState served = learningConfig(mapper, start, s.learning());
      TargetState ofReference = learningConfig(mapper, start, s.referenceLearning());
      start.loadInto(reference);
      OnChipLearning.of(reference, "the learning soak").enable(ofReference);
      Cursor at = new Cursor();
      // The first checkpoint is taken before faults are armed: there is none to fall back on.
      LearningCheckpoint[] referenceAt = new LearningCheckpoint[1];
      rig.untilItWorks(() -> {
        start.loadInto(remote);
        OnChipLearning.of(remote, "the learning soak").enable(served);
        referenceAt[0] = checkpoint(s, remote, reference, at, t);
      });
      rig.injectFaults();
      LearningCheckpoint referenceAtCheckpoint = referenceAt[0];
      int sinceCheckpoint = 0;
      int failedInARow = 0;
      boolean rewind = false;
      boolean justKilled = false;
      while (at.done < s.steps()) {
        try {
          if (rewind) {
            // Both devices back to the last checkpoint: the served one from the file (this
            // also ends a restarted server's learning-state-lost refusals), the reference
            // from its own copy; the steps since run again.
            StateMap saved = CheckpointFile.read(s.checkpointFile()).state();
            LearningCheckpoint.load(saved, start.network()).restoreInto(remote);
            referenceAtCheckpoint.restoreInto(reference);
            t.replayed += at.rewind(saved.longs(POSITION_ENTRY, 3));
            t.recoveries++;
            sinceCheckpoint = 0;
            rewind = false;
          }
          if (sinceCheckpoint == s.checkpointEvery()) {
            referenceAtCheckpoint = checkpoint(s, remote, reference, at, t);
            sinceCheckpoint = 0;
          }
          if (s.killEvery() > 0 && t.chunks > 0 && t.chunks % s.killEvery() == 0 && !justKilled) {
            // The client is not told: its next call finds the new server and must refuse to
            // learn on, since the engine's state died with the old one.
            rig.killServer();
            justKilled = true;
          }
          List<SpikeFrame> frames = at.next(data, s, true);
          if (at.sampleStep == 0) {
            reference.reset();
            remote.reset();
          }
          List<StepResult> expected = reference.run(frames, ReadoutLevel.FULL);
          List<StepResult> actual = remote.run(frames, ReadoutLevel.FULL);
          t.compare(expected, actual);
          at.advance(frames.size());
          t.chunks++;
          sinceCheckpoint++;
          justKilled = false;
          failedInARow = 0;
          t.progress(log, s, at, rig);
        } catch (DeviceException e) {
          t.failed(e, ++failedInARow, at);
          backOff(failedInARow - 1);
          rewind = true;
        }
      }
      rig.calm();
      LearningCheckpoint[] end = new LearningCheckpoint[1];
      rig.untilItWorks(() -> end[0] = LearningCheckpoint.of(remote));
      t.checkState(end[0], LearningCheckpoint.of(reference));
      long changed = 0;
      for (var e : end[0].device().weights().entrySet()) {
        int[] before = start.tensor(e.getKey()).values();
        for (int i = 0; i < before.length; i++) {
          changed += before[i] != e.getValue()[i] ? 1 : 0;
        }
      }
      return t.figures(true, at, rig, reference.telemetry().learningUpdates(), changed);
    }
  }

  /**
   * Reads the served device back, compares it with the reference, writes the file; returns the
   * reference's checkpoint (to rewind it to). A failed readback leaves the last file in place.
   */
  private static LearningCheckpoint checkpoint(Settings s, Device remote, Device reference,
                                               Cursor at, Tally t) {
    LearningCheckpoint served = LearningCheckpoint.of(remote);
    LearningCheckpoint expected = LearningCheckpoint.of(reference);
    t.checkState(served, expected);
    try {
      CheckpointFile.write(s.checkpointFile(), new Checkpoint("soak --learning",
          served.save().putLongs(POSITION_ENTRY, at.save())));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot write the soak checkpoint "
          + s.checkpointFile() + ": " + e.getMessage(), e);
    }
    t.checkpoints++;
    return expected;
  }

  /**
   * The network on-chip training starts from: the seeded initialisation (1 ms steps, the
   * general preset's time constants), mapped by the reference device's target as the device
   * placements map it.
   */
  static TargetMapping learningNetwork(Settings s, SpikeDataset data, TargetMapper mapper,
                                       Device reference) {
    SnnParameters init = SnnParameters.initialise(SnnConfig.of(data.channels(), s.hidden(), true,
        data.classes(), 1.0, TrainingPreset.GENERAL.tauMemMs(),
        TrainingPreset.GENERAL.tauOutMs()), s.seed());
    return mapper.map(init, s.learning().mappingOptions(), reference.info().limits());
  }

  /** The learning configuration the {@code on-chip} placement would enable for {@code start}. */
  private static TargetState learningConfig(TargetMapper mapper, TargetMapping start,
                                            PlacementSettings settings) {
    return mapper.onChipLearning(start, settings.learningOptions()).config(0);
  }

  private static void backOff(int attempt) throws InterruptedException {
    Thread.sleep(Math.min(50, 2L << Math.min(attempt, 4)));
  }

  /** Loads the network into the reference and returns its (reset) state. */
  private static TargetState fresh(Device reference, RandomTargetNetwork net) {
    reference.configure(net.network());
    net.weights().forEach(reference::writeWeights);
    return reference.state();
  }

  /** The served device behind the faulty link, and the client talking to it through the link. */
  private static final class Rig implements AutoCloseable {
    private final Settings s;
    private final FaultyLink link;
    final RemoteDevice remote;
    private DeviceServer server;
    long kills;

    private Rig(Settings s, DeviceServer server, FaultyLink link, RemoteDevice remote) {
      this.s = s;
      this.server = server;
      this.link = link;
      this.remote = remote;
    }

    static Rig start(Settings s) throws IOException {
      DeviceServer server = DeviceServer.start(s.device(), ServerOptions.loopback(0));
      FaultyLink link = null;
      try {
        link = new FaultyLink(server.port(), FaultyLink.Plan.none());
        // Warm up the wire classes with default timeouts first: a cold JVM can take longer than
        // the short timeout the soak runs with to answer its first handshake.
        RemoteDevice.connect(RemoteOptions.of("127.0.0.1", server.port())).close();
        RemoteDevice remote = RemoteDevice.connect(RemoteOptions.of("127.0.0.1", link.port())
            .withRequestTimeout(s.requestTimeout()).withConnectTimeout(s.requestTimeout()));
        return new Rig(s, server, link, remote);
      } catch (IOException | RuntimeException e) {
        if (link != null) {
          link.close();
        }
        server.close();
        throw e;
      }
    }

    /** Runs {@code load} until it works (a cold server may miss the short timeout at first). */
    void untilItWorks(Runnable load) {
      for (int attempt = 1; ; attempt++) {
        try {
          load.run();
          return;
        } catch (DeviceException e) {
          if (attempt == MAX_ATTEMPTS) {
            throw e;
          }
        }
      }
    }

    void injectFaults() {
      link.plan(FaultyLink.Plan.random(s.faultRate(), s.seed(), s.faults()));
    }

    void calm() {
      link.plan(FaultyLink.Plan.none());
    }

    /** Kills the server and starts a new one (another instance) behind the same link. */
    void killServer() {
      server.close();
      server = DeviceServer.start(s.device(), ServerOptions.loopback(0));
      link.retarget(server.port());
      kills++;
    }

    @Override
    public void close() {
      try {
        remote.close();
        link.close();
      } finally {
        server.close();
      }
    }
  }

  /** Where a soak is in its inputs: steps done, the sample, the step within it. */
  private static final class Cursor {
    long done;
    int sample;
    int sampleStep;
    SpikeSample current;
    private final List<SpikeFrame> frames = new ArrayList<>();

    /** The next chunk: at most {@code chunk} steps, within one sample; labelled to learn. */
    List<SpikeFrame> next(SpikeDataset data, Settings s, boolean labelled) {
      current = data.sample(sample % data.size());
      int label = labelled ? current.label() : SpikeFrame.NO_LABEL;
      int n = (int) Math.min(Math.min(s.chunk(), current.steps() - sampleStep),
          s.steps() - done);
      frames.clear();
      for (int t = sampleStep; t < sampleStep + n; t++) {
        frames.add(new SpikeFrame(current.spikesAt(t), label));
      }
      return frames;
    }

    void advance(int n) {
      done += n;
      sampleStep += n;
      if (sampleStep == current.steps()) {
        sampleStep = 0;
        sample++;
      }
    }

    long[] save() {
      return new long[] {done, sample, sampleStep};
    }

    /** Moves back to a saved position; returns the steps that will run again. */
    long rewind(long[] position) {
      long again = done - position[0];
      done = position[0];
      sample = (int) position[1];
      sampleStep = (int) position[2];
      return again;
    }
  }

  /** The running counts of a soak. */
  private static final class Tally {
    private final long start = System.nanoTime();
    long replayed;
    long chunks;
    long failures;
    long refusals;
    long recoveries;
    long checkpoints;
    long stateChecks;
    long mismatches;
    long stateMismatches;
    String firstError;

    /** Counts a failed call; gives up after {@link #MAX_ATTEMPTS} in a row. */
    void failed(DeviceException e, int inARow, Cursor at) {
      failures++;
      if (e instanceof LearningStateLostException) {
        refusals++;
      }
      if (firstError == null) {
        firstError = e.getMessage();
      }
      if (inARow >= MAX_ATTEMPTS) {
        throw new IllegalStateException("chunk at step " + at.done + " failed " + MAX_ATTEMPTS
            + " times; last: " + e.getMessage(), e);
      }
    }

    void compare(List<StepResult> expected, List<StepResult> actual) {
      for (int i = 0; i < expected.size(); i++) {
        if (StepHash.of(expected.get(i)) != StepHash.of(actual.get(i))) {
          mismatches++;
        }
      }
    }

    void checkState(LearningCheckpoint served, LearningCheckpoint expected) {
      stateChecks++;
      if (served.hash() != expected.hash()) {
        stateMismatches++;
      }
    }

    void progress(Consumer<String> log, Settings s, Cursor at, Rig rig) {
      if (chunks % 200 == 0) {
        log.accept(String.format("  %d/%d steps, %d faults, %d kills, %d recoveries, %d "
            + "mismatches", at.done, s.steps(), rig.link.injected(), rig.kills, recoveries,
            mismatches + stateMismatches));
      }
    }

    Figures figures(boolean learning, Cursor at, Rig rig, long learningUpdates,
                    long weightsChanged) {
      Map<Fault, Long> byKind = new EnumMap<>(Fault.class);
      for (Fault f : Fault.injectable()) {
        byKind.put(f, rig.link.injected(f));
      }
      return new Figures(learning, at.done, replayed, chunks,
          rig.link.frames(FaultyLink.Direction.TO_SERVER),
          rig.link.frames(FaultyLink.Direction.TO_CLIENT), byKind, rig.link.injected(),
          rig.kills, failures, refusals, recoveries, checkpoints, stateChecks, mismatches,
          stateMismatches, learningUpdates, weightsChanged, (System.nanoTime() - start) / 1e9,
          firstError);
    }
  }
}
