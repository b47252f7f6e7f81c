package dev.destill.store.internal;

import dev.destill.core.stats.LineCount;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Counts added but not yet written, summed per row key, so that a batch writes each (minute,
 * source, stream, level, template) once. Long names are cut to {@link #MAX_CHARS}. Not thread-safe:
 * the stores hold their lock around it.
 */
public final class StatsBuffer {
  /** The longest source, stream or template a store keeps. */
  public static final int MAX_CHARS = 256;

  /** One row to write. */
  public record Row(long minute, String source, String stream, String level, String template) {}

  private final Map<Row, long[]> rows = new HashMap<>();

  /** Adds counts. */
  public void add(Collection<LineCount> counts) {
    for (LineCount c : counts) {
      Row r =
          new Row(
              c.minute().getEpochSecond() / 60,
              cut(c.source()),
              cut(c.stream()),
              c.level().id(),
              cut(c.template()));
      rows.computeIfAbsent(r, k -> new long[1])[0] += c.lines();
    }
  }

  /** How many distinct rows are held. */
  public int size() {
    return rows.size();
  }

  /** The rows held and their counts, which are then forgotten. */
  public List<Map.Entry<Row, Long>> drain() {
    List<Map.Entry<Row, Long>> out = new ArrayList<>(rows.size());
    rows.forEach((r, n) -> out.add(Map.entry(r, n[0])));
    rows.clear();
    return out;
  }

  /** Puts rows back, after a write that failed, so that nothing is lost. */
  public void restore(List<Map.Entry<Row, Long>> drained) {
    for (Map.Entry<Row, Long> e : drained) {
      rows.computeIfAbsent(e.getKey(), k -> new long[1])[0] += e.getValue();
    }
  }

  /** A name as the stores keep it. */
  public static String cut(String s) {
    return s.length() > MAX_CHARS ? s.substring(0, MAX_CHARS) : s;
  }
}
