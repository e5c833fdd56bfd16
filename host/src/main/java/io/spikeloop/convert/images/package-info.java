/**
 * Still images (MNIST idx, PNG, PGM) to N-MNIST-style event recordings: the image moves through
 * N-MNIST's three saccades in front of a simulated DVS pixel array (log-intensity change against a
 * contrast threshold, refractory time, microsecond timestamps), written in N-MNIST's 5-byte format.
 */
package io.spikeloop.convert.images;
