package dev.destill.live.stats;

import dev.destill.core.engine.Normalizer;
import dev.destill.core.stats.Level;
import dev.destill.core.stats.LineCount;
import dev.destill.live.record.LiveRecord;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Adds up live records into {@link LineCount}s: per minute, source, stream, level and normalized
 * template (the first line of the body as {@link Normalizer#normalize} masks it, cut to {@link
 * #MAX_TEMPLATE} characters). Holds at most {@code maxKeys} distinct counts; {@link #add} says when
 * it is full, so that the caller drains it. Pure; not thread-safe.
 */
public final class LineCounter {
  /** The most characters of a template that are kept. */
  public static final int MAX_TEMPLATE = 256;

  private record Key(Instant minute, String source, String stream, Level level, String template) {}

  private final int maxKeys;
  private final Map<Key, long[]> counts = new HashMap<>();
  private long lines;

  public LineCounter(int maxKeys) {
    if (maxKeys < 1) {
      throw new IllegalArgumentException("maxKeys must be positive");
    }
    this.maxKeys = maxKeys;
  }

  /** Counts one record; returns true when the counter holds its maximum of keys. */
  public boolean add(LiveRecord r) {
    Key k =
        new Key(
            r.time().truncatedTo(ChronoUnit.MINUTES),
            r.stream().source(),
            r.stream().stream(),
            r.level(),
            template(r.body()));
    counts.computeIfAbsent(k, x -> new long[1])[0]++;
    lines++;
    return counts.size() >= maxKeys;
  }

  /** The template a body is counted under. */
  public static String template(String body) {
    int nl = body.indexOf('\n');
    String first = nl < 0 ? body : body.substring(0, nl);
    if (first.length() > 4 * MAX_TEMPLATE) {
      first = first.substring(0, 4 * MAX_TEMPLATE);
    }
    String t = Normalizer.normalize(first);
    return t.length() > MAX_TEMPLATE ? t.substring(0, MAX_TEMPLATE) : t;
  }

  /** Lines counted since the last {@link #drain}. */
  public long lines() {
    return lines;
  }

  /** The counts so far, and forgets them. */
  public List<LineCount> drain() {
    List<LineCount> out = new ArrayList<>(counts.size());
    counts.forEach(
        (k, v) -> out.add(new LineCount(k.minute, k.source, k.stream, k.level, k.template, v[0])));
    counts.clear();
    lines = 0;
    return out;
  }
}
