package io.spikeloop.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class ForwardingDeviceTest {

  /** A device that records the name of every call it gets and answers null. */
  private static Device recorder(List<String> calls) {
    return (Device) Proxy.newProxyInstance(Device.class.getClassLoader(),
        new Class<?>[] {Device.class}, (proxy, method, args) -> {
          calls.add(method.getName());
          return null;
        });
  }

  @Test
  void everyContractMethodReachesTheDelegate() throws Exception {
    List<String> calls = new ArrayList<>();
    Device forwarding = new ForwardingDevice(recorder(calls)) {};
    TreeSet<String> expected = new TreeSet<>();
    for (Method m : Device.class.getMethods()) {
      if (Modifier.isStatic(m.getModifiers())) {
        continue;
      }
      expected.add(m.getName());
      Object[] args = new Object[m.getParameterCount()];
      ForwardingDevice.class.getMethod(m.getName(), m.getParameterTypes()).invoke(forwarding, args);
    }
    assertEquals(expected, new TreeSet<>(calls),
        "methods of Device not passed on: " + Arrays.toString(expected.stream()
            .filter(n -> !calls.contains(n)).toArray()));
  }

  @Test
  void stepEachGoesThroughTheSubclassStep() {
    List<String> calls = new ArrayList<>();
    List<String> seen = new ArrayList<>();
    ForwardingDevice counting = new ForwardingDevice(recorder(calls)) {
      @Override
      public StepResult step(SpikeFrame input, ReadoutLevel readout) {
        seen.add("step");
        return super.step(input, readout);
      }

      @Override
      public List<StepResult> run(List<SpikeFrame> inputs, ReadoutLevel readout) {
        return stepEach(inputs, readout);
      }
    };
    counting.run(Arrays.asList(null, null, null), ReadoutLevel.OUTPUTS);
    assertEquals(List.of("step", "step", "step"), seen);
    assertEquals(List.of("step", "step", "step"), calls);
  }

  @Test
  void needsADelegate() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new ForwardingDevice(null) {});
    assertEquals("a forwarding device needs a device to forward to", e.getMessage());
  }
}
