package io.spikeloop.mapper;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Named integer settings of a target's lock-step learning ({@link TargetMapper#lockstepLearning})
 * as the target reads them: every name known, every value an integer, or one error naming each
 * that is not.
 */
public final class LockstepSettings {
  private final Map<String, Long> values;

  private LockstepSettings(Map<String, Long> values) {
    this.values = values;
  }

  /**
   * {@code settings} parsed for {@code targetId}, whose settings are {@code known} (a name ending
   * in {@code .} is a family: {@code rate-shift.} takes {@code rate-shift.w_in}, ...).
   *
   * @param why what the target says after a setting it does not know (what it takes instead)
   * @throws IllegalArgumentException naming every unknown setting and every value that is not an
   *     integer
   */
  public static LockstepSettings parse(String targetId, Map<String, String> settings,
                                       Collection<String> known, String why) {
    List<String> refused = new ArrayList<>();
    Map<String, Long> values = new LinkedHashMap<>();
    settings.forEach((name, text) -> {
      boolean isKnown = known.stream().anyMatch(k -> k.endsWith(".")
          ? name.startsWith(k) && name.length() > k.length() : k.equals(name));
      if (!isKnown) {
        refused.add("setting " + name + ": target " + targetId + " has no such lock-step "
            + "learning setting (" + why + ")");
        return;
      }
      try {
        values.put(name, Long.parseLong(text.trim()));
      } catch (NumberFormatException e) {
        refused.add("setting " + name + ": '" + text + "' is not an integer");
      }
    });
    if (!refused.isEmpty()) {
      throw new IllegalArgumentException("lock-step learning on target " + targetId + ": "
          + String.join("; ", refused));
    }
    return new LockstepSettings(values);
  }

  /** The value of {@code name}, or {@code otherwise} when not given. */
  public long get(String name, long otherwise) {
    return values.getOrDefault(name, otherwise);
  }

  /** The value of {@code name} as an int, or an error naming it when it does not fit one. */
  public int getInt(String name, int otherwise) {
    long v = get(name, otherwise);
    if (v != (int) v) {
      throw new IllegalArgumentException("setting " + name + ": " + v + " does not fit 32 bits");
    }
    return (int) v;
  }

  /** The given settings whose names start with {@code prefix}, by the rest of the name. */
  public Map<String, Long> family(String prefix) {
    Map<String, Long> out = new LinkedHashMap<>();
    values.forEach((name, v) -> {
      if (name.startsWith(prefix)) {
        out.put(name.substring(prefix.length()), v);
      }
    });
    return out;
  }
}
