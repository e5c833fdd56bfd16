/**
 * Audio recordings (WAV, FLAC) to SHD-like spike trains, following the model that produced the
 * Spiking Heidelberg Digits (lauscher): RMS normalisation, Hann ramp, hydrodynamic basilar
 * membrane in the frequency domain, Meddis hair cells and LIF bushy cells fed by Bernoulli inputs.
 */
package io.spikeloop.convert.audio;
