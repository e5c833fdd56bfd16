package io.spikeloop.device;

/** The device is not there: no such board, library, server, or the connection was lost. */
public class DeviceUnavailableException extends DeviceException {
  private static final long serialVersionUID = 1L;

  public DeviceUnavailableException(String message) {
    super(message);
  }

  public DeviceUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
