package io.spikeloop.target.reckon;

/**
 * The protocol rules every {@link ReckonChip} enforces before a step touches the chip, in one
 * place so that {@code sim:reckon} and {@code board:reckon} refuse the same steps with the same
 * words.
 */
public final class ReckonProtocol {
  private ReckonProtocol() {}

  /**
   * Refuses {@code in} with a {@link ReckonProtocolException} naming the problem: an input id or
   * label outside the network, a label before the sample's first tick (the chip clears it), an
   * end of sample without a sample, or TARGET_VALID with learning on and no label in the sample
   * (the chip would wait for a target forever).
   *
   * @param inSample whether a sample is running (its first step has been taken)
   * @param gotLabel whether the running sample has had a label
   * @param epropEnables the SPI_DO_EPROP bits in force
   */
  public static void check(ReckonNetwork net, ReckonStep in, boolean inSample, boolean gotLabel,
      int epropEnables) {
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
    if (inSample && !in.endOfSample() && in.targetValid() && epropEnables != 0 && !gotLabel
        && in.label() < 0) {
      throw new ReckonProtocolException("TARGET_VALID with learning on and no label in this "
          + "sample: the chip would wait for a target forever; send the label with this step");
    }
  }
}
