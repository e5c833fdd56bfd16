package io.spikeloop.mapper.sl1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spikeloop.device.Device;
import io.spikeloop.device.Devices;
import io.spikeloop.mapper.MappingOptions;
import io.spikeloop.mapper.TargetMapping;
import io.spikeloop.model.SnnConfig;
import io.spikeloop.model.SnnParameters;
import io.spikeloop.model.Surrogate;
import io.spikeloop.target.sl1.ChipInstance;
import io.spikeloop.target.sl1.FixedPoint;
import io.spikeloop.target.sl1.LayerConfig;
import io.spikeloop.target.sl1.Sl1Target;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** SL-1's chip calibration against the known chip instance it probes. */
class Sl1ChipCalibrationTest {
  @Test
  void calibrationMeasuresTheInstancesThresholdsGainsAndOffsets() {
    SnnParameters p = SnnParameters.initialise(new SnnConfig(16, List.of(12), true, 4, 0.9, 0.9,
        1.0, Surrogate.DEFAULT), 3);
    TargetMapping mapping = new Sl1Mapper().map(p, MappingOptions.builder().weightBits(8)
        .membraneBits(32).outputBits(32).weightHeadroom(2).build(), Map.of());
    ChipInstance chip = new ChipInstance(0.2, 5, 0, 0);
    Sl1ChipCalibration cal;
    try (Device d = Devices.open("sim:mismatch=0.2,instance=5")) {
      cal = (Sl1ChipCalibration) new Sl1Mapper().calibrator().orElseThrow().measure(d, mapping);
    }
    LayerConfig layer = Sl1Target.network(mapping.network()).layers().get(0);
    long spread = chip.spreadQ24();
    for (int j = 0; j < 12; j++) {
      long e = ChipInstance.element(0, j);
      long theta = Math.max(1, FixedPoint.rshiftRound(layer.theta() * ChipInstance.factorQ16(
          ChipInstance.mix64(chip.streamKey(ChipInstance.THRESHOLD) + e), spread), 16));
      assertEquals(theta, Math.round(cal.thresholdRatio()[j] * layer.theta()), "theta " + j);
      double gain = ChipInstance.factorQ16(ChipInstance.mix64(
          chip.streamKey(ChipInstance.HIDDEN_GAIN) + e), spread) / 65536.0;
      assertEquals(gain, cal.hiddenGain()[j], 0.02, "gain " + j);
    }
    for (int k = 0; k < 4; k++) {
      double gain = ChipInstance.factorQ16(ChipInstance.mix64(
          chip.streamKey(ChipInstance.OUTPUT_GAIN) + ChipInstance.element(0, k)), spread) / 65536.0;
      assertEquals(gain, cal.outputGain()[k], 0.02, "output gain " + k);
    }
    assertTrue(java.util.Arrays.stream(cal.outputOffset()).anyMatch(x -> x != 0),
        "an instance at S = 0.2 has output offsets");
  }
}
