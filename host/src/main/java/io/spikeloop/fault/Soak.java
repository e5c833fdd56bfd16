package io.spikeloop.fault;

import io.spikeloop.checkpoint.Checkpoint;
import io.spikeloop.checkpoint.CheckpointFile;
import io.spikeloop.checkpoint.DeviceSnapshot;
import io.spikeloop.data.SpikeDataset;
import io.spikeloop.data.SpikeSample;
import io.spikeloop.device.Device;
import io.spikeloop.device.DeviceException;
import io.spikeloop.device.Devices;
import io.spikeloop.device.ReadoutLevel;
import io.spikeloop.device.SpikeFrame;
import io.spikeloop.device.StepResult;
import io.spikeloop.diff.RandomNetwork;
import io.spikeloop.diff.StepHash;
import io.spikeloop.remote.DeviceServer;
import io.spikeloop.remote.RemoteDevice;
import io.spikeloop.remote.RemoteOptions;
import io.spikeloop.remote.ServerOptions;
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
 * in-process reference device. Steps go in chunks; before each chunk the reference's state is the
 * checkpoint (the contract makes it valid for the served device too). A chunk whose call fails
 * (timeout, lost or refused connection, a bad frame) is retried: the served device is brought
 * back to the checkpoint (network, weights, state) and the chunk runs again. Every
 * {@code killEvery} chunks the server is killed and a new one started on another port, and the
 * run continues from the checkpoint file last written to disk. Every step's readout hash must
 * equal the reference's: a difference is a mismatch, the figure that must stay 0.
 */
public final class Soak {
  /** Attempts per chunk before the soak gives up (a fault that does not clear). */
  public static final int MAX_ATTEMPTS = 25;

  /**
   * @param device         the served device ({@code sim}, {@code board:ref})
   * @param reference      the in-process reference device
   * @param steps          time steps to run
   * @param chunk          steps per call
   * @param faultRate      probability of a fault per frame
   * @param faults         the kinds drawn
   * @param killEvery      chunks between server kills (0: never)
   * @param requestTimeout the client's per-request timeout (detects drops and stalls)
   * @param checkpointFile where the device checkpoint is written every {@code checkpointEvery}
   *                       chunks
   */
  public record Settings(String device, String reference, long steps, int chunk, double faultRate,
                         Fault[] faults, int killEvery, long seed, Duration requestTimeout,
                         List<Integer> hidden, Path checkpointFile, int checkpointEvery) {
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
   * @param failures   calls that failed with a device error (each retried)
   * @param recoveries chunks that needed at least one retry and then succeeded
   * @param replayedSteps steps run again after resuming from the checkpoint on disk
   * @param firstError the first failure's message (what a user would see)
   */
  public record Figures(long steps, long replayedSteps, long chunks, long framesToServer, long framesToClient,
                        Map<Fault, Long> injected, long injectedTotal, long serverKills,
                        long failures, long recoveries, long checkpointsWritten,
                        long mismatches, double seconds, String firstError) {}

  private Soak() {}

  public static Figures run(Settings s, SpikeDataset data, Consumer<String> log)
      throws IOException, InterruptedException {
    RandomNetwork net = RandomNetwork.of(data.channels(), s.hidden(), true, data.classes(),
        s.seed());
    long start = System.nanoTime();
    long failures = 0;
    long recoveries = 0;
    long kills = 0;
    long mismatches = 0;
    long checkpoints = 0;
    long chunks = 0;
    long replayed = 0;
    String firstError = null;
    DeviceServer server = DeviceServer.start(s.device(), ServerOptions.loopback(0));
    try (Device reference = Devices.open(s.reference());
         FaultyLink link = new FaultyLink(server.port(), FaultyLink.Plan.none())) {
      // Warm up the wire classes with default timeouts first: a cold JVM can take longer than
      // the short timeout the soak runs with to answer its first handshake.
      RemoteDevice.connect(RemoteOptions.of("127.0.0.1", server.port())).close();
      RemoteDevice remote = RemoteDevice.connect(RemoteOptions.of("127.0.0.1", link.port())
          .withRequestTimeout(s.requestTimeout()).withConnectTimeout(s.requestTimeout()));
      try {
        DeviceSnapshot initial = new DeviceSnapshot(net.config(), net.weights(),
            fresh(reference, net));
        for (int attempt = 1; ; attempt++) {
          try {
            initial.restoreInto(remote); // a cold server may miss the short timeout at first
            break;
          } catch (DeviceException e) {
            if (attempt == MAX_ATTEMPTS) {
              throw e;
            }
          }
        }
        link.plan(FaultyLink.Plan.random(s.faultRate(), s.seed(), s.faults()));
        long done = 0;
        int sample = 0;
        int sampleStep = 0;
        List<SpikeFrame> frames = new ArrayList<>();
        boolean justKilled = false;
        boolean restoreNeeded = false;
        while (done < s.steps()) {
          SpikeSample x = data.sample(sample % data.size());
          if (sampleStep == 0) {
            reference.reset();
          }
          int n = (int) Math.min(Math.min(s.chunk(), x.steps() - sampleStep), s.steps() - done);
          frames.clear();
          for (int t = sampleStep; t < sampleStep + n; t++) {
            frames.add(new SpikeFrame(x.spikesAt(t)));
          }
          DeviceSnapshot checkpoint = new DeviceSnapshot(net.config(), net.weights(),
              reference.state());
          if (chunks % s.checkpointEvery() == 0) {
            CheckpointFile.write(s.checkpointFile(), new Checkpoint("soak", checkpoint.save()
                .putLongs("soak.position", new long[] {done, sample, sampleStep})));
            checkpoints++;
          }
          boolean restartedServer = false;
          if (s.killEvery() > 0 && chunks > 0 && chunks % s.killEvery() == 0 && !justKilled) {
            server.close();
            server = DeviceServer.start(s.device(), ServerOptions.loopback(0));
            link.retarget(server.port());
            kills++;
            // Continue from the checkpoint on disk: rewind the inputs and the reference to it and
            // run the steps since again. (A reconnect to the new server would replay the network
            // but not the dynamic state: restoring the checkpoint is the caller's job.)
            var saved = CheckpointFile.read(s.checkpointFile()).state();
            long[] position = saved.longs("soak.position", 3);
            DeviceSnapshot onDisk = DeviceSnapshot.load(saved, net.config());
            reference.restore(onDisk.state());
            replayed += done - position[0];
            done = position[0];
            sample = (int) position[1];
            sampleStep = (int) position[2];
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
              } else if (sampleStep == 0) {
                remote.reset();
              }
              actual = remote.run(frames, ReadoutLevel.FULL);
              if (attempt > 0 || restoreNeeded) {
                recoveries++;
              }
              restoreNeeded = false;
            } catch (DeviceException e) {
              failures++;
              if (firstError == null) {
                firstError = e.getMessage();
              }
              if (attempt + 1 >= MAX_ATTEMPTS) {
                throw new IllegalStateException("chunk at step " + done + " failed " + MAX_ATTEMPTS
                    + " times; last: " + e.getMessage(), e);
              }
              Thread.sleep(Math.min(50, 2L << Math.min(attempt, 4)));
            }
          }
          for (int i = 0; i < n; i++) {
            if (StepHash.of(expected.get(i)) != StepHash.of(actual.get(i))) {
              mismatches++;
            }
          }
          done += n;
          chunks++;
          sampleStep += n;
          if (sampleStep == x.steps()) {
            sampleStep = 0;
            sample++;
          }
          if (chunks % 200 == 0) {
            log.accept(String.format("  %d/%d steps, %d faults, %d kills, %d recoveries, %d "
                + "mismatches", done, s.steps(), link.injected(), kills, recoveries, mismatches));
          }
        }
        Map<Fault, Long> byKind = new EnumMap<>(Fault.class);
        for (Fault f : Fault.injectable()) {
          byKind.put(f, link.injected(f));
        }
        return new Figures(done, replayed, chunks, link.frames(FaultyLink.Direction.TO_SERVER),
            link.frames(FaultyLink.Direction.TO_CLIENT), byKind, link.injected(), kills, failures,
            recoveries, checkpoints, mismatches, (System.nanoTime() - start) / 1e9, firstError);
      } finally {
        remote.close();
      }
    } finally {
      server.close();
    }
  }

  /** Loads the network into the reference and returns its (reset) state. */
  private static io.spikeloop.device.DeviceState fresh(Device reference, RandomNetwork net) {
    reference.configure(net.config());
    net.weights().forEach(reference::writeWeights);
    return reference.state();
  }
}
