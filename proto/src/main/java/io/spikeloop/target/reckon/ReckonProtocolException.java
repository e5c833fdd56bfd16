package io.spikeloop.target.reckon;

import io.spikeloop.device.DeviceException;

/** A ReckOn chip used against its protocol: the message names what was wrong. */
public class ReckonProtocolException extends DeviceException {
  private static final long serialVersionUID = 1L;

  public ReckonProtocolException(String message) {
    super(message);
  }
}
