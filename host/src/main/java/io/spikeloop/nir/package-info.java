/**
 * Model exchange with NIR, the Neuromorphic Intermediate Representation: the graph in memory
 * ({@link io.spikeloop.nir.NirGraph}), its HDF5 file layout ({@link io.spikeloop.nir.NirFile}),
 * the conversion between spikeloop's discrete-time network and NIR's continuous-time nodes
 * ({@link io.spikeloop.nir.NirExport}, {@link io.spikeloop.nir.NirImport}) and the
 * {@code /spikeloop} extension group that carries the exact discrete constants and the SL-1
 * fixed-point mapping. See {@code docs/nir.md}.
 */
package io.spikeloop.nir;
