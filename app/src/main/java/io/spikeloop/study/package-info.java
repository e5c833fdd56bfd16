/**
 * Studies: a grid of {@code train} configurations (any train option swept over values) times
 * seeds, run in parallel up to the machine's cores, summarised as {@code results.csv}, {@code
 * results.md} (mean ± std over seeds per configuration) and PNG plots of accuracy against each
 * swept option, with a float tBPTT1 baseline drawn in when the study has one. A configuration
 * that fails is recorded with its error; the others go on.
 */
package io.spikeloop.study;
