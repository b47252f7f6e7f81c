package dev.destill.core.analyze.internal;

import dev.destill.core.pipeline.PipelineMessage.BaselinePart;
import java.io.ByteArrayOutputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Puts template sets back together from their {@link BaselinePart}s, which come in order but may
 * come twice (at-least-once delivery) or, when a request was ingested again, start over. The sets
 * being assembled hold at most {@code maxBytes} (but the one set being added to) and live at most
 * {@code keep}: the oldest go first. Not thread-safe.
 */
public final class BaselineParts {

  /** The key of template set {@code set} of request {@code requestId}. */
  public static String key(String requestId, String set) {
    return requestId + "\n" + set;
  }

  private static final class Pending {
    final byte[][] parts;
    final Instant started;
    int received;
    long bytes;

    Pending(int total, Instant started) {
      this.parts = new byte[total][];
      this.started = started;
    }
  }

  private final long maxBytes;
  private final Duration keep;
  private final Clock clock;
  // Insertion order is age order: the first entry is the oldest.
  private final Map<String, Pending> pending = new LinkedHashMap<>();
  private long bytes;

  public BaselineParts(long maxBytes, Duration keep, Clock clock) {
    if (maxBytes < BaselinePart.MAX_BYTES) {
      throw new IllegalArgumentException("maxBytes must hold at least one part");
    }
    this.maxBytes = maxBytes;
    this.keep = keep;
    this.clock = clock;
  }

  /** Adds a part; returns the whole set's bytes when this part completed it. */
  public Optional<byte[]> add(BaselinePart part) {
    Instant now = clock.instant();
    expire(now);
    String key = key(part.requestId(), part.set());
    Pending p = pending.get(key);
    if (p == null || p.parts.length != part.total()) {
      // A set cut differently is a new publication of it: it starts over.
      drop(key);
      p = new Pending(part.total(), now);
      pending.put(key, p);
    }
    if (p.parts[part.index()] != null) {
      return Optional.empty();
    }
    // Older sets make room; the one being assembled is bounded by the largest set there is.
    while (bytes + part.data().length > maxBytes) {
      Optional<String> oldest = pending.keySet().stream().filter(k -> !k.equals(key)).findFirst();
      if (oldest.isEmpty()) {
        break;
      }
      drop(oldest.get());
    }
    p.parts[part.index()] = part.data();
    p.received++;
    p.bytes += part.data().length;
    bytes += part.data().length;
    if (p.received < p.parts.length) {
      return Optional.empty();
    }
    drop(key);
    ByteArrayOutputStream out =
        new ByteArrayOutputStream((int) Math.min(Integer.MAX_VALUE, p.bytes));
    for (byte[] b : p.parts) {
      out.writeBytes(b);
    }
    return Optional.of(out.toByteArray());
  }

  /** Bytes of the sets not yet complete. */
  public long pendingBytes() {
    return bytes;
  }

  /** Sets not yet complete. */
  public int pendingSets() {
    return pending.size();
  }

  private void expire(Instant now) {
    Iterator<Map.Entry<String, Pending>> it = pending.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<String, Pending> e = it.next();
      if (!e.getValue().started.plus(keep).isAfter(now)) {
        bytes -= e.getValue().bytes;
        it.remove();
      } else {
        return;
      }
    }
  }

  private void drop(String key) {
    Pending p = pending.remove(key);
    if (p != null) {
      bytes -= p.bytes;
    }
  }
}
