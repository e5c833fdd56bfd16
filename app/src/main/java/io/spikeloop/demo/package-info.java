/**
 * The continual-learning demo ({@code ./spikeloop demo continual}): a stream whose classes (or
 * speakers) arrive in stages, learned on-chip by the device's learning engine with a
 * continual-learning method ({@link io.spikeloop.demo.ContinualMethod}: per-tensor plasticity,
 * a rehearsal buffer of event lists, class-prototype readouts, anchoring) and compared with a
 * frozen model and an upper bound trained on all stages at once; accuracy on what has been seen,
 * forgetting, device energy and memory over the stream, written as a table, CSV, PNG charts (with
 * an accuracy-matrix heat-map) and an HTML page.
 */
package io.spikeloop.demo;
