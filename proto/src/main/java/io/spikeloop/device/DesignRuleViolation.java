package io.spikeloop.device;

/** A network that does not fit the core, refused before anything is loaded. */
public class DesignRuleViolation extends DeviceException {
  private static final long serialVersionUID = 1L;
  private final String rule;

  public DesignRuleViolation(String rule, String message) {
    super("design rule " + rule + ": " + message);
    this.rule = rule;
  }

  /** The rule's name, e.g. {@code DR-FANIN}. */
  public String rule() {
    return rule;
  }
}
