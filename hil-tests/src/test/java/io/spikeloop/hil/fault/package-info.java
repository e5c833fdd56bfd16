/**
 * Fault injection on loopback, bounded in count and time: server kills with resume from a
 * checkpoint, frames dropped, delayed, corrupted and stalled through a faulty link, random
 * bytes at a real server, damaged dataset files, and a short soak.
 */
package io.spikeloop.hil.fault;
