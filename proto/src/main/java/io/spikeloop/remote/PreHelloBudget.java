package io.spikeloop.remote;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the connections of one server that have not had a Hello accepted may hold together: how
 * many of them there are, and how many bytes of partly received frames they buffer. Without it a
 * client needs no token to make the server hold memory: many connections, each announcing a
 * frame and sending it slowly. Shared by the event loops of the server, hence atomic.
 */
final class PreHelloBudget {
  private final int maxConnections;
  private final long maxWaitingBytes;
  private final AtomicInteger connections = new AtomicInteger();
  private final AtomicLong pendingBytes = new AtomicLong();

  PreHelloBudget(int maxConnections, long maxWaitingBytes) {
    this.maxConnections = maxConnections;
    this.maxWaitingBytes = maxWaitingBytes;
  }

  /** Admits one more waiting connection, or returns false when the limit is reached. */
  boolean admit() {
    while (true) {
      int n = connections.get();
      if (n >= maxConnections) {
        return false;
      }
      if (connections.compareAndSet(n, n + 1)) {
        return true;
      }
    }
  }

  /** A waiting connection had its Hello accepted, or ended. */
  void leave() {
    connections.decrementAndGet();
  }

  /** Reserves room for a frame being received, or returns false when it does not fit. */
  boolean reserve(long bytes) {
    while (true) {
      long used = pendingBytes.get();
      if (used + bytes > maxWaitingBytes) {
        return false;
      }
      if (pendingBytes.compareAndSet(used, used + bytes)) {
        return true;
      }
    }
  }

  void release(long bytes) {
    pendingBytes.addAndGet(-bytes);
  }

  int maxConnections() {
    return maxConnections;
  }

  long maxWaitingBytes() {
    return maxWaitingBytes;
  }

  /** Connections waiting for their Hello now. */
  int connections() {
    return connections.get();
  }

  /** Bytes reserved by frames being received before Hello now. */
  long pendingBytes() {
    return pendingBytes.get();
  }
}
