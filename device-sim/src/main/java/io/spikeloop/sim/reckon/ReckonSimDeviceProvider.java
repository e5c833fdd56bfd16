package io.spikeloop.sim.reckon;

import io.spikeloop.device.Device;
import io.spikeloop.device.DeviceProvider;
import io.spikeloop.target.reckon.ReckonChipDevice;
import java.util.List;

/**
 * Opens {@code sim:reckon}: the bit-accurate ReckOn model ({@link ReckonModel}) behind the
 * generic device contract ({@link ReckonChipDevice}). Plain {@code sim} stays SL-1. The scheme
 * takes no options yet; {@code sim:reckon,anything} is refused naming the name.
 */
public final class ReckonSimDeviceProvider implements DeviceProvider {
  public static final String NAME = "sim:reckon";
  /** Implementation kind in {@link io.spikeloop.device.DeviceInfo#kind()}. */
  public static final String KIND = "reckon-model";

  /** Whether {@code name} is in this scheme ({@code sim:reckon} or {@code sim:reckon,...}). */
  public static boolean claims(String name) {
    return name.equals(NAME) || name.startsWith(NAME + ",");
  }

  @Override
  public boolean accepts(String name) {
    return claims(name);
  }

  @Override
  public Device open(String name) {
    if (!name.equals(NAME)) {
      throw new IllegalArgumentException("'" + name + "': sim:reckon takes no options; use "
          + NAME);
    }
    return new ReckonChipDevice(name, KIND, "1", new ReckonModel());
  }

  @Override
  public String describe() {
    return NAME + " (the bit-accurate ReckOn model)";
  }

  @Override
  public List<String> discover() {
    return List.of(NAME);
  }
}
