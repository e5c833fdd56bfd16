package io.spikeloop.mapper;

import java.util.List;

/** A float model that cannot be mapped onto a target; {@link #reasons()} names every part. */
public final class MappingRefusedException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;
  private final String targetId;
  private final List<String> reasons;

  public MappingRefusedException(String targetId, List<String> reasons) {
    super("cannot map the model onto target " + targetId + ": " + String.join("; ", reasons));
    this.targetId = targetId;
    this.reasons = List.copyOf(reasons);
  }

  public String targetId() {
    return targetId;
  }

  /** One line per part that cannot map, each starting with the part's name. */
  public List<String> reasons() {
    return reasons;
  }
}
