package io.spikeloop.demo;

import io.spikeloop.data.SpikeSample;
import io.spikeloop.device.Capability;
import io.spikeloop.device.Device;
import io.spikeloop.device.OnChipLearning;
import io.spikeloop.device.SampleStore;
import io.spikeloop.device.Telemetry;
import io.spikeloop.device.UnsupportedCapabilityException;
import io.spikeloop.device.WeightTensor;
import io.spikeloop.mapper.MappedTensor;
import io.spikeloop.mapper.TargetMapping;
import io.spikeloop.mapper.TensorLearning;
import io.spikeloop.model.SnnConfig;
import io.spikeloop.model.SnnParameters;
import io.spikeloop.placement.OnChipPlacement;
import io.spikeloop.placement.Placement;
import io.spikeloop.placement.PlacementSettings;
import io.spikeloop.placement.Placements;
import io.spikeloop.train.Readout;
import io.spikeloop.train.SnnTrainer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * Runs a {@link ContinualStream} through the core's on-chip learning engine and through a frozen
 * copy of the model as it stood after the first stage. The learning arm trains on every streamed
 * sample (one tBPTT1 update per time step, on the device); every {@code evalEvery} samples and at
 * the end of each stage both arms are evaluated on the evaluation sets of the stages seen so far.
 *
 * <p>The frozen arm is a second device that receives the learner's weights after stage 0 and
 * never learns again: it runs the rest of the stream forward only (so its energy is inference
 * energy), and since its weights no longer change, its accuracy per stage is measured once.
 */
public final class ContinualDemo {
  private ContinualDemo() {}

  /** Plain on-chip learning, no joint bound: {@link #run(ContinualStream, int, int, Supplier,
   * ContinualSettings, ContinualMethod, long, boolean)} with {@code plain}. */
  public static ContinualResult run(ContinualStream stream, int channels, int classes,
                                    Supplier<Device> devices, ContinualSettings s) {
    return run(stream, channels, classes, devices, s, ContinualMethod.named("plain"), 0, false);
  }

  /**
   * Runs the demo with {@code method}; {@code devices} opens a device per arm (all are closed
   * here).
   *
   * @param bufferBytes rehearsal buffer budget in bytes (ignored by methods without rehearsal);
   *                    negative: {@value #DEFAULT_BUFFER_PERCENT} % of the network's weight memory
   * @param joint       also train the upper bound: a third device learning on-chip from the
   *                    shuffled union of all stages, as many samples as the stream
   * @throws UnsupportedCapabilityException naming the device when it cannot learn on-chip
   */
  public static ContinualResult run(ContinualStream stream, int channels, int classes,
                                    Supplier<Device> devices, ContinualSettings s,
                                    ContinualMethod method, long bufferBytes, boolean joint) {
    return run(stream, channels, classes, devices, s, method, bufferBytes, joint, Arms.CONCURRENT);
  }

  /** How the arms (learner, frozen copy, upper bound) share devices. */
  public enum Arms {
    /**
     * Each arm on a device of its own, the upper bound alongside the stream: local simulators
     * and board libraries that open as many instances as asked.
     */
    CONCURRENT,
    /**
     * One device open at a time, for a device that has one owner (a served {@code remote://}
     * device, a lab's one chip). The frozen arm's accuracy is measured on the learner itself when
     * stage 0 ends (it is that model then); its inference energy by replaying the streamed chunks
     * on the device once the learner has closed, with the weights read back at that moment; the
     * upper bound runs last. Same results as {@link #CONCURRENT} on a bit-exact target
     * (accuracies and cycles bit for bit, energies to the rounding of the device's cumulative
     * energy counter); only the wall time grows.
     */
    ONE_AT_A_TIME;

    /** {@link #ONE_AT_A_TIME} for a served device (its server admits one client), else concurrent. */
    public static Arms forDevice(String deviceName) {
      return deviceName.startsWith("remote://") ? ONE_AT_A_TIME : CONCURRENT;
    }
  }

  /**
   * {@link #run(ContinualStream, int, int, Supplier, ContinualSettings, ContinualMethod, long,
   * boolean)} with the arms sharing devices as {@code arms} says.
   */
  public static ContinualResult run(ContinualStream stream, int channels, int classes,
                                    Supplier<Device> devices, ContinualSettings s,
                                    ContinualMethod method, long bufferBytes, boolean joint,
                                    Arms arms) {
    long started = System.nanoTime();
    boolean oneAtATime = arms == Arms.ONE_AT_A_TIME;
    SnnParameters init = SnnParameters.initialise(SnnConfig.of(channels, List.of(s.hidden()),
        false, classes, s.stepMillis(), ContinualSettings.TAU_MEM_MS,
        s.tauOutMillis()), s.seed());
    PlacementSettings ps = new PlacementSettings(s.weightBits(), s.adamBits(), 64, 8, s.lr(),
        0.9, 0.999, 1e-8, 16, s.seed());
    int stages = stream.stages().size();
    double[][] learnedMatrix = nanMatrix(stages);
    double[][] frozenMatrix = nanMatrix(stages);
    List<Checkpoint> learning = new ArrayList<>();
    List<Checkpoint> frozen = new ArrayList<>();
    // the upper bound runs on its own device and thread, alongside the stream (the simulator
    // uses one core per device)
    ExecutorService jointThread = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "continual-joint");
      t.setDaemon(true);
      return t;
    });
    Future<double[]> jointRun = joint && !oneAtATime
        ? jointThread.submit(() -> joint(stream, devices, init, ps, s.seed())) : null;
    jointThread.shutdown();
    Map<String, int[]> frozenWeights = null;
    // one device at a time: the chunks whose frozen inference cost is measured afterwards
    List<List<SpikeSample>> frozenChunks = new ArrayList<>();
    List<Integer> frozenPoints = new ArrayList<>();
    String deviceName;
    Memory memory;
    try (Device learnerDevice = requireLearning(devices.get());
         Placement learner = Placements.onDevice("on-chip", learnerDevice, init, ps)) {
      long weightBytes = weightBytes(learnerDevice);
      long budget = bufferBytes >= 0 ? bufferBytes : weightBytes * DEFAULT_BUFFER_PERCENT / 100;
      SampleStore store = method.rehearsal() == null ? null : requireStore(learnerDevice);
      RehearsalBuffer buffer = store == null ? null
          : new RehearsalBuffer(store, budget, method.rehearsal(), s.seed());
      OnChipPlacement onChip = (OnChipPlacement) learner;
      TargetMapping mapping = onChip.mapping();
      ClassPrototypes prototypes = method.prototypes()
          ? new ClassPrototypes(classes, s.hidden(), mapping) : null;
      Anchoring anchoring = method.anchoring() ? new Anchoring() : null;
      int steps = stream.stages().get(0).train().get(0).steps();
      Device frozenDevice = null;
      Placement frozenModel = null;
      double[] frozenAccuracy = null;
      try {
        long samples = 0;
        for (int i = 0; i < stages; i++) {
          List<SpikeSample> train = stream.stages().get(i).train();
          if (i == 1) {
            laterStages(onChip, learnerDevice, method);
          }
          for (int start = 0; start < train.size(); start += s.evalEvery()) {
            List<SpikeSample> chunk = train.subList(start,
                Math.min(train.size(), start + s.evalEvery()));
            boolean end = start + chunk.size() == train.size();
            Telemetry t0 = learnerDevice.telemetry();
            if (i > 0 && prototypes != null && (start == 0 || !method.readoutLearns())) {
              // the first samples of the stage's classes set their readout rows (every sample
              // when the readout does not learn)
              prototypes.observe(learnerDevice, chunk);
              prototypes.writeReadout(learnerDevice, steps);
            }
            if (i == 0 || method.readoutLearns()) {
              trainWithRehearsal(learner, learnerDevice, chunk, buffer);
            }
            if (i > 0 && anchoring != null) {
              anchoring.pull(learnerDevice);
            }
            if (i == 0 && end && prototypes != null) {
              // stage 0's classes: the samples of its last chunk, on the final hidden layer
              prototypes.observe(learnerDevice, chunk);
            }
            Telemetry spent = learnerDevice.telemetry().minus(t0);
            // replays included: they run on the device, outside the placement's own accounts
            double learningJoules = learnerDevice.target().costModel().learningJoules(spent);
            samples += chunk.size();
            double[] now = evaluate(learner, stream, i);
            if (end) {
              learnedMatrix[i] = now.clone();
            }
            Checkpoint learned = new Checkpoint("learning", samples, i, end,
                seenAccuracy(stream, i, now), now, Forgetting.mean(learnedMatrix, i, now),
                spent.energyJoules() / chunk.size(), learningJoules / chunk.size(),
                (double) spent.cycles() / chunk.size());
            learning.add(learned);
            if (i == 0) {
              // stage 0: the frozen model is this very model
              frozen.add(new Checkpoint("frozen", samples, i, end, learned.seenAccuracy(), now,
                  0, learned.joulesPerSample(), learned.learningJoulesPerSample(),
                  learned.cyclesPerSample()));
              continue;
            }
            if (end) {
              frozenMatrix[i] = frozenAccuracy.clone();
            }
            Telemetry frozenSpent = Telemetry.ZERO;
            if (oneAtATime) {
              frozenChunks.add(chunk);
              frozenPoints.add(frozen.size());
            } else {
              frozenSpent = inferenceCost(frozenModel, frozenDevice, chunk);
            }
            frozen.add(frozenPoint(samples, i, end, stream, frozenAccuracy, frozenMatrix,
                frozenSpent, chunk.size()));
          }
          if (anchoring != null) {
            anchoring.anchor(learnerDevice, anchoredTensors(learnerDevice, mapping, method),
                s.weightBits());
          }
          if (i == 0) {
            frozenMatrix[0] = learnedMatrix[0].clone();
            frozenWeights = weights(learnerDevice);
            if (oneAtATime) {
              frozenAccuracy = evaluate(learner, stream, stages - 1);
            } else {
              frozenDevice = devices.get();
              frozenModel = freeze(frozenWeights, frozenDevice, init, ps);
              frozenAccuracy = evaluate(frozenModel, stream, stages - 1);
            }
          }
        }
      } finally {
        if (frozenModel != null) {
          frozenModel.close();
        }
        if (frozenDevice != null) {
          frozenDevice.close();
        }
      }
      deviceName = learnerDevice.info().name();
      // the buffer's bytes as the device's store counts them
      long held = store == null ? 0 : store.usedBytes();
      if (buffer != null && held != buffer.usedBytes()) {
        throw new IllegalStateException("device " + deviceName + " holds " + held + " bytes of "
            + "samples, the rehearsal buffer put " + buffer.usedBytes());
      }
      memory = new Memory(weightBytes, buffer == null ? 0 : buffer.budgetBytes(), held,
          buffer == null ? 0 : buffer.size(),
          prototypes == null ? 0 : prototypes.bytes(), anchoring == null ? 0 : anchoring.bytes());
      if (store != null) {
        store.clear(); // the device's memory as the demo found it
      }
    }
    if (oneAtATime && !frozenChunks.isEmpty()) {
      // the learner has closed: the frozen model's inference cost on the device it freed
      try (Device device = devices.get();
           Placement model = freeze(frozenWeights, device, init, ps)) {
        for (int k = 0; k < frozenChunks.size(); k++) {
          List<SpikeSample> chunk = frozenChunks.get(k);
          int point = frozenPoints.get(k);
          frozen.set(point, withCost(frozen.get(point), inferenceCost(model, device, chunk),
              chunk.size()));
        }
      }
    }
    double[] jointAccuracy = jointRun != null ? result(jointRun)
        : joint ? joint(stream, devices, init, ps, s.seed()) : null;
    return new ContinualResult(stream.kind(),
        stream.stages().stream().map(ContinualStream.Stage::name).toList(),
        deviceName, method.name(), learning, frozen, learnedMatrix, frozenMatrix, jointAccuracy,
        jointAccuracy == null ? Double.NaN : seenAccuracy(stream, stages - 1, jointAccuracy),
        memory, (System.nanoTime() - started) * 1e-9);
  }

  /** Rehearsal buffer budget when none is given: this share of the network's weight memory. */
  public static final int DEFAULT_BUFFER_PERCENT = 10;

  /**
   * The device memory a method adds to the network's weights.
   *
   * @param weightBytes    the network's weight memory on the device (all tensors, their widths)
   * @param bufferBudget   rehearsal buffer budget (0 without rehearsal)
   * @param bufferBytes    bytes the buffer holds at the end
   * @param bufferSamples  samples it holds at the end
   * @param prototypeBytes stored class means
   * @param anchorBytes    anchors and importances of the consolidation
   */
  public record Memory(long weightBytes, long bufferBudget, long bufferBytes, int bufferSamples,
                       long prototypeBytes, long anchorBytes) {
    public long methodBytes() {
      return bufferBytes + prototypeBytes + anchorBytes;
    }
  }

  /**
   * Trains every streamed sample; with a buffer, each is followed by one sample drawn from the
   * buffer and replayed from the device's store (the host sends the slot, not the events), and
   * is then offered to the buffer.
   */
  private static void trainWithRehearsal(Placement learner, Device device,
                                         List<SpikeSample> chunk, RehearsalBuffer buffer) {
    if (buffer == null) {
      learner.train(chunk);
      return;
    }
    for (SpikeSample sample : chunk) {
      learner.train(List.of(sample));
      for (int slot : buffer.draw(REPLAYS_PER_SAMPLE)) {
        buffer.replay(device, slot);
      }
      buffer.offer(sample);
    }
  }

  /** The device's sample store, emptied, or an error naming the device and the capability. */
  static SampleStore requireStore(Device device) {
    SampleStore store = device.extension(SampleStore.class).orElseThrow(() ->
        new UnsupportedCapabilityException(device.info().name(), Capability.SAMPLE_STORE,
            "rehearsal from a buffer in device memory"));
    store.clear(); // the demo owns the device: samples an earlier client left are not ours
    return store;
  }

  /** The network's weight memory: every tensor's values at their widths, biases included. */
  static long weightBytes(Device device) {
    long bits = 0;
    for (WeightTensor t : device.config().tensors()) {
      bits += (long) t.length() * t.bits();
    }
    return (bits + 7) / 8;
  }

  /** The device's on-chip learning (present: the device was checked when opened). */
  private static OnChipLearning learning(Device device) {
    return device.extension(OnChipLearning.class).orElseThrow(() ->
        new UnsupportedCapabilityException(device.info().name(), Capability.ON_CHIP_LEARNING,
            "the continual-learning demo (it learns on the core)"));
  }

  /** Buffered samples trained after each streamed one. */
  static final int REPLAYS_PER_SAMPLE = 1;

  /**
   * Switches the learning to what {@code method} learns after stage 0: off, as it was, or only
   * the readout (tensors standing for the float {@code out.*}) with the hidden layer frozen or
   * slowed, as a tensor selection the target encodes into its learning configuration.
   */
  private static void laterStages(OnChipPlacement learner, Device device,
                                   ContinualMethod method) {
    if (!method.readoutLearns()) {
      learning(device).disable();
      return;
    }
    if (method.hidden() == ContinualMethod.Hidden.LEARNS) {
      return; // the engine goes on as in stage 0 (optimizer state kept)
    }
    Map<String, Integer> rateShifts = new LinkedHashMap<>();
    for (MappedTensor t : learner.mapping().tensors()) {
      if (readout(t)) {
        rateShifts.put(t.name(), 0);
      } else if (method.hidden() == ContinualMethod.Hidden.SLOW) {
        rateShifts.put(t.name(), ContinualMethod.SLOW_HIDDEN_RATE_SHIFT);
      }
    }
    learner.learnTensors(new TensorLearning(rateShifts));
  }

  /** Whether {@code t} is part of the readout: it stands for a float {@code out.*} tensor. */
  private static boolean readout(MappedTensor t) {
    return t.floatTensor().startsWith("out.");
  }

  /** The weight matrices (not biases) that still learn after stage 0. */
  private static List<String> anchoredTensors(Device device, TargetMapping mapping,
                                              ContinualMethod method) {
    List<String> out = new ArrayList<>();
    for (WeightTensor w : device.config().tensors()) {
      MappedTensor t = mapping.tensor(w.name());
      boolean bias = t.floatTensor().endsWith(".bias");
      boolean hidden = !readout(t);
      if (!bias && !(hidden && method.hidden() == ContinualMethod.Hidden.FROZEN)) {
        out.add(t.name());
      }
    }
    return out;
  }

  /**
   * The upper bound: the same network learning on-chip from the shuffled union of every stage's
   * training samples (as many as the stream), evaluated on every stage.
   */
  private static double[] joint(ContinualStream stream, Supplier<Device> devices,
                                SnnParameters init, PlacementSettings ps, long seed) {
    List<SpikeSample> all = new ArrayList<>();
    stream.stages().forEach(st -> all.addAll(st.train()));
    java.util.Collections.shuffle(all, new java.util.Random(seed));
    try (Device device = requireLearning(devices.get());
         Placement model = Placements.onDevice("on-chip", device, init, ps)) {
      model.train(all);
      return evaluate(model, stream, stream.stages().size() - 1);
    }
  }

  /** The joint run's accuracy, its failure rethrown as it was. */
  private static double[] result(Future<double[]> run) {
    try {
      return run.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted waiting for the joint upper bound", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException("joint upper bound failed", e.getCause());
    }
  }

  /** The device, or a clear error naming it and the missing capability (closing it). */
  static Device requireLearning(Device device) {
    if (!device.info().has(Capability.ON_CHIP_LEARNING)) {
      String name = device.info().name();
      device.close();
      throw new UnsupportedCapabilityException(name, Capability.ON_CHIP_LEARNING,
          "the continual-learning demo (it learns on the core)");
    }
    return device;
  }

  /** Every weight tensor of the device, read back. */
  private static Map<String, int[]> weights(Device device) {
    Map<String, int[]> out = new LinkedHashMap<>();
    for (WeightTensor t : device.config().tensors()) {
      out.put(t.name(), device.readWeights(t.name()));
    }
    return out;
  }

  /** An on-chip model with {@code weights} and its learning engine switched off. */
  private static Placement freeze(Map<String, int[]> weights, Device target, SnnParameters init,
                                  PlacementSettings ps) {
    Placement copy = Placements.onDevice("on-chip", requireLearning(target), init, ps);
    learning(target).disable();
    weights.forEach(target::writeWeights);
    return copy;
  }

  /** What the frozen model spends running {@code chunk} forward. */
  private static Telemetry inferenceCost(Placement model, Device device, List<SpikeSample> chunk) {
    Telemetry before = device.telemetry();
    model.infer(chunk);
    return device.telemetry().minus(before);
  }

  private static Checkpoint frozenPoint(long samples, int stage, boolean end,
                                        ContinualStream stream, double[] accuracy,
                                        double[][] matrix, Telemetry spent, int chunkSize) {
    return new Checkpoint("frozen", samples, stage, end,
        seenAccuracy(stream, stage, masked(accuracy, stage)), masked(accuracy, stage),
        Forgetting.mean(matrix, stage, accuracy), spent.energyJoules() / chunkSize, 0,
        (double) spent.cycles() / chunkSize);
  }

  private static Checkpoint withCost(Checkpoint c, Telemetry spent, int chunkSize) {
    return new Checkpoint(c.arm(), c.samples(), c.stage(), c.endOfStage(), c.seenAccuracy(),
        c.stageAccuracy(), c.forgetting(), spent.energyJoules() / chunkSize, 0,
        (double) spent.cycles() / chunkSize);
  }

  /** Accuracy on the evaluation sets of stages 0..{@code upTo}; NaN for later stages. */
  static double[] evaluate(SnnTrainer model, ContinualStream stream, int upTo) {
    double[] accuracy = new double[stream.stages().size()];
    Arrays.fill(accuracy, Double.NaN);
    for (int j = 0; j <= upTo; j++) {
      List<SpikeSample> test = stream.stages().get(j).test();
      SnnTrainer.Inference inference = model.infer(test);
      int correct = 0;
      for (int b = 0; b < test.size(); b++) {
        if (Readout.LAST.predict(inference, b) == test.get(b).label()) {
          correct++;
        }
      }
      accuracy[j] = (double) correct / test.size();
    }
    return accuracy;
  }

  /** Accuracy over the union of the evaluation sets of stages 0..{@code stage}. */
  static double seenAccuracy(ContinualStream stream, int stage, double[] perStage) {
    double correct = 0;
    int total = 0;
    for (int j = 0; j <= stage; j++) {
      int n = stream.stages().get(j).test().size();
      correct += perStage[j] * n;
      total += n;
    }
    return correct / total;
  }

  private static double[] masked(double[] accuracy, int stage) {
    double[] out = accuracy.clone();
    Arrays.fill(out, stage + 1, out.length, Double.NaN);
    return out;
  }

  private static double[][] nanMatrix(int n) {
    double[][] m = new double[n][n];
    for (double[] row : m) {
      Arrays.fill(row, Double.NaN);
    }
    return m;
  }
}
