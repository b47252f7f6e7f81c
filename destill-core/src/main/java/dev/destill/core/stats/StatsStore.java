package dev.destill.core.stats;

import dev.destill.core.stats.StatsRows.NewTemplate;
import dev.destill.core.stats.StatsRows.Spike;
import dev.destill.core.stats.StatsRows.Template;
import dev.destill.core.stats.StatsRows.Total;
import dev.destill.core.stats.StatsRows.Volume;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

/**
 * The hot statistics: line counts per minute, source, stream, level and template, and the questions
 * asked of them. Counts that were {@link #add added} are answered once {@link #flush}ed. Templates
 * that are empty (the lines of a CI job no rule picked out) count in the volumes and totals but are
 * never listed as templates. Implementations are thread-safe.
 */
public interface StatsStore extends StatsSink, AutoCloseable {

  /**
   * Lines and error lines per source and bucket of {@code q.step()}, ordered by source then bucket;
   * buckets without lines are left out.
   */
  List<Volume> volume(StatsQuery q);

  /** Lines and error lines per source over the whole window, ordered by source. */
  List<Total> totals(StatsQuery q);

  /**
   * The templates with the most lines in the window, at most {@code q.limit()}, most lines first
   * (ties by source, then template).
   */
  List<Template> topTemplates(StatsQuery q);

  /**
   * Templates whose first counted minute is at or after {@code since}, in {@code q.source()} or all
   * sources, at most {@code q.limit()}, the most recently new first (ties: most lines, source,
   * template). Only {@code q.source()} and {@code q.limit()} of the query are used.
   */
  List<NewTemplate> newTemplates(Instant since, StatsQuery q);

  /** Deletes the counts of minutes before {@code cutoff}; returns how many rows went. */
  long expireBefore(Instant cutoff);

  /**
   * Sources whose error rate in the hour up to {@code now}'s minute rose against the hour before,
   * as {@code policy} decides.
   */
  default List<Spike> spikes(Instant now, Optional<String> source, SpikePolicy policy) {
    StatsQuery last = StatsQuery.last(now, Duration.ofHours(1), Duration.ofHours(1), 1);
    StatsQuery previous =
        new StatsQuery(last.from().minus(Duration.ofHours(1)), last.from(), source, last.step(), 1);
    last = new StatsQuery(last.from(), last.to(), source, last.step(), 1);
    return policy.spikes(totals(last), totals(previous));
  }

  /** The templates new on {@code now}'s day (UTC). */
  default List<NewTemplate> newToday(Instant now, Optional<String> source, int limit) {
    StatsQuery q = StatsQuery.last(now, Duration.ofMinutes(1), Duration.ofMinutes(1), limit);
    if (source.isPresent()) {
      q = q.forSource(source.get());
    }
    return newTemplates(now.truncatedTo(ChronoUnit.DAYS), q);
  }

  /** Releases what the store holds, flushing first. */
  @Override
  default void close() {
    flush();
  }
}
