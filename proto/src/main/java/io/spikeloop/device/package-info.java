/**
 * The device contract: what every SL-1 device implements, wherever it runs (in-process simulator,
 * remote server, native board). Value types are immutable records validated in their
 * constructors; devices are opened by name through {@link io.spikeloop.device.Devices}.
 *
 * <p>Fixed-point conventions (see {@code docs/core-spec.md}): weights are two's complement
 * integers of {@code wBits}, membranes saturate to {@code uBits}, outputs to {@code oBits}, decays
 * are Q0.12 factors in [0, 4096]. Weight matrices are row-major {@code [post][pre]}.
 */
package io.spikeloop.device;
