package dev.destill.core.stats;

import dev.destill.core.stats.StatsRows.NewTemplate;
import dev.destill.core.stats.StatsRows.Template;
import dev.destill.core.stats.StatsRows.Total;
import dev.destill.core.stats.StatsRows.Volume;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The statistics in memory, for tests, local runs without a file and as the reference the other
 * stores are held to. Counts are answered as soon as they are added. At most {@code maxRows}
 * distinct (minute, source, stream, level, template) rows are kept: counts of new rows beyond that
 * are dropped and counted in {@link #dropped()}. Thread-safe (one lock).
 */
public final class InMemoryStatsStore implements StatsStore {
  /** The default bound: a day of minutes for 100 sources with 30 templates each, and room. */
  public static final int DEFAULT_MAX_ROWS = 5_000_000;

  private record Key(long minute, String source, String stream, Level level, String template) {}

  private final Map<Key, long[]> rows = new HashMap<>();
  private final int maxRows;
  private long dropped;

  public InMemoryStatsStore() {
    this(DEFAULT_MAX_ROWS);
  }

  public InMemoryStatsStore(int maxRows) {
    if (maxRows < 1) {
      throw new IllegalArgumentException("maxRows must be at least 1");
    }
    this.maxRows = maxRows;
  }

  @Override
  public synchronized void add(Collection<LineCount> counts) {
    for (LineCount c : counts) {
      Key k =
          new Key(
              c.minute().getEpochSecond() / 60, c.source(), c.stream(), c.level(), c.template());
      long[] n = rows.get(k);
      if (n != null) {
        n[0] += c.lines();
      } else if (rows.size() < maxRows) {
        rows.put(k, new long[] {c.lines()});
      } else {
        dropped += c.lines();
      }
    }
  }

  @Override
  public void flush() {
    // Counts are merged as they are added.
  }

  /** Lines not counted because the store was full. */
  public synchronized long dropped() {
    return dropped;
  }

  private boolean in(Key k, StatsQuery q) {
    return k.minute >= q.fromMinute()
        && k.minute < q.toMinute()
        && (q.source().isEmpty() || q.source().get().equals(k.source));
  }

  @Override
  public synchronized List<Volume> volume(StatsQuery q) {
    long step = q.stepMinutes();
    Map<String, TreeMap<Long, long[]>> by = new TreeMap<>();
    for (Map.Entry<Key, long[]> e : rows.entrySet()) {
      Key k = e.getKey();
      if (!in(k, q)) {
        continue;
      }
      long bucket = k.minute - Math.floorMod(k.minute, step);
      long[] acc =
          by.computeIfAbsent(k.source, s -> new TreeMap<>())
              .computeIfAbsent(bucket, b -> new long[2]);
      acc[0] += e.getValue()[0];
      if (k.level.isError()) {
        acc[1] += e.getValue()[0];
      }
    }
    List<Volume> out = new ArrayList<>();
    by.forEach(
        (source, buckets) ->
            buckets.forEach(
                (b, acc) ->
                    out.add(new Volume(source, Instant.ofEpochSecond(b * 60), acc[0], acc[1]))));
    return out;
  }

  @Override
  public synchronized List<Total> totals(StatsQuery q) {
    Map<String, long[]> by = new TreeMap<>();
    for (Map.Entry<Key, long[]> e : rows.entrySet()) {
      Key k = e.getKey();
      if (!in(k, q)) {
        continue;
      }
      long[] acc = by.computeIfAbsent(k.source, s -> new long[2]);
      acc[0] += e.getValue()[0];
      if (k.level.isError()) {
        acc[1] += e.getValue()[0];
      }
    }
    List<Total> out = new ArrayList<>();
    by.forEach((s, acc) -> out.add(new Total(s, acc[0], acc[1])));
    return out;
  }

  private record SourceTemplate(String source, String template) {}

  @Override
  public synchronized List<Template> topTemplates(StatsQuery q) {
    Map<SourceTemplate, long[]> by = new HashMap<>();
    for (Map.Entry<Key, long[]> e : rows.entrySet()) {
      Key k = e.getKey();
      if (k.template.isEmpty() || !in(k, q)) {
        continue;
      }
      long[] acc = by.computeIfAbsent(new SourceTemplate(k.source, k.template), s -> new long[2]);
      acc[0] += e.getValue()[0];
      if (k.level.isError()) {
        acc[1] += e.getValue()[0];
      }
    }
    return by.entrySet().stream()
        .map(
            e ->
                new Template(
                    e.getKey().source, e.getKey().template, e.getValue()[0], e.getValue()[1]))
        .sorted(
            Comparator.comparingLong(Template::lines)
                .reversed()
                .thenComparing(Template::source)
                .thenComparing(Template::template))
        .limit(q.limit())
        .toList();
  }

  @Override
  public synchronized List<NewTemplate> newTemplates(Instant since, StatsQuery q) {
    Objects.requireNonNull(since, "since");
    long sinceMinute = Math.floorDiv(since.getEpochSecond(), 60);
    Map<SourceTemplate, long[]> by = new HashMap<>();
    for (Map.Entry<Key, long[]> e : rows.entrySet()) {
      Key k = e.getKey();
      if (k.template.isEmpty() || (q.source().isPresent() && !q.source().get().equals(k.source))) {
        continue;
      }
      long[] acc =
          by.computeIfAbsent(
              new SourceTemplate(k.source, k.template), s -> new long[] {Long.MAX_VALUE, 0});
      acc[0] = Math.min(acc[0], k.minute);
      acc[1] += e.getValue()[0];
    }
    return by.entrySet().stream()
        .filter(e -> e.getValue()[0] >= sinceMinute)
        .map(
            e ->
                new NewTemplate(
                    e.getKey().source,
                    e.getKey().template,
                    Instant.ofEpochSecond(e.getValue()[0] * 60),
                    e.getValue()[1]))
        .sorted(
            Comparator.comparing(NewTemplate::firstSeen)
                .reversed()
                .thenComparing(Comparator.comparingLong(NewTemplate::lines).reversed())
                .thenComparing(NewTemplate::source)
                .thenComparing(NewTemplate::template))
        .limit(q.limit())
        .toList();
  }

  @Override
  public synchronized long expireBefore(Instant cutoff) {
    long minute = Math.floorDiv(cutoff.getEpochSecond(), 60);
    long removed = 0;
    for (Iterator<Key> it = rows.keySet().iterator(); it.hasNext(); ) {
      if (it.next().minute < minute) {
        it.remove();
        removed++;
      }
    }
    return removed;
  }
}
