package dev.destill.server.webhook;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The webhook deliveries seen lately, in memory: at most {@code capacity} of them (the oldest go
 * first) and none older than {@code ttl}. Thread-safe.
 */
public final class RecentDeliveries {
  private final int capacity;
  private final Duration ttl;
  private final Clock clock;
  private final LinkedHashMap<String, Instant> seen = new LinkedHashMap<>();

  public RecentDeliveries(int capacity, Duration ttl, Clock clock) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1");
    }
    this.capacity = capacity;
    this.ttl = Objects.requireNonNull(ttl, "ttl");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Records the delivery; true when it was not seen within the bounds. */
  public synchronized boolean firstTime(String provider, String deliveryId) {
    Instant now = clock.instant();
    expire(now);
    String key = provider + "\u0000" + deliveryId;
    if (seen.containsKey(key)) {
      return false;
    }
    seen.put(key, now);
    if (seen.size() > capacity) {
      Iterator<String> oldest = seen.keySet().iterator();
      oldest.next();
      oldest.remove();
    }
    return true;
  }

  /** Forgets the delivery, so that it counts as new again. */
  public synchronized void forget(String provider, String deliveryId) {
    seen.remove(provider + "\u0000" + deliveryId);
  }

  /** How many deliveries are remembered. */
  public synchronized int size() {
    expire(clock.instant());
    return seen.size();
  }

  private void expire(Instant now) {
    Instant cutoff = now.minus(ttl);
    Iterator<Map.Entry<String, Instant>> it = seen.entrySet().iterator();
    while (it.hasNext() && it.next().getValue().isBefore(cutoff)) {
      it.remove();
    }
  }
}
