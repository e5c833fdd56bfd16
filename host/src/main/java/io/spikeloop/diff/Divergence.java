package io.spikeloop.diff;

/**
 * Where two devices first disagree.
 *
 * @param step       global step of the run (0-based, over all samples)
 * @param sample     index of the sample being fed
 * @param sampleStep step within that sample
 * @param variable   {@code u} (membrane), {@code z} (spike, 0/1), {@code o} (output) or
 *                   {@code sops} (synaptic operations of the step)
 * @param layer      hidden layer for {@code u} and {@code z}; -1 for {@code o} and {@code sops},
 *                   and for {@code z} when a tolerant target's spike disagreement rate over the
 *                   run was exceeded (then {@code a} disagreeing of {@code b} neuron-steps)
 * @param neuron     neuron (or output) index; -1 for {@code sops}
 * @param a          the value on device a
 * @param b          the value on device b
 */
public record Divergence(long step, int sample, int sampleStep, String variable, int layer,
                         int neuron, long a, long b) {
  public Divergence {
    if (!variable.equals("u") && !variable.equals("z") && !variable.equals("o")
        && !variable.equals("sops")) {
      throw new IllegalArgumentException("unknown variable " + variable);
    }
  }

  /** One line for people. */
  public String describe() {
    if (variable.equals("z") && layer < 0) {
      return "after step " + step + ": " + a + " of " + b + " hidden neuron-steps spiked "
          + "differently, more than the target's tolerance";
    }
    String where = switch (variable) {
      case "u" -> "membrane u of layer " + layer + " neuron " + neuron;
      case "z" -> "spike z of layer " + layer + " neuron " + neuron;
      case "o" -> "output o[" + neuron + "]";
      default -> "SOP count";
    };
    return "step " + step + " (sample " + sample + ", step " + sampleStep + "): " + where
        + ": a=" + a + ", b=" + b;
  }
}
