/**
 * The self-contained HTML report of a run folder ({@code report.html}): configuration and
 * provenance, accuracy and loss curves, spikes and SOPs per sample, device cycles and energy and
 * optimizer-state memory when the run recorded them, and a raster plot of one test sample's input
 * and hidden spikes. Charts are XChart PNGs embedded as data URIs, so the file opens in any browser
 * without a server.
 */
package io.spikeloop.report;
