package io.spikeloop.nir;

import static org.bytedeco.hdf5.global.hdf5.H5Dclose;
import static org.bytedeco.hdf5.global.hdf5.H5Dcreate2;
import static org.bytedeco.hdf5.global.hdf5.H5Dwrite;
import static org.bytedeco.hdf5.global.hdf5.H5F_ACC_RDWR;
import static org.bytedeco.hdf5.global.hdf5.H5Fclose;
import static org.bytedeco.hdf5.global.hdf5.H5Fopen;
import static org.bytedeco.hdf5.global.hdf5.H5Gclose;
import static org.bytedeco.hdf5.global.hdf5.H5Gopen2;
import static org.bytedeco.hdf5.global.hdf5.H5P_DEFAULT;
import static org.bytedeco.hdf5.global.hdf5.H5S_ALL;
import static org.bytedeco.hdf5.global.hdf5.H5S_SCALAR;
import static org.bytedeco.hdf5.global.hdf5.H5Sclose;
import static org.bytedeco.hdf5.global.hdf5.H5Screate;
import static org.bytedeco.hdf5.global.hdf5.H5T_C_S1_g;
import static org.bytedeco.hdf5.global.hdf5.H5Tclose;
import static org.bytedeco.hdf5.global.hdf5.H5Tcopy;
import static org.bytedeco.hdf5.global.hdf5.H5Tset_size;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spikeloop.mapper.MappingOptions;
import io.spikeloop.mapper.StoredMapping;
import io.spikeloop.mapper.TargetMapping;
import io.spikeloop.mapper.TargetMappers;
import io.spikeloop.mapper.sl1.MappedNetwork;
import io.spikeloop.mapper.sl1.QuantizationOptions;
import io.spikeloop.mapper.sl1.Quantizer;
import io.spikeloop.mapper.sl1.Sl1Mapper;
import io.spikeloop.model.SnnParameters;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.BytePointer;
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
    assertEquals(SAME, Sl1Mapper.quantizationOptions(x.fixedPoint().options()));
    same(direct, Sl1Mapper.mappedNetwork(x.fixedPointMapping(p)));
    assertEquals(direct.tensors(), Sl1Mapper.mappedNetwork(x.fixedPointMapping(p)).tensors());

    Path file = dir.resolve("q.nir");
    NirFile.write(file, NirExport.export(p, 1e-3, Discretisation.EXACT), x);
    NirFile.Contents back = NirFile.read(file);
    assertEquals(SAME.toMappingOptions(), back.extension().fixedPoint().options());
    same(direct, Sl1Mapper.mappedNetwork(back.extension().fixedPointMapping(p)));
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

  @Test
  void aFileNamingATargetWithoutALayoutIsRefusedNamingIt(@TempDir Path dir) throws Exception {
    SnnParameters p = NirRoundTripTest.network(true, List.of(12), 6);
    Path file = dir.resolve("other.nir");
    NirFile.write(file, NirExport.export(p, 1e-3, Discretisation.EXACT),
        SpikeloopExtension.withFixedPoint(p, 1e-3, Discretisation.EXACT, "sl1", OPTIONS));
    addTarget(file, "reckon");
    NirFormatException e = assertThrows(NirFormatException.class, () -> NirFile.read(file));
    assertTrue(e.getMessage().contains("/spikeloop/fixed_point holds a mapping onto target reckon")
        && e.getMessage().contains("target sl1's layout only"), e.getMessage());
    // the writer refuses a mapping it has no layout for, and leaves no file
    MappingOptions defaults = MappingOptions.builder().build();
    TargetMapping onReckon = TargetMappers.forTarget("reckon").map(p, defaults, Map.of());
    Path refused = dir.resolve("reckon.nir");
    SpikeloopExtension x = SpikeloopExtension.of(p.config(), 1e-3, Discretisation.EXACT);
    IllegalArgumentException w = assertThrows(IllegalArgumentException.class, () ->
        NirFile.write(refused, NirExport.export(p, 1e-3, Discretisation.EXACT),
            new SpikeloopExtension(x.dt(), x.discretisation(), x.alpha(), x.kappa(), x.theta(),
                x.surrogate(), StoredMapping.of(onReckon, defaults))));
    assertTrue(w.getMessage().contains("target reckon has no layout"), w.getMessage());
    assertTrue(!Files.exists(refused) && !Files.exists(dir.resolve("reckon.nir.partial")));
  }

  /** Writes a fixed-length string {@code /spikeloop/fixed_point/target} into {@code file}. */
  private static void addTarget(Path file, String target) {
    long f = H5Fopen(file.toString(), H5F_ACC_RDWR, H5P_DEFAULT);
    long g = H5Gopen2(f, "/spikeloop/fixed_point", H5P_DEFAULT);
    long type = H5Tcopy(H5T_C_S1_g());
    H5Tset_size(type, target.length());
    long space = H5Screate(H5S_SCALAR);
    long ds = H5Dcreate2(g, "target", type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    try (BytePointer bytes = new BytePointer(target)) {
      assertTrue(H5Dwrite(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, bytes) >= 0);
    }
    H5Dclose(ds);
    H5Sclose(space);
    H5Tclose(type);
    H5Gclose(g);
    assertTrue(H5Fclose(f) >= 0);
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
