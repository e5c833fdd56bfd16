package io.spikeloop.sim.reckon;

import io.spikeloop.device.Device;
import io.spikeloop.device.DeviceProvider;
import io.spikeloop.target.reckon.ReckonChipDevice;
import java.util.List;

/**
 * Opens {@code sim:reckon}: the bit-accurate ReckOn model ({@link ReckonModel}) behind the
 * generic device contract ({@link ReckonChipDevice}). Plain {@code sim} stays SL-1. Only the
 * exact name is claimed: {@code sim:reckon,OPTIONS} stays the SL-1 simulator with its
 * {@code reckon} energy profile, as before this target existed.
 */
public final class ReckonSimDeviceProvider implements DeviceProvider {
  public static final String NAME = "sim:reckon";
  /** Implementation kind in {@link io.spikeloop.device.DeviceInfo#kind()}. */
  public static final String KIND = "reckon-model";

  /** Whether {@code name} is this device's ({@code sim:reckon} exactly). */
  public static boolean claims(String name) {
    return name.equals(NAME);
  }

  @Override
  public boolean accepts(String name) {
    return claims(name);
  }

  @Override
  public Device open(String name) {
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
