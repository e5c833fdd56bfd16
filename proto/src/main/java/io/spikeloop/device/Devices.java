package io.spikeloop.device;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/** Opens a device by name through the providers on the class path. */
public final class Devices {
  private Devices() {}

  public static Device open(String name) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("no device name given");
    }
    List<String> known = new ArrayList<>();
    for (DeviceProvider p : ServiceLoader.load(DeviceProvider.class)) {
      if (p.accepts(name)) {
        return p.open(name);
      }
      known.add(p.describe());
    }
    throw new IllegalArgumentException("unknown device '" + name + "'; known: " + known);
  }

  /** The device names every registered provider can find ({@link DeviceProvider#discover}). */
  public static List<String> discover() {
    List<String> names = new ArrayList<>();
    for (DeviceProvider p : ServiceLoader.load(DeviceProvider.class)) {
      names.addAll(p.discover());
    }
    return names;
  }
}
