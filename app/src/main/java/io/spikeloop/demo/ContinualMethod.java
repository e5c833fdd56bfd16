package io.spikeloop.demo;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How the learner meets stages after the first (stage 0 always trains every tensor on-chip).
 *
 * @param name          the name {@code --method} takes
 * @param hidden        what the hidden layer's tensors do after stage 0
 * @param readoutLearns whether the engine trains the readout after stage 0 (false: the readout
 *                      is set by class prototypes only and the engine is off)
 * @param prototypes    readout rows of every seen class set from class-mean hidden traces at the
 *                      start of each stage ({@link ClassPrototypes})
 * @param rehearsal     rehearsal buffer policy, or null for none
 * @param anchoring     host-orchestrated consolidation: after every measured chunk, learned
 *                      weights are pulled back towards their values at the end of the previous
 *                      stage, each by an importance from its magnitude ({@link Anchoring})
 */
public record ContinualMethod(String name, Hidden hidden, boolean readoutLearns,
                              boolean prototypes, RehearsalBuffer.Policy rehearsal,
                              boolean anchoring) {
  /** The hidden layer after stage 0. */
  public enum Hidden {
    /** Full learning rate. */
    LEARNS,
    /** Learning rate divided by {@value ContinualMethod#SLOW_HIDDEN_DIVISOR}. */
    SLOW,
    /** Not listed in the learning configuration: does not learn. */
    FROZEN
  }

  /** The slow hidden layer's learning rate is divided by 2^this. */
  static final int SLOW_HIDDEN_RATE_SHIFT = 3;
  static final int SLOW_HIDDEN_DIVISOR = 1 << SLOW_HIDDEN_RATE_SHIFT;

  private static final Map<String, ContinualMethod> KNOWN = new LinkedHashMap<>();

  static {
    for (ContinualMethod m : List.of(
        new ContinualMethod("plain", Hidden.LEARNS, true, false, null, false),
        new ContinualMethod("readout", Hidden.FROZEN, true, false, null, false),
        new ContinualMethod("hidden-slow", Hidden.SLOW, true, false, null, false),
        new ContinualMethod("consolidate", Hidden.LEARNS, true, false, null, true),
        new ContinualMethod("rehearsal", Hidden.LEARNS, true, false,
            RehearsalBuffer.Policy.BALANCED, false),
        new ContinualMethod("rehearsal-reservoir", Hidden.LEARNS, true, false,
            RehearsalBuffer.Policy.RESERVOIR, false),
        new ContinualMethod("rehearsal-readout", Hidden.FROZEN, true, false,
            RehearsalBuffer.Policy.BALANCED, false),
        new ContinualMethod("prototype", Hidden.FROZEN, false, true, null, false),
        new ContinualMethod("prototype-readout", Hidden.FROZEN, true, true, null, false),
        new ContinualMethod("prototype-rehearsal-readout", Hidden.FROZEN, true, true,
            RehearsalBuffer.Policy.BALANCED, false))) {
      KNOWN.put(m.name(), m);
    }
  }

  public ContinualMethod {
    if (!readoutLearns && hidden != Hidden.FROZEN) {
      throw new IllegalArgumentException("method " + name + ": a readout that does not learn "
          + "needs a frozen hidden layer");
    }
  }

  public static List<String> names() {
    return List.copyOf(KNOWN.keySet());
  }

  /** The method called {@code name}, or an error listing the known ones. */
  public static ContinualMethod named(String name) {
    ContinualMethod m = KNOWN.get(name);
    if (m == null) {
      throw new IllegalArgumentException("unknown continual-learning method '" + name
          + "'; known: " + names());
    }
    return m;
  }
}
