package io.spikeloop.mapper;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spikeloop.device.Device;
import io.spikeloop.device.Devices;
import io.spikeloop.device.OnChipLearning;
import io.spikeloop.device.ReadoutLevel;
import io.spikeloop.device.SpikeFrame;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What {@code diff} asks of every target's mapper without a float model: a seeded random network
 * (the same for the same seed, loadable and running on the target's device, within the spec's
 * inputs and outputs) and a lock-step learning configuration from named settings (defaults when
 * none, the device enables it; an unknown setting refused naming it).
 */
class LockstepRunsContractTest {
  static final RandomNetworkSpec SPEC = new RandomNetworkSpec(TargetMapperContractTest.INPUTS,
      List.of(), true, TargetMapperContractTest.OUTPUTS, true, 3);

  @ParameterizedTest
  @ValueSource(strings = {"sl1", "reckon"})
  void aRandomNetworkRunsAndLearnsOnTheTargetsDevice(String target) {
    TargetMapper mapper = TargetMappers.forTarget(target);
    RandomTargetNetwork net = mapper.randomNetwork(SPEC, List.of());
    RandomTargetNetwork again = mapper.randomNetwork(SPEC, List.of());
    assertEquals(net.network().encode(), again.network().encode());
    net.weights().forEach((t, w) -> assertArrayEquals(w, again.weights().get(t), t));
    assertTrue(net.network().inputs() <= SPEC.inputs() && net.network().outputs()
        <= SPEC.outputs(), net.shape());
    try (Device device = Devices.open(TargetMapperContractTest.deviceOf(target))) {
      device.configure(net.network());
      net.weights().forEach(device::writeWeights);
      OnChipLearning.of(device, "this test").enable(mapper.lockstepLearning(net.network(),
          Map.of()));
      // the label from the second step (a ReckOn chip clears one sent before the first tick)
      var results = device.run(List.of(new SpikeFrame(new int[] {0, 1}),
          new SpikeFrame(new int[] {1}, 0)), ReadoutLevel.OUTPUTS);
      assertEquals(2, results.size());
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> mapper.lockstepLearning(net.network(), Map.of("no-such", "1")));
    assertTrue(e.getMessage().contains("setting no-such: target " + target), e.getMessage());
  }
}
