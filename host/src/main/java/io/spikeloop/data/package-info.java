/**
 * Datasets as the trainers see them: samples of binned input spikes with a label, in a compact
 * per-step layout, plus the readers and generators that produce them (synthetic, N-MNIST, SHD).
 */
package io.spikeloop.data;
