package io.spikeloop.target.sl1;

import io.spikeloop.device.Telemetry;
import java.util.Arrays;

/**
 * The dynamic state of a core (not its weights), portable between implementations of the same
 * semantics: restoring a state taken from one device into another continues bit-identically.
 *
 * @param step       steps run since reset
 * @param membranes  u per hidden layer
 * @param lastSpikes z_prev per hidden layer, as 0/1 per neuron
 * @param outputs    o
 * @param telemetry  counters at the time of the snapshot
 */
public record DeviceState(long step, int[][] membranes, byte[][] lastSpikes, int[] outputs,
                          Telemetry telemetry) {
  public DeviceState {
    if (membranes == null || lastSpikes == null || outputs == null || telemetry == null) {
      throw new IllegalArgumentException("a device state needs membranes, spikes, outputs, telemetry");
    }
    if (membranes.length != lastSpikes.length) {
      throw new IllegalArgumentException("membranes for " + membranes.length
          + " layers but spikes for " + lastSpikes.length);
    }
    membranes = deepCopy(membranes);
    lastSpikes = Arrays.stream(lastSpikes).map(byte[]::clone).toArray(byte[][]::new);
    outputs = outputs.clone();
  }

  private static int[][] deepCopy(int[][] a) {
    return Arrays.stream(a).map(int[]::clone).toArray(int[][]::new);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DeviceState s && s.step == step && Arrays.deepEquals(s.membranes, membranes)
        && Arrays.deepEquals(s.lastSpikes, lastSpikes) && Arrays.equals(s.outputs, outputs)
        && s.telemetry.equals(telemetry);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(step) * 31 + Arrays.deepHashCode(membranes) + Arrays.hashCode(outputs);
  }
}
