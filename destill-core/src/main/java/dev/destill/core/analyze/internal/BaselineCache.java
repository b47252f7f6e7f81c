package dev.destill.core.analyze.internal;

import dev.destill.core.engine.LineTemplates;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Template sets by key, least recently used first out: they hold at most {@code maxBytes} (what
 * {@link LineTemplates#bytes} says) and each lives at most {@code keep} after it arrived. A set
 * larger than the whole budget is kept alone. Not thread-safe.
 */
public final class BaselineCache {

  private record Entry(LineTemplates templates, Instant arrived) {}

  private final long maxBytes;
  private final Duration keep;
  private final Clock clock;
  // Access order: the first entry is the least recently used.
  private final LinkedHashMap<String, Entry> sets = new LinkedHashMap<>(16, 0.75f, true);
  private long bytes;

  public BaselineCache(long maxBytes, Duration keep, Clock clock) {
    if (maxBytes < 1) {
      throw new IllegalArgumentException("maxBytes must be positive");
    }
    this.maxBytes = maxBytes;
    this.keep = keep;
    this.clock = clock;
  }

  /** Keeps {@code templates} under {@code key}, in place of what it held. */
  public void put(String key, LineTemplates templates) {
    remove(key);
    long size = templates.bytes();
    Iterator<Map.Entry<String, Entry>> it = sets.entrySet().iterator();
    while (bytes + size > maxBytes && it.hasNext()) {
      bytes -= it.next().getValue().templates.bytes();
      it.remove();
    }
    sets.put(key, new Entry(templates, clock.instant()));
    bytes += size;
  }

  /** The set under {@code key}, unless it was never put, pushed out, or is older than allowed. */
  public Optional<LineTemplates> get(String key) {
    Entry e = sets.get(key);
    if (e == null) {
      return Optional.empty();
    }
    if (!e.arrived.plus(keep).isAfter(clock.instant())) {
      remove(key);
      return Optional.empty();
    }
    return Optional.of(e.templates);
  }

  /** Drops every set of request {@code requestId} (keys {@link BaselineParts#key}). */
  public void removeRequest(String requestId) {
    String prefix = BaselineParts.key(requestId, "");
    for (String key : List.copyOf(sets.keySet())) {
      if (key.startsWith(prefix)) {
        remove(key);
      }
    }
  }

  /** Bytes held. */
  public long bytes() {
    return bytes;
  }

  /** Sets held. */
  public int size() {
    return sets.size();
  }

  private void remove(String key) {
    Entry e = sets.remove(key);
    if (e != null) {
      bytes -= e.templates.bytes();
    }
  }
}
