/**
 * Checkpoints of training runs: {@link io.spikeloop.checkpoint.StateMap} (the named arrays a
 * trainer, optimizer, data order or device hands over), {@link io.spikeloop.checkpoint.Checkpoint}
 * and its versioned, checksummed file format {@link io.spikeloop.checkpoint.CheckpointFile},
 * written atomically (temporary file in the same folder, fsync, atomic rename).
 */
package io.spikeloop.checkpoint;
