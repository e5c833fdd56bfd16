/**
 * The Spiking Heidelberg Digits / Spiking Speech Commands HDF5 layout: reading it with jhdf,
 * writing it with the HDF5 C library (variable-length datasets), binning it into
 * {@link io.spikeloop.data.SpikeDataset}s and splitting it by speaker or trial.
 */
package io.spikeloop.data.shd;
