package io.spikeloop.target.sl1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spikeloop.device.WeightTensor;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The named builders give the same records as the canonical constructors they stand for. */
class ConfigBuildersTest {
  @Test
  void layerBuilderDefaultsAndEverySetterLandOnItsField() {
    assertEquals(new LayerConfig(5, false, 8, 0, 16, 70, 4096, 3),
        LayerConfig.builder(5, 3, 70).build());
    assertEquals(new LayerConfig(5, true, 6, -3, 24, 70, 3900, 3),
        LayerConfig.builder(5, 3, 70).recurrent(true).weightBits(6).weightExponent(-3)
            .membraneBits(24).alpha(3900).build());
  }

  @Test
  void outputBuilderDefaultsAndEverySetterLandOnItsField() {
    assertEquals(new OutputConfig(4, 8, 0, 16, 4096), OutputConfig.builder(4).build());
    assertEquals(new OutputConfig(4, 5, 2, 20, 3900), OutputConfig.builder(4).weightBits(5)
        .weightExponent(2).outputBits(20).kappa(3900).build());
  }

  @Test
  void buildersRefuseBadValuesWithTheRecordsMessages() {
    var theta = assertThrows(IllegalArgumentException.class,
        () -> LayerConfig.builder(5, 3, 40_000).build());
    assertTrue(theta.getMessage().contains("16-bit membrane"), theta.getMessage());
    var kappa = assertThrows(IllegalArgumentException.class,
        () -> OutputConfig.builder(4).kappa(5000).build());
    assertTrue(kappa.getMessage().contains("kappa"), kappa.getMessage());
  }

  @Test
  void learningBuilderDefaultsAreThePaperAdamAndToBuilderKeepsEveryField() {
    Map<String, Integer> rates = Map.of(WeightTensor.OUT_W, 1 << 16);
    int[] table = {16384, 8000, 100};
    assertEquals(new LearningConfig(rates, 8, 64, 943718, 1047527, -27, 8, 1, 8, 3, table),
        LearningConfig.builder(rates, 3, table).build());
    LearningConfig all = LearningConfig.builder(rates, 3, table).stateBits(4).blockSize(32)
        .beta1Q20(900000).beta2Q20(1040000).epsExp(-20).masterFracBits(6).seed(9)
        .outputFracBits(12).build();
    assertEquals(new LearningConfig(rates, 4, 32, 900000, 1040000, -20, 6, 9, 12, 3, table), all);
    assertEquals(all, all.toBuilder().build());
    LearningConfig fewer = all.toBuilder().learningRates(Map.of(WeightTensor.OUT_BIAS, 7)).build();
    assertNotEquals(all, fewer);
    assertEquals(7, fewer.learningRate(WeightTensor.OUT_BIAS));
    assertEquals(all.seed(), fewer.seed());
  }

  @Test
  void learnedTensorsAreFoundByNameAndOthersRefusedByName() {
    for (LearnedTensor t : LearnedTensor.values()) {
      assertEquals(t, LearnedTensor.named(t.tensorName()));
    }
    assertEquals(LearnedTensor.REC, LearnedTensor.named(WeightTensor.layerRec(0)));
    var e = assertThrows(IllegalArgumentException.class, () -> LearnedTensor.named("layer1.in"));
    assertTrue(e.getMessage().contains("'layer1.in'") && e.getMessage().contains("out.bias"),
        e.getMessage());
  }
}
