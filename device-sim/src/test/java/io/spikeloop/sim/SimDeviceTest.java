package io.spikeloop.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spikeloop.device.DesignRuleViolation;
import io.spikeloop.device.Device;
import io.spikeloop.device.Devices;
import io.spikeloop.sim.timing.EnergyProfile;
import io.spikeloop.sim.timing.MicroArchitecture;
import io.spikeloop.sim.timing.OverflowPolicy;
import io.spikeloop.target.sl1.CoreLimits;
import io.spikeloop.target.sl1.DesignRule;
import io.spikeloop.target.sl1.LayerConfig;
import io.spikeloop.target.sl1.NetworkConfig;
import io.spikeloop.target.sl1.OutputConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

class SimDeviceTest {

  @Test
  void plainSimIsTheReferenceCore() {
    assertSame(SimOptions.DEFAULT, SimOptions.parse("sim"));
    try (Device d = Devices.open("sim")) {
      SimDevice sim = assertInstanceOf(SimDevice.class, d);
      assertEquals(MicroArchitecture.SL1, sim.microArchitecture());
      assertEquals(SimDevice.KIND, d.info().kind());
      assertEquals(100e6, d.info().clockHz());
    }
  }

  @Test
  void optionsChooseProfileClockFifoAndLanes() {
    try (Device d = Devices.open("sim:odin,clock-mhz=50,step-us=500,fifo=32,overflow=drop,"
        + "synapse-lanes=4,neuron-lanes=2")) {
      SimDevice sim = (SimDevice) d;
      assertEquals(EnergyProfile.ODIN, sim.energyProfile());
      MicroArchitecture a = sim.microArchitecture();
      assertEquals(50e6, a.clockHz());
      assertEquals(500e-6, a.stepPeriodSeconds(), 1e-15);
      assertEquals(32, a.fifoDepth());
      assertEquals(OverflowPolicy.DROP, a.overflow());
      assertEquals(4, a.synapseLanes());
      assertEquals(2, a.neuronLanes());
      assertEquals(d.info().stepPeriodSeconds(), a.stepPeriodSeconds());
    }
    assertEquals(EnergyProfile.LOIHI, SimOptions.parse("sim:profile=loihi").energy());
  }

  @Test
  void badOptionsNameThePartAndTheChoices() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SimOptions.parse("sim:odin,fifo=0"));
    assertTrue(e.getMessage().contains("fifo=0") && e.getMessage().contains("fifoDepth"),
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> SimOptions.parse("sim:odin,speed=3"));
    assertTrue(e.getMessage().contains("unknown option 'speed'"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> SimOptions.parse("sim:overflow=spill"));
    assertTrue(e.getMessage().contains("spill"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Devices.open("sim:truenorth"));
    assertTrue(e.getMessage().contains("truenorth") && e.getMessage().contains("reckon"),
        e.getMessage());
  }

  @Test
  void refusedConfigurationKeepsTheLoadedNetwork() {
    NetworkConfig small = new NetworkConfig(4, List.of(new LayerConfig(3, false, 8, 0, 16, 10, 4096,
        4)), new OutputConfig(2, 8, 0, 16, 4096));
    NetworkConfig tooWide = new NetworkConfig(2000, List.of(new LayerConfig(3, false, 8, 0, 16, 10,
        4096, 2000)), new OutputConfig(2, 8, 0, 16, 4096));
    try (SimDevice d = new SimDevice()) {
      d.configure(small);
      d.writeWeights("layer0.bias", new int[] {1, 2, 3});
      DesignRuleViolation v = assertThrows(DesignRuleViolation.class, () -> d.configure(tooWide));
      assertEquals(DesignRule.INPUTS.id(), v.rule());
      assertTrue(v.getMessage().contains("2000") && v.getMessage().contains("1024"), v.getMessage());
      assertSame(small, d.config());
      assertEquals(3, d.readWeights("layer0.bias")[2]);
    }
  }

  @Test
  void limitsThatCouldOverflowTheAccumulatorsAreRefused() {
    var limits = new io.spikeloop.target.sl1.CoreLimits(1 << 17, 4, 1024, 2048, 1 << 17, 16, 32, 32,
        1L << 40, 256);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new SimDevice("sim", SimOptions.DEFAULT, limits));
    assertTrue(e.getMessage().contains("131072"), e.getMessage());
  }

  @Test
  void aLargerCoreTakesNmnistSizedInputsAndKeepsTheDesignRulesAndTheExactnessBound() {
    NetworkConfig nmnist = new NetworkConfig(2312, List.of(new LayerConfig(20, false, 8, 0, 16, 10,
        4096, 2312)), new OutputConfig(10, 8, 0, 16, 4096));
    try (Device reference = Devices.open("sim")) {
      DesignRuleViolation v = assertThrows(DesignRuleViolation.class,
          () -> reference.configure(nmnist));
      assertEquals(DesignRule.INPUTS.id(), v.rule());
    }
    try (Device large = Devices.open("sim:inputs=4096,fan-in=4096")) {
      assertEquals(4096, CoreLimits.fromNames(large.info().limits()).maxInputs());
      assertEquals(4096, CoreLimits.fromNames(large.info().limits()).maxFanIn());
      large.configure(nmnist);
      // the last axon is addressable
      assertEquals(10, large.step(new io.spikeloop.device.SpikeFrame(new int[] {0, 2311},
          io.spikeloop.device.SpikeFrame.NO_LABEL), io.spikeloop.device.ReadoutLevel.OUTPUTS)
          .outputs().length);
    }
    // inputs grow, fan-in stays: the fan-in rule still refuses, naming both numbers
    try (Device inputsOnly = Devices.open("sim:reckon,inputs=4096")) {
      DesignRuleViolation v = assertThrows(DesignRuleViolation.class,
          () -> inputsOnly.configure(nmnist));
      assertEquals(DesignRule.FAN_IN.id(), v.rule());
      assertTrue(v.getMessage().contains("2312") && v.getMessage().contains("1536"),
          v.getMessage());
    }
    // 16-bit weights: fan-in 65536 is the largest exact sum, 65537 is refused
    assertEquals(65536, SimOptions.parse("sim:fan-in=65536").limits().maxFanIn());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Devices.open("sim:fan-in=65537"));
    assertTrue(e.getMessage().contains("65537") && e.getMessage().contains("2^31"),
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> SimOptions.parse("sim:inputs=0"));
    assertTrue(e.getMessage().contains("inputs=0"), e.getMessage());
  }
}
