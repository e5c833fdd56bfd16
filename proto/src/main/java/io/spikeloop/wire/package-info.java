/**
 * Mapping between the Java device contract ({@link io.spikeloop.device}) and the generated
 * {@code spikeloop.v1} messages ({@code io.spikeloop.wire.v1}): every record to its message and
 * back, contract exceptions to {@code Error} replies and back, and the compact {@code SpikeSet}
 * encoding ({@link io.spikeloop.wire.SpikeSets}) that picks delta-coded ids or a bitmap, whichever
 * is smaller. Decoding validates what it reads and names the field and value it refuses.
 */
package io.spikeloop.wire;
