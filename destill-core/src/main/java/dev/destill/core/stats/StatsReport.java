package dev.destill.core.stats;

import dev.destill.core.stats.StatsRows.NewTemplate;
import dev.destill.core.stats.StatsRows.Spike;
import dev.destill.core.stats.StatsRows.Template;
import dev.destill.core.stats.StatsRows.Total;
import dev.destill.core.stats.StatsRows.Volume;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Every answer of the statistics for one window, as {@code destill stats} and {@code GET
 * /api/v1/stats} show it.
 *
 * @param query the window, source, bucket and limit asked for
 * @param totals lines and errors per source over the window
 * @param volume lines and errors per source and bucket
 * @param top the templates with the most lines
 * @param spikes error-rate spikes of the last hour against the one before
 * @param newToday templates first seen today (UTC)
 */
public record StatsReport(
    StatsQuery query,
    List<Total> totals,
    List<Volume> volume,
    List<Template> top,
    List<Spike> spikes,
    List<NewTemplate> newToday) {
  public StatsReport {
    Objects.requireNonNull(query, "query");
    totals = List.copyOf(totals);
    volume = List.copyOf(volume);
    top = List.copyOf(top);
    spikes = List.copyOf(spikes);
    newToday = List.copyOf(newToday);
  }

  /**
   * Asks {@code store} everything for {@code query}, spikes and new templates as of {@code now}.
   */
  public static StatsReport of(StatsStore store, StatsQuery query, Instant now) {
    return new StatsReport(
        query,
        store.totals(query),
        store.volume(query),
        store.topTemplates(query),
        store.spikes(now, query.source(), SpikePolicy.DEFAULT),
        store.newToday(now, query.source(), query.limit()));
  }
}
