/**
 * The device contract suite: {@link io.spikeloop.hil.contract.DeviceContractSuite} states what
 * every {@link io.spikeloop.device.Device} must do; one subclass per device kind runs it.
 */
package io.spikeloop.hil.contract;
