package io.spikeloop.checkpoint;

/**
 * One checkpoint: a description of what wrote it ({@code metadata}, free text such as the run's
 * JSON options) and the state to resume from.
 */
public record Checkpoint(String metadata, StateMap state) {
  public Checkpoint {
    if (metadata == null || state == null) {
      throw new IllegalArgumentException("a checkpoint needs metadata and a state");
    }
  }
}
