/**
 * Differential runs of the native board ({@code board:ref}, the C reference firmware through
 * JNA) against the in-process simulator ({@code SimDevice}): lock-step, every step compared.
 */
package io.spikeloop.hil.board;
