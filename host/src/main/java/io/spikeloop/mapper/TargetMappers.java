package io.spikeloop.mapper;

import io.spikeloop.device.Device;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/** The mappers on the class path, by target id. */
public final class TargetMappers {
  private TargetMappers() {}

  /** Every registered mapper. */
  public static List<TargetMapper> all() {
    List<TargetMapper> all = new ArrayList<>();
    ServiceLoader.load(TargetMapper.class, TargetMappers.class.getClassLoader()).forEach(all::add);
    return all;
  }

  /** The mapper of target {@code id}; an unknown id is an error naming the ones there are. */
  public static TargetMapper forTarget(String id) {
    List<String> known = new ArrayList<>();
    for (TargetMapper m : all()) {
      if (m.targetId().equals(id)) {
        return m;
      }
      known.add(m.targetId());
    }
    throw new IllegalArgumentException("no mapper from the float model onto target '" + id
        + "' (mappers found for " + known + ")");
  }

  /** The mapper of the device's target ({@code device.info().target()}). */
  public static TargetMapper forDevice(Device device) {
    return forTarget(device.info().target());
  }
}
