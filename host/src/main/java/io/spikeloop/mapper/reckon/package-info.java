/**
 * ReckOn's side of the float model: {@link io.spikeloop.mapper.reckon.ReckonMapper} (float model
 * to {@code ReckonNetwork} and 8-bit tensors, with what it loses by name),
 * {@link io.spikeloop.mapper.reckon.ReckonFloatModel} (the chip's dynamics in float) and the
 * backward through it that {@code --placement hil --device sim:reckon|board:reckon} runs.
 */
package io.spikeloop.mapper.reckon;
