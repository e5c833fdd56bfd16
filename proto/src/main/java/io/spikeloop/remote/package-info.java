/**
 * The network transport for devices: {@link io.spikeloop.remote.DeviceServer} serves one device
 * over TCP (Netty), {@link io.spikeloop.remote.RemoteDevice} is the {@code Device} that talks to
 * it ({@code remote://HOST:PORT}). Owns the frame codec (4-byte big-endian length + one
 * {@code spikeloop.v1} Request/Response), the versioned Hello handshake with the shared token,
 * TLS contexts, the Micrometer wire metrics and the Prometheus scrape endpoint.
 *
 * <p>Sharing: one client session owns the served device at a time; a second client is refused
 * with {@code BUSY} until the owner closes or disconnects. Requests of the owner are executed on
 * the device in arrival order on the owner's event loop; replies leave in the same order.
 */
package io.spikeloop.remote;
