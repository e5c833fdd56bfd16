/**
 * The continual-learning demo ({@code ./spikeloop demo continual}): a stream whose classes (or
 * speakers) arrive in stages, learned on-chip by the device's learning engine and compared with a
 * frozen model; accuracy on what has been seen, forgetting, and device energy over the stream,
 * written as a table, CSV, PNG charts and an HTML page.
 */
package io.spikeloop.demo;
