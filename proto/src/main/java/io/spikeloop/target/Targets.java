package io.spikeloop.target;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/** Finds targets on the class path by id. */
public final class Targets {
  private Targets() {}

  /** The target with this id, or an error naming the targets found. */
  public static Target byId(String id) {
    List<String> known = new ArrayList<>();
    for (Target t : ServiceLoader.load(Target.class)) {
      if (t.id().equals(id)) {
        return t;
      }
      known.add(t.id());
    }
    throw new IllegalArgumentException("unknown target '" + id + "'; targets on the class path: "
        + known);
  }

  /** Every target on the class path, in class-path order. */
  public static List<Target> all() {
    List<Target> out = new ArrayList<>();
    ServiceLoader.load(Target.class).forEach(out::add);
    return out;
  }
}
