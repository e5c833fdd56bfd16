package io.spikeloop.device;

/** A request needs a capability this device lacks. */
public class UnsupportedCapabilityException extends DeviceException {
  private static final long serialVersionUID = 1L;

  public UnsupportedCapabilityException(String device, String missing, String forWhat) {
    super("device " + device + " lacks capability " + missing + ", needed for " + forWhat);
  }

  /** The same error relayed with its message as composed elsewhere (a remote device's reply). */
  public UnsupportedCapabilityException(String message) {
    super(message);
  }
}
