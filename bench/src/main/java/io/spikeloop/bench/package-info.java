/**
 * Benchmark harnesses: each prints its figures (and the machine it ran on) for
 * {@code docs/performance.md}. Run from the command line, never from unit tests.
 */
package io.spikeloop.bench;
