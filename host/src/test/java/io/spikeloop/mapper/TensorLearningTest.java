package io.spikeloop.mapper;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spikeloop.data.SpikeSample;
import io.spikeloop.device.Device;
import io.spikeloop.device.Devices;
import io.spikeloop.model.SnnConfig;
import io.spikeloop.model.SnnParameters;
import io.spikeloop.placement.OnChipPlacement;
import io.spikeloop.placement.PlacementSettings;
import io.spikeloop.placement.Placements;
import io.spikeloop.target.reckon.ReckonCodecs;
import io.spikeloop.target.reckon.ReckonNetwork;
import io.spikeloop.target.sl1.Sl1Codecs;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A tensor selection of an on-chip plan, as each target encodes it and as the chip learns it. */
class TensorLearningTest {
  static final SnnParameters INIT = SnnParameters.initialise(
      SnnConfig.of(ReckonHilTest.INPUTS, List.of(16), true, 2, 1, 20, 20), 7);
  static final PlacementSettings SETTINGS = PlacementSettings.builder().lr(2e-2)
      .weightHeadroom(4).seed(3).build();

  private static OnChipLearningPlan plan(String target) {
    return plan(target, SETTINGS);
  }

  private static OnChipLearningPlan plan(String target, PlacementSettings settings) {
    TargetMapper mapper = TargetMappers.forTarget(target);
    TargetMapping mapping = mapper.map(INIT, MappingOptions.builder().weightHeadroom(4).build(),
        Map.of());
    return mapper.onChipLearning(mapping, settings.learningOptions());
  }

  private static Map<String, Integer> shifts(Object... nameShift) {
    Map<String, Integer> m = new LinkedHashMap<>();
    for (int i = 0; i < nameShift.length; i += 2) {
      m.put((String) nameShift[i], (Integer) nameShift[i + 1]);
    }
    return m;
  }

  @Test
  void sl1KeepsTheListedTensorsInNetworkOrderWithTheirRatesShifted() {
    OnChipLearningPlan all = plan("sl1");
    Map<String, Integer> rates = Sl1Codecs.decodeLearningConfig(all.config(0)).learningRates();
    OnChipLearningPlan some = all.withTensors(new TensorLearning(shifts("out.w", 0,
        "layer0.in", 3)));
    Map<String, Integer> now = Sl1Codecs.decodeLearningConfig(some.config(0)).learningRates();
    assertEquals(List.of("layer0.in", "out.w"), List.copyOf(now.keySet()));
    assertEquals(rates.get("layer0.in") >> 3, now.get("layer0.in"));
    assertEquals(rates.get("out.w"), now.get("out.w"));
    MappingRefusedException e = assertThrows(MappingRefusedException.class,
        () -> all.withTensors(new TensorLearning(shifts("w_out", 0))));
    assertTrue(e.getMessage().contains("tensor w_out") && e.getMessage().contains("sl1"),
        e.getMessage());
  }

  @Test
  void reckonSetsItsEnableBitsAndRateShiftsAndRefusesWhatItCannotExpress() {
    OnChipLearningPlan all = plan("reckon");
    ReckonNetwork.Eprop base = ReckonCodecs.decodeLearningConfig(all.config(0));
    assertEquals(7, base.enables());
    OnChipLearningPlan readout = all.withTensors(new TensorLearning(shifts("w_out", 2)));
    ReckonNetwork.Eprop e = ReckonCodecs.decodeLearningConfig(readout.config(0));
    assertEquals(4, e.enables(), "only W_out learns");
    assertEquals(base.outputRateLeft() - base.outputRateRight() - 2,
        e.outputRateLeft() - e.outputRateRight(), "a quarter of the rate");
    assertEquals(all.config(5).bytes().length, readout.config(5).bytes().length);
    OnChipLearningPlan slow = plan("reckon", PlacementSettings.builder().lr(1e-12)
        .weightHeadroom(4).seed(3).build());
    MappingRefusedException refused = assertThrows(MappingRefusedException.class,
        () -> slow.withTensors(new TensorLearning(shifts("layer0.bias", 0, "w_in", 31,
            "w_out", 31))));
    assertEquals(3, refused.reasons().size(), refused.getMessage());
    assertTrue(refused.reasons().get(0).startsWith("tensor layer0.bias"), refused.getMessage());
    assertTrue(refused.reasons().get(1).startsWith("tensor w_in")
        && refused.reasons().get(2).contains("right shift"), refused.getMessage());
  }

  @Test
  void onTheChipOnlyTheSelectedTensorsMove() {
    for (String name : List.of("sim", "sim:reckon")) {
      try (Device device = Devices.open(name);
           OnChipPlacement p = (OnChipPlacement) Placements.onDevice("on-chip", device, INIT,
               SETTINGS)) {
        String readout = p.mapping().tensors().stream()
            .filter(t -> t.floatTensor().equals("out.w")).findFirst().orElseThrow().name();
        p.learnTensors(TensorLearning.fullRate(List.of(readout)));
        Map<String, int[]> before = p.mapping().weights();
        before.replaceAll((t, w) -> device.readWeights(t));
        List<SpikeSample> train = ReckonHilTest.task(10, 1);
        p.train(train);
        before.forEach((t, w) -> {
          if (t.equals(readout)) {
            assertFalse(java.util.Arrays.equals(w, device.readWeights(t)), name + " " + t);
          } else {
            assertArrayEquals(w, device.readWeights(t), name + ": " + t + " does not learn");
          }
        });
      }
    }
  }
}
