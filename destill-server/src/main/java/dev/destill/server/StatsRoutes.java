package dev.destill.server;

import dev.destill.core.stats.StatsQuery;
import dev.destill.core.stats.StatsReport;
import dev.destill.core.stats.StatsStore;
import dev.destill.wire.StatsJson;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * {@code GET /api/v1/stats}: the hot statistics as JSON ({@link StatsJson#write}), over the last
 * {@code hours} (default 24, at most {@link #MAX_HOURS}) in buckets of {@code step} minutes
 * (default 60), the top {@code limit} templates (default 20), narrowed to one source with {@code
 * source}. Under {@code /api/v1}, so the same token rules as the other reads apply. Thread-safe.
 */
public final class StatsRoutes implements Routes {
  /** The longest window a query may cover. */
  public static final int MAX_HOURS = 24 * 31;

  /** The most buckets per source one answer may hold. */
  public static final int MAX_BUCKETS = 1_440;

  private final StatsStore store;
  private final Clock clock;
  private final Masking masking;

  public StatsRoutes(StatsStore store, Clock clock, ServerSettings settings) {
    this.store = Objects.requireNonNull(store, "store");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.masking = new Masking(settings);
  }

  @Override
  public void register(RoutesConfig routes) {
    routes.get(ApiRoutes.PREFIX + "/stats", this::stats);
  }

  private void stats(Context ctx) {
    int hours = ApiRoutes.intParam(ctx, "hours", 24, 1, MAX_HOURS);
    int step = ApiRoutes.intParam(ctx, "step", 60, 1, 24 * 60);
    int limit = ApiRoutes.intParam(ctx, "limit", 20, 1, StatsQuery.MAX_LIMIT);
    if ((long) hours * 60 / step > MAX_BUCKETS) {
      throw new HttpProblem(
          400,
          "hours="
              + hours
              + " in steps of "
              + step
              + " minutes is more than "
              + MAX_BUCKETS
              + " buckets: take a larger step");
    }
    String source = ApiRoutes.param(ctx, "source");
    if (source.length() > 256) {
      throw new HttpProblem(400, "source is longer than 256 characters");
    }
    StatsQuery q =
        StatsQuery.last(clock.instant(), Duration.ofHours(hours), Duration.ofMinutes(step), limit);
    if (!source.isEmpty()) {
      q = q.forSource(source);
    }
    StatsReport report = StatsReport.of(store, q, clock.instant());
    ctx.contentType("application/json").result(masking.mask(StatsJson.write(report)));
  }
}
