/**
 * Golden vectors of the SL-1 forward pass: the reader and a runner that checks any
 * {@link io.spikeloop.device.Device} against them (published in device-sim's test-jar).
 */
package io.spikeloop.sim.golden;
