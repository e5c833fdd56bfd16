package io.spikeloop.nir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spikeloop.data.SpikeSample;
import io.spikeloop.device.Device;
import io.spikeloop.device.Devices;
import io.spikeloop.device.ReadoutLevel;
import io.spikeloop.device.SpikeFrame;
import io.spikeloop.device.StepResult;
import io.spikeloop.mapper.FloatReference;
import io.spikeloop.mapper.StoredMapping;
import io.spikeloop.mapper.sl1.MappedNetwork;
import io.spikeloop.mapper.sl1.QuantizationOptions;
import io.spikeloop.mapper.sl1.Quantizer;
import io.spikeloop.mapper.sl1.Sl1Mapper;
import io.spikeloop.model.SnnConfig;
import io.spikeloop.model.SnnParameters;
import io.spikeloop.model.Surrogate;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Export, import, identical parameters and identical outputs, float and fixed point. */
class NirRoundTripTest {

  static SnnParameters network(boolean recurrent, List<Integer> hidden, long seed) {
    SnnConfig c = new SnnConfig(16, hidden, recurrent, 5, 0.93, 0.87, 1.25,
        new Surrogate(0.4, 0.9, 0.15, 0.35));
    SnnParameters p = SnnParameters.initialise(c, seed);
    for (var t : p.tensors()) {
      for (int i = 0; i < t.values().length; i++) {
        t.values()[i] *= 4; // active enough to spike
      }
    }
    return p;
  }

  static SpikeSample sample(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[] times = new double[120];
    int[] units = new int[120];
    for (int i = 0; i < times.length; i++) {
      times[i] = r.nextInt(40);
      units[i] = r.nextInt(16);
    }
    return SpikeSample.bin(times, units, 1.0, 40, 1, -1);
  }

  /** Outputs of every step, and the spike count, of the float model on a sample. */
  static double[] forward(SnnParameters p, SpikeSample s) {
    FloatReference ref = new FloatReference(p);
    ref.reset();
    int k = p.config().outputs();
    double[] out = new double[s.steps() * k + 1];
    for (int t = 0; t < s.steps(); t++) {
      ref.step(s.channels(), s.offsets()[t], s.offsets()[t + 1]);
      for (int o = 0; o < k; o++) {
        out[t * k + o] = ref.output(o);
      }
      for (int l = 0; l < p.config().layers(); l++) {
        out[out.length - 1] += ref.spikeCount(l);
      }
    }
    return out;
  }

  private static void assertSameParameters(SnnParameters want, SnnParameters got) {
    assertEquals(want.config(), got.config());
    for (int i = 0; i < want.tensors().size(); i++) {
      assertEquals(want.tensors().get(i), got.tensors().get(i),
          "tensor " + want.tensors().get(i).name() + " differs");
    }
  }

  @Test
  void floatModelRoundTripsExactlyWithEitherDiscretisation(@TempDir Path dir) throws Exception {
    for (Discretisation d : Discretisation.values()) {
      for (boolean recurrent : new boolean[] {true, false}) {
        SnnParameters p = network(recurrent, List.of(12, 9), 3);
        Path file = dir.resolve(d.label() + recurrent + ".nir");
        SnnConfig c = p.config();
        NirFile.write(file, NirExport.export(p, 1e-3, d), SpikeloopExtension.of(c, 1e-3, d));
        NirImport.Result r = NirImport.read(file, NirImport.Options.SNNTORCH);
        assertTrue(r.fromSpikeloop());
        assertEquals(d, r.discretisation());
        assertNull(r.fixedPoint());
        assertSameParameters(p, r.params());
        double[] want = forward(p, sample(5));
        assertTrue(want[want.length - 1] > 20, "the network spikes: " + want[want.length - 1]);
        assertArrayEquals(want, forward(r.params(), sample(5)));
      }
    }
  }

  @Test
  void withoutTheExtensionTheGraphAloneGivesTheSameNetworkToRounding(@TempDir Path dir)
      throws Exception {
    // what another tool that drops /spikeloop would hand back: only NIR's own fields
    SnnParameters p = network(true, List.of(10), 4);
    Path file = dir.resolve("plain.nir");
    NirFile.write(file, NirExport.export(p, 2e-3, Discretisation.EXACT), null);
    NirImport.Result r = NirImport.read(file, new NirImport.Options(2e-3, Discretisation.EXACT));
    assertTrue(!r.fromSpikeloop());
    SnnConfig c = r.params().config();
    assertEquals(0.93, c.alpha(), 1e-12);
    assertEquals(0.87, c.kappa(), 1e-12);
    assertEquals(1.25, c.theta());
    assertEquals(Surrogate.DEFAULT, c.surrogate());
    assertTrue(p.maxAbsDifference(r.params()) < 1e-12, "" + p.maxAbsDifference(r.params()));
    // read with the wrong rule, the decays move: tau is continuous time, the rule matters
    NirImport.Result euler = NirImport.read(file, new NirImport.Options(2e-3,
        Discretisation.EULER));
    assertEquals(1 + Math.log(0.93), euler.params().config().alpha(), 1e-12);
  }

  @Test
  void quantizedModelRoundTripsBitExactlyOnTheSimulator(@TempDir Path dir) throws Exception {
    SnnParameters p = network(true, List.of(12, 9), 6);
    QuantizationOptions q = new QuantizationOptions(6, 16, 16, 3, 60);
    MappedNetwork mapped = Quantizer.map(p, q);
    assertTrue(mapped.clipped() > 0, "the 60th percentile clips some weights");
    SnnConfig c = p.config();
    Path file = dir.resolve("q.nir");
    NirFile.write(file, NirExport.export(p, 1e-3, Discretisation.EXACT),
        new SpikeloopExtension(1e-3, Discretisation.EXACT, c.alpha(), c.kappa(), c.theta(),
            c.surrogate(), StoredMapping.of(Sl1Mapper.toMapping(c, mapped),
                q.toMappingOptions())));
    NirImport.Result r = NirImport.read(file, NirImport.Options.SNNTORCH);
    assertNotNull(r.fixedPoint());
    MappedNetwork back = Sl1Mapper.mappedNetwork(r.fixedPoint());
    assertEquals(q.toMappingOptions(), r.quantization());
    assertEquals(mapped.config(), back.config());
    assertArrayEquals(mapped.membraneScale(), back.membraneScale());
    assertEquals(mapped.outputScale(), back.outputScale());
    for (var t : mapped.config().tensors()) {
      assertArrayEquals(mapped.weights().get(t.name()), back.weights().get(t.name()), t.name());
    }
    assertEquals(mapped.tensors(), back.tensors(), "the recomputed quantization report");
    assertEquals(run(mapped, sample(8)), run(back, sample(8)));
  }

  /** Spikes and outputs of every step on the SL-1 simulator, as text to compare. */
  private static String run(MappedNetwork m, SpikeSample s) {
    try (Device device = Devices.open("sim")) {
      m.loadInto(device);
      device.reset();
      List<SpikeFrame> frames = new ArrayList<>();
      for (int t = 0; t < s.steps(); t++) {
        frames.add(new SpikeFrame(s.spikesAt(t)));
      }
      StringBuilder b = new StringBuilder();
      long spikes = 0;
      for (StepResult r : device.run(frames, ReadoutLevel.SPIKES)) {
        b.append(java.util.Arrays.deepToString(r.spikes())).append(java.util.Arrays.toString(
            r.outputs())).append('\n');
        for (int[] layer : r.spikes()) {
          spikes += layer.length;
        }
      }
      assertTrue(spikes > 20, "the mapped network spikes: " + spikes);
      return b.toString();
    }
  }
}
