package io.spikeloop.device;

/** How much a device returns per step; more costs bandwidth on remote and native devices. */
public enum ReadoutLevel {
  /** Outputs and counters. */
  OUTPUTS,
  /** Plus the spikes of every hidden layer. */
  SPIKES,
  /** Plus the membranes of every hidden layer. */
  FULL
}
