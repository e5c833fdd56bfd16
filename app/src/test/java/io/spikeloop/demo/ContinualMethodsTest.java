package io.spikeloop.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spikeloop.device.Device;
import io.spikeloop.target.sl1.LearningConfig;
import io.spikeloop.device.WeightTensor;
import io.spikeloop.sim.SimDevice;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Optional;
import io.spikeloop.device.OnChipLearning;
import io.spikeloop.device.SampleStore;
import io.spikeloop.target.TargetState;
import io.spikeloop.target.sl1.Sl1Codecs;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Each method's mechanics on a tiny 2-stage stream (seconds); headline numbers are in docs. */
class ContinualMethodsTest {
  static final int HIDDEN = 8;
  static final ContinualSettings SETTINGS = new ContinualSettings(HIDDEN, 4e-3, 8, 8, 10, 1, 3);
  static final ContinualStream STREAM = ContinualStream.byClasses(ContinualDemoTest.DATA, 2, 20,
      12, 7);

  /** The devices opened, in order (learner first), and the learning calls each received. */
  static final class Recorder implements Supplier<Device> {
    final List<List<Object>> calls = new ArrayList<>();

    @Override
    public Device get() {
      SimDevice sim = new SimDevice();
      List<Object> mine = new ArrayList<>();
      calls.add(mine);
      return (Device) Proxy.newProxyInstance(Device.class.getClassLoader(),
          new Class<?>[] {Device.class}, (proxy, method, args) -> {
            switch (method.getName()) {
              case "extension" -> {
                if (args[0] == OnChipLearning.class) {
                  return Optional.of(recording(sim.extension(OnChipLearning.class).orElseThrow(),
                      mine));
                }
                if (args[0] == SampleStore.class) {
                  return Optional.of(recording(sim.extension(SampleStore.class).orElseThrow(),
                      mine));
                }
              }
              case "writeWeights" -> mine.add("write " + args[0]);
              default -> { }
            }
            try {
              return method.invoke(sim, args);
            } catch (InvocationTargetException ex) {
              throw ex.getCause();
            }
          });
    }

    /** The device's sample store, recording each put and replay. */
    private static SampleStore recording(SampleStore store, List<Object> mine) {
      return new SampleStore() {
        @Override
        public long capacityBytes() {
          return store.capacityBytes();
        }

        @Override
        public int slots() {
          return store.slots();
        }

        @Override
        public long usedBytes() {
          return store.usedBytes();
        }

        @Override
        public int put(byte[] record) {
          mine.add("put");
          return store.put(record);
        }

        @Override
        public void remove(int slot) {
          store.remove(slot);
        }

        @Override
        public void clear() {
          store.clear();
        }

        @Override
        public List<Entry> list() {
          return store.list();
        }

        @Override
        public List<io.spikeloop.device.StepResult> replay(int slot,
            io.spikeloop.device.ReadoutLevel readout) {
          mine.add("replay");
          return store.replay(slot, readout);
        }
      };
    }

    /** The engine's controls, recording each configuration enabled and each disable. */
    private static OnChipLearning recording(OnChipLearning engine, List<Object> mine) {
      return new OnChipLearning() {
        @Override
        public void enable(TargetState config) {
          mine.add(Sl1Codecs.decodeLearningConfig(config));
          engine.enable(config);
        }

        @Override
        public void disable() {
          mine.add("disable");
          engine.disable();
        }

        @Override
        public TargetState state() {
          return engine.state();
        }

        @Override
        public void restore(TargetState state) {
          engine.restore(state);
        }
      };
    }

    List<LearningConfig> enabled(int device) {
      return calls.get(device).stream().filter(LearningConfig.class::isInstance)
          .map(LearningConfig.class::cast).toList();
    }
  }

  static ContinualResult run(String method, Recorder devices, long bufferBytes, boolean joint) {
    return ContinualDemo.run(STREAM, ContinualDemoTest.CHANNELS, ContinualDemoTest.CLASSES,
        devices, SETTINGS, ContinualMethod.named(method), bufferBytes, joint);
  }

  @Test
  void readoutOnlyListsOnlyTheReadoutAfterTheFirstStage() {
    Recorder devices = new Recorder();
    ContinualResult r = run("readout", devices, -1, false);
    List<LearningConfig> enabled = devices.enabled(0);
    assertEquals(2, enabled.size(), "stage 0, then the later stages");
    Map<String, Integer> all = enabled.get(0).learningRates();
    Map<String, Integer> later = enabled.get(1).learningRates();
    assertEquals(List.of(WeightTensor.OUT_W, WeightTensor.OUT_BIAS), List.copyOf(later.keySet()));
    later.forEach((t, lr) -> assertEquals(all.get(t), lr, t));
    assertEquals("readout", r.method());
    assertEquals(0, r.memory().methodBytes(), "no buffer, no prototypes");
  }

  @Test
  void slowHiddenLayerLearnsAtAnEighthOfItsRate() {
    Recorder devices = new Recorder();
    run("hidden-slow", devices, -1, false);
    List<LearningConfig> enabled = devices.enabled(0);
    Map<String, Integer> all = enabled.get(0).learningRates();
    Map<String, Integer> later = enabled.get(1).learningRates();
    assertEquals(all.keySet(), later.keySet());
    String in = WeightTensor.layerIn(0);
    assertEquals(all.get(in) / ContinualMethod.SLOW_HIDDEN_DIVISOR, later.get(in));
    assertEquals(all.get(WeightTensor.OUT_W), later.get(WeightTensor.OUT_W));
  }

  @Test
  void plainLearningKeepsTheEngineAsItIs() {
    Recorder devices = new Recorder();
    run("plain", devices, -1, false);
    assertEquals(1, devices.enabled(0).size());
    List<Object> learner = devices.calls.get(0);
    // the placement loads the network, then enables learning; nothing changes after that
    List<Object> afterEnabling = learner.subList(learner.indexOf(devices.enabled(0).get(0)) + 1,
        learner.size());
    assertEquals(List.of(), afterEnabling);
  }

  @Test
  void prototypesSetTheReadoutWithTheEngineOffAndRecogniseNewClasses() {
    Recorder devices = new Recorder();
    ContinualResult r = run("prototype", devices, -1, false);
    List<Object> learner = devices.calls.get(0);
    assertTrue(learner.contains("disable"), "engine off after stage 0: " + learner);
    assertTrue(learner.contains("write " + WeightTensor.OUT_W)
        && learner.contains("write " + WeightTensor.OUT_BIAS), learner.toString());
    // class means of the 4 classes, 8 hidden neurons, 16 bits each
    assertEquals(4 * HIDDEN * 2, r.memory().prototypeBytes());
    assertEquals(0, r.lastLearning().learningJoulesPerSample(), "the engine does not run");
    assertTrue(ContinualResult.laterStagesAccuracy(r.lastLearning()) > 0.5,
        "prototype rows recognise classes the engine never learned: " + r.lastLearning());
  }

  @Test
  void rehearsalKeepsItsBufferWithinBudgetAndCostsTheReplays() {
    Recorder plainDevices = new Recorder();
    ContinualResult plain = run("plain", plainDevices, -1, false);
    Recorder devices = new Recorder();
    ContinualResult r = run("rehearsal", devices, 1500, false);
    ContinualDemo.Memory m = r.memory();
    // the buffer lives in the learner's store: samples put there, replays run from it
    List<Object> learner = devices.calls.get(0);
    long replays = learner.stream().filter("replay"::equals).count();
    assertTrue(learner.contains("put") && replays >= 30,
        replays + " replays: " + learner.stream().filter(String.class::isInstance).distinct()
            .toList());
    assertEquals(1500, m.bufferBudget());
    assertTrue(m.bufferBytes() > 0 && m.bufferBytes() <= 1500 && m.bufferSamples() > 1, "" + m);
    assertEquals(m.bufferBytes(), m.methodBytes());
    // one replayed sample per streamed one (after the first): about twice the energy
    double ratio = r.meanLearningJoulesPerSample() / plain.meanLearningJoulesPerSample();
    assertTrue(ratio > 1.6 && ratio < 2.2, "replays cost energy: " + ratio);
    ContinualResult byDefault = run("rehearsal", new Recorder(), -1, false);
    assertEquals(byDefault.memory().weightBytes() * ContinualDemo.DEFAULT_BUFFER_PERCENT / 100,
        byDefault.memory().bufferBudget());
  }

  @Test
  void consolidationCountsAnchorsAndWritesThePulledWeights() {
    Recorder devices = new Recorder();
    ContinualResult r = run("consolidate", devices, -1, false);
    // layer0.in (8 x 40) and out.w (4 x 8), one 8-bit anchor and one importance byte each
    assertEquals((HIDDEN * ContinualDemoTest.CHANNELS + ContinualDemoTest.CLASSES * HIDDEN) * 2L,
        r.memory().anchorBytes());
    assertTrue(devices.calls.get(0).contains("write " + WeightTensor.layerIn(0)));
    assertEquals(0, Anchoring.rshiftRound(-1, 1), "rounds half up: -0.5 -> 0");
    assertEquals(2, Anchoring.rshiftRound(3, 1));
  }

  @Test
  void jointUpperBoundLearnsEveryStageOnAThirdDevice() {
    Recorder devices = new Recorder();
    ContinualResult r = run("plain", devices, -1, true);
    assertEquals(3, devices.calls.size(), "learner, frozen copy, joint");
    assertEquals(2, r.jointStageAccuracy().length);
    assertTrue(r.jointAccuracy() > r.lastFrozen().seenAccuracy(),
        "joint " + r.jointAccuracy() + " vs frozen " + r.lastFrozen().seenAccuracy());
  }

  @Test
  void unknownMethodIsRefusedListingTheKnownOnes() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ContinualMethod.named("ewc"));
    assertTrue(e.getMessage().contains("'ewc'") && e.getMessage().contains("rehearsal"),
        e.getMessage());
  }
}
