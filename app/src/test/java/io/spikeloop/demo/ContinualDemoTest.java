package io.spikeloop.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spikeloop.data.DatasetSplit;
import io.spikeloop.data.InMemoryDataset;
import io.spikeloop.data.SpikeSample;
import io.spikeloop.device.Capability;
import io.spikeloop.device.Device;
import io.spikeloop.device.DeviceInfo;
import io.spikeloop.device.UnsupportedCapabilityException;
import io.spikeloop.sim.SimDevice;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A tiny continual run on the simulator (seconds): 4 classes in 2 stages. */
class ContinualDemoTest {
  static final int CHANNELS = 40;
  static final int CLASSES = 4;
  static final int STEPS = 20;

  /** Class c fires channels [10c, 10c+10) at 40 %, the rest at 3 %; speaker = index % speakers. */
  static InMemoryDataset task(String name, int size, int speakers, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<SpikeSample> samples = new ArrayList<>();
    for (int s = 0; s < size; s++) {
      int label = s % CLASSES;
      int[] offsets = new int[STEPS + 1];
      List<Integer> ids = new ArrayList<>();
      for (int t = 0; t < STEPS; t++) {
        for (int ch = 0; ch < CHANNELS; ch++) {
          if (r.nextDouble() < (ch / 10 == label ? 0.4 : 0.03)) {
            ids.add(ch);
          }
        }
        offsets[t + 1] = ids.size();
      }
      samples.add(new SpikeSample(label, offsets, ids.stream().mapToInt(i -> i).toArray(),
          (s / CLASSES) % speakers));
    }
    return new InMemoryDataset(name, CHANNELS, CLASSES, STEPS, samples);
  }

  static final DatasetSplit DATA = new DatasetSplit(task("train", 160, 1, 1), task("test", 40, 1, 2));
  static final ContinualSettings SETTINGS = new ContinualSettings(12, 4e-3, 8, 8, 20, 1, 3);

  @Test
  void learningKeepsUpWithNewClassesTheFrozenModelNeverSaw() {
    ContinualStream stream = ContinualStream.byClasses(DATA, 2, 60, 20, 7);
    assertEquals(List.of("classes 0-1", "classes 2-3"), stream.stages().stream()
        .map(ContinualStream.Stage::name).toList());
    ContinualResult r = ContinualDemo.run(stream, CHANNELS, CLASSES, SimDevice::new, SETTINGS);

    // every 20 samples, 60 per stage: 3 points per stage, the third closes it
    assertEquals(6, r.learning().size());
    for (int k = 0; k < 6; k++) {
      Checkpoint l = r.learning().get(k);
      Checkpoint f = r.frozen().get(k);
      assertEquals(20L * (k + 1), l.samples());
      assertEquals(k / 3, l.stage());
      assertEquals(k % 3 == 2, l.endOfStage());
      assertEquals(l.samples(), f.samples());
      assertTrue(l.joulesPerSample() > 0 && l.learningJoulesPerSample() > 0
          && l.cyclesPerSample() > 0, "learning costs energy and cycles: " + l);
      if (l.stage() == 0) {
        // the frozen model is the learning model until stage 0 ends
        assertEquals(l.seenAccuracy(), f.seenAccuracy());
        assertTrue(Double.isNaN(l.stageAccuracy()[1]), "stage 1 not seen yet");
      } else {
        assertEquals(0, f.learningJoulesPerSample(), "the frozen model does not learn");
        assertTrue(f.joulesPerSample() > 0 && f.joulesPerSample() < l.joulesPerSample(),
            "inference costs less than learning: " + f + " vs " + l);
      }
    }
    double[][] m = r.learningMatrix();
    assertTrue(Double.isNaN(m[0][1]));
    assertTrue(m[0][0] > 0.8, "stage 0 learned: " + m[0][0]);
    // the frozen copy got the learner's weights exactly: same accuracy on stage 0
    assertEquals(m[0][0], r.frozenMatrix()[1][0]);
    Checkpoint lastLearning = r.lastLearning();
    Checkpoint lastFrozen = r.lastFrozen();
    assertTrue(ContinualResult.laterStagesAccuracy(lastLearning) > 0.7,
        "learning on-chip learns the new classes: " + lastLearning);
    assertTrue(ContinualResult.laterStagesAccuracy(lastFrozen) < 0.2,
        "the frozen model cannot know them: " + lastFrozen);
    assertEquals(m[0][0] - m[1][0], lastLearning.forgetting(), 1e-12);
    assertEquals(0, lastFrozen.forgetting(), 1e-12);
    assertEquals((m[1][0] + m[1][1]) / 2, lastLearning.seenAccuracy(), 1e-12,
        "equal evaluation sets per stage: seen accuracy is the mean");
  }

  @Test
  void writesCsvChartsAndAPage(@TempDir Path dir) throws Exception {
    ContinualStream stream = ContinualStream.byClasses(DATA, 2, 20, 8, 7);
    ContinualResult r = ContinualDemo.run(stream, CHANNELS, CLASSES, SimDevice::new,
        new ContinualSettings(8, 4e-3, 8, 8, 10, 1, 3));
    ContinualReport.write(r, java.util.Map.of("device", "sim"), dir);
    List<String> csv = Files.readAllLines(dir.resolve(ContinualReport.CSV));
    assertEquals(1 + 2 * 4, csv.size());
    assertTrue(csv.get(0).startsWith("arm,samples,stage,endOfStage,seenAccuracy,forgetting"));
    List<String> pngs = new ArrayList<>(ContinualReport.PNGS);
    pngs.add(ContinualReport.HEATMAP);
    for (String png : pngs) {
      byte[] bytes = Files.readAllBytes(dir.resolve(png));
      assertTrue(bytes.length > 1000 && bytes[1] == 'P' && bytes[2] == 'N', png);
    }
    String html = Files.readString(dir.resolve(ContinualReport.HTML));
    assertEquals(4, html.split("src=\"data:image/png;base64,", -1).length - 1,
        "three charts and the accuracy-matrix heat-map");
    assertFalse(html.contains("src=\"http"), "self-contained");
    assertTrue(ContinualReport.table(r).contains("classes 2-3"));
  }

  @Test
  void speakersChangeBetweenStagesWithEveryClassInEach() {
    DatasetSplit voices = new DatasetSplit(task("train", 96, 4, 1), task("test", 32, 4, 2));
    ContinualStream stream = ContinualStream.bySpeakers(voices, 2, 100, 8, 1);
    assertEquals(List.of("speakers 0,1", "speakers 2,3"), stream.stages().stream()
        .map(ContinualStream.Stage::name).toList());
    ContinualStream.Stage second = stream.stages().get(1);
    assertTrue(second.train().stream().allMatch(s -> s.speaker() >= 2));
    assertEquals(CLASSES, second.train().stream().mapToInt(SpikeSample::label).distinct().count());
    assertEquals(8, second.test().size());
    assertTrue(second.test().stream().noneMatch(second.train()::contains), "held out");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ContinualStream.bySpeakers(DATA, 2, 10, 4, 1));
    assertTrue(e.getMessage().contains("1 speaker"), e.getMessage());
  }

  @Test
  void aDeviceWithoutOnChipLearningIsRefusedNamingDeviceAndCapability() {
    ContinualStream stream = ContinualStream.byClasses(DATA, 2, 4, 4, 7);
    List<Device> opened = new ArrayList<>();
    UnsupportedCapabilityException e = assertThrows(UnsupportedCapabilityException.class,
        () -> ContinualDemo.run(stream, CHANNELS, CLASSES, () -> {
          Device d = forwardOnly(new SimDevice());
          opened.add(d);
          return d;
        }, SETTINGS));
    assertTrue(e.getMessage().contains("forward-only") && e.getMessage().contains("on-chip-learning"),
        e.getMessage());
    assertThrows(RuntimeException.class, () -> opened.get(0).telemetry(), "device was closed");
  }

  /** The simulator presenting itself as a device without a learning engine. */
  static Device forwardOnly(SimDevice sim) {
    DeviceInfo real = sim.info();
    Set<String> caps = new java.util.HashSet<>(real.capabilities());
    caps.remove(Capability.ON_CHIP_LEARNING);
    DeviceInfo info = real.withName("forward-only").withCapabilities(caps);
    return (Device) Proxy.newProxyInstance(Device.class.getClassLoader(),
        new Class<?>[] {Device.class}, (proxy, method, args) -> {
          if (method.getName().equals("info")) {
            return info;
          }
          if (method.getName().equals("extension")) {
            return java.util.Optional.empty();
          }
          try {
            return method.invoke(sim, args);
          } catch (InvocationTargetException ex) {
            throw ex.getCause();
          }
        });
  }
}
