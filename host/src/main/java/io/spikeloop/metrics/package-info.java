/**
 * Live training metrics with Micrometer: a decorator around a trainer ({@link
 * io.spikeloop.metrics.MeteredTrainer}) and the epoch figures, exposed while training runs through
 * the proto module's Prometheus scrape endpoint ({@link io.spikeloop.remote.MetricsEndpoint}).
 * Nothing here touches the trainers' hot loops; meters are updated once per batch and epoch.
 */
package io.spikeloop.metrics;
