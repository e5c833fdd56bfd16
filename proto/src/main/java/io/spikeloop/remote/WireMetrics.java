package io.spikeloop.remote;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Micrometer meters of one end of the wire ({@code side} = server or client): frames and
 * bytes in and out, frame faults and errors by kind, request latency by request type, and the
 * number of requests in flight. Names are {@code spikeloop.remote.*} (Prometheus:
 * {@code spikeloop_remote_*}).
 */
public final class WireMetrics {
  /** Errors that are not frame faults. */
  public enum Error { TIMEOUT, DISCONNECTED, REFUSED, DEVICE_ERROR, BAD_REQUEST }

  private final Counter framesIn;
  private final Counter framesOut;
  private final Counter bytesIn;
  private final Counter bytesOut;
  private final Map<FrameFault.Kind, Counter> faults = new EnumMap<>(FrameFault.Kind.class);
  private final Map<Error, Counter> errors = new EnumMap<>(Error.class);
  private final Timer stepLatency;
  private final Timer otherLatency;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final MeterRegistry registry;
  private final Gauge inFlightGauge;

  /**
   * @param instance tells apart several ends of the same side in one registry (the in-flight
   *                 gauge is per end and removed by {@link #close()})
   */
  public WireMetrics(MeterRegistry registry, String side, String instance) {
    this.registry = registry;
    Tags tags = Tags.of("side", side);
    framesIn = Counter.builder("spikeloop.remote.frames.in").tags(tags).register(registry);
    framesOut = Counter.builder("spikeloop.remote.frames.out").tags(tags).register(registry);
    bytesIn = Counter.builder("spikeloop.remote.bytes.in").baseUnit("bytes").tags(tags)
        .register(registry);
    bytesOut = Counter.builder("spikeloop.remote.bytes.out").baseUnit("bytes").tags(tags)
        .register(registry);
    for (FrameFault.Kind k : FrameFault.Kind.values()) {
      faults.put(k, Counter.builder("spikeloop.remote.frame.faults").tags(tags)
          .tag("kind", k.name().toLowerCase()).register(registry));
    }
    for (Error e : Error.values()) {
      errors.put(e, Counter.builder("spikeloop.remote.errors").tags(tags)
          .tag("kind", e.name().toLowerCase()).register(registry));
    }
    stepLatency = Timer.builder("spikeloop.remote.latency").tags(tags).tag("request", "step")
        .publishPercentiles(0.5, 0.99).register(registry);
    otherLatency = Timer.builder("spikeloop.remote.latency").tags(tags).tag("request", "other")
        .register(registry);
    inFlightGauge = Gauge.builder("spikeloop.remote.in.flight", inFlight, AtomicInteger::get)
        .tags(tags).tag("instance", instance)
        .description("requests sent and not yet answered").register(registry);
  }

  /** For tests and tools that need no instance tag. */
  public WireMetrics(MeterRegistry registry, String side) {
    this(registry, side, side);
  }

  /** Removes this end's in-flight gauge (the counters stay: they add up over all ends). */
  public void close() {
    registry.remove(inFlightGauge);
  }

  void frameIn(int bytes) {
    framesIn.increment();
    bytesIn.increment(bytes);
  }

  void frameOut(int bytes) {
    framesOut.increment();
    bytesOut.increment(bytes);
  }

  void fault(FrameFault.Kind kind) {
    faults.get(kind).increment();
  }

  void error(Error kind) {
    errors.get(kind).increment();
  }

  /** Latency of one request, step or other, in nanoseconds. */
  void latency(boolean step, long nanos) {
    (step ? stepLatency : otherLatency).record(nanos, TimeUnit.NANOSECONDS);
  }

  void inFlight(int delta) {
    inFlight.addAndGet(delta);
  }

  public double framesIn() {
    return framesIn.count();
  }

  public double framesOut() {
    return framesOut.count();
  }

  public double bytesIn() {
    return bytesIn.count();
  }

  public double bytesOut() {
    return bytesOut.count();
  }

  public double faults(FrameFault.Kind kind) {
    return faults.get(kind).count();
  }

  public double errors(Error kind) {
    return errors.get(kind).count();
  }

  public int inFlight() {
    return inFlight.get();
  }

  public Timer stepLatency() {
    return stepLatency;
  }
}
