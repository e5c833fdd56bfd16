package io.spikeloop.nir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spikeloop.mapper.MappingOptions;
import io.spikeloop.mapper.sl1.MappedNetwork;
import io.spikeloop.mapper.sl1.QuantizationOptions;
import io.spikeloop.mapper.sl1.Quantizer;
import io.spikeloop.model.SnnParameters;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code export --fixed-point} through the target's mapper stores what the quantizer makes. */
class FixedPointExportTest {
  private static final MappingOptions OPTIONS = MappingOptions.builder().weightBits(6)
      .membraneBits(16).outputBits(16).headroomBits(3).clipPercentile(60).build();
  private static final QuantizationOptions SAME = new QuantizationOptions(6, 16, 16, 3, 60);

  @Test
  void sl1sMapperGivesTheQuantizersIntegersAndTheFileReadsBackTheSame(@TempDir Path dir)
      throws Exception {
    SnnParameters p = NirRoundTripTest.network(true, List.of(12, 9), 6);
    SpikeloopExtension x = SpikeloopExtension.withFixedPoint(p, 1e-3, Discretisation.EXACT,
        "sl1", OPTIONS);
    MappedNetwork direct = Quantizer.map(p, SAME);
    assertTrue(direct.clipped() > 0, "the 60th percentile clips some weights");
    assertEquals(SAME, x.quantization());
    same(direct, x.fixedPoint());
    assertEquals(direct.tensors(), x.fixedPoint().tensors());

    Path file = dir.resolve("q.nir");
    NirFile.write(file, NirExport.export(p, 1e-3, Discretisation.EXACT), x);
    NirFile.Contents back = NirFile.read(file);
    assertEquals(SAME, back.extension().quantization());
    same(direct, back.extension().fixedPoint());
  }

  @Test
  void aTargetWithoutALayoutInTheFixedPointGroupIsRefusedNamingWhy() {
    SnnParameters p = NirRoundTripTest.network(true, List.of(12), 6);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
        SpikeloopExtension.withFixedPoint(p, 1e-3, Discretisation.EXACT, "reckon",
            MappingOptions.builder().build()));
    assertTrue(e.getMessage().contains("mapping onto target reckon cannot be stored")
        && e.getMessage().contains("target sl1's layout only"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> SpikeloopExtension.withFixedPoint(p,
        1e-3, Discretisation.EXACT, "nochip", OPTIONS));
    assertTrue(e.getMessage().contains("'nochip'"), e.getMessage());
  }

  private static void same(MappedNetwork expected, MappedNetwork actual) {
    assertEquals(expected.config(), actual.config());
    assertArrayEquals(expected.membraneScale(), actual.membraneScale());
    assertEquals(expected.outputScale(), actual.outputScale());
    for (var t : expected.config().tensors()) {
      assertArrayEquals(expected.weights().get(t.name()), actual.weights().get(t.name()),
          t.name());
    }
  }
}
