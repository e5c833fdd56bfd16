/**
 * Native boards: the JNA mirror of the board driver ABI ({@code src/main/c/spikeloop_driver.h},
 * {@link io.spikeloop.board.SpikeloopDriver}), the library loader and its search path, and
 * {@link io.spikeloop.board.NativeBoardDevice}, the device contract over a driver handle. The
 * reference firmware ({@code src/main/c/spikeloop_ref.c}) is built into this module's jar as
 * {@code board:ref}. Vendor guide: {@code docs/driver-abi.md}.
 */
package io.spikeloop.board;
