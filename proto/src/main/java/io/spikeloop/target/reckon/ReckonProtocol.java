package io.spikeloop.target.reckon;

/**
 * The refusals every {@link ReckonChip} makes before a step touches anything, so that the model
 * and the board refuse the same misuse with the same words (and the board never hangs on it).
 */
public final class ReckonProtocol {
  private ReckonProtocol() {}

  /**
   * Checks {@code in} against the chip's protocol.
   *
   * @param inSample whether a sample is running (the step is not its first)
   * @param gotLabel whether a label was sent in this sample after its first tick
   * @param enables the SPI_DO_EPROP bits in force
   * @throws ReckonProtocolException naming the problem
   */
  public static void checkStep(ReckonNetwork net, ReckonStep in, boolean inSample,
      boolean gotLabel, int enables) {
    for (int e = 0; e < in.eventCount(); e++) {
      int id = in.event(e);
      if (id < 0 || id >= net.inputs()) {
        throw new ReckonProtocolException("input event " + id + " outside 0.." + (net.inputs() - 1)
            + " (the network has " + net.inputs() + " inputs)");
      }
    }
    if (in.label() >= net.outputs()) {
      throw new ReckonProtocolException("label " + in.label() + " outside 0.."
          + (net.outputs() - 1) + " (the network has " + net.outputs() + " outputs)");
    }
    if (!inSample && in.label() >= 0) {
      throw new ReckonProtocolException("a label sent before the first tick of a sample is "
          + "cleared by the chip; send it with a later step");
    }
    if (!inSample && in.endOfSample()) {
      throw new ReckonProtocolException("end of sample without a sample: the first step of a "
          + "sample cannot end it");
    }
    if (inSample && !in.endOfSample() && in.targetValid() && enables != 0 && !gotLabel
        && in.label() < 0) {
      throw new ReckonProtocolException("TARGET_VALID with learning on and no label in this "
          + "sample: the chip would wait for a target forever; send the label with this step");
    }
  }
}
