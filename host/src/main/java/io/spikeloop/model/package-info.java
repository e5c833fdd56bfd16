/**
 * The float spiking network of the paper (section 2): its configuration ({@link
 * io.spikeloop.model.SnnConfig}), parameters in the canonical {@code [post][pre]} layout ({@link
 * io.spikeloop.model.SnnParameters}), the spike function with its double-Gaussian surrogate, a
 * float64 forward pass for inference, and the on-disk model format ({@link
 * io.spikeloop.model.ModelFile}) that every other command loads.
 */
package io.spikeloop.model;
