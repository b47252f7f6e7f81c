package dev.destill.store.postgres;

import dev.destill.core.DestillException;
import dev.destill.core.stats.LineCount;
import dev.destill.core.stats.StatsQuery;
import dev.destill.core.stats.StatsRows.NewTemplate;
import dev.destill.core.stats.StatsRows.Template;
import dev.destill.core.stats.StatsRows.Total;
import dev.destill.core.stats.StatsRows.Volume;
import dev.destill.core.stats.StatsStore;
import dev.destill.store.internal.JdbcStatsQueries;
import dev.destill.store.internal.StatsBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

/**
 * The hot statistics in PostgreSQL, for distributed mode: table {@code stats_lines} (migration V6),
 * one row per key, each batch an upsert that adds to the counts in one transaction. Counts are
 * summed in memory until {@link #flush} (or {@link #MAX_BUFFERED} rows); rows older than the
 * retention are deleted at most every {@link #EXPIRY_EVERY}. A write that fails keeps its counts
 * for the next flush. Thread-safe (one lock).
 */
public final class PostgresStatsStore implements StatsStore {
  /** Rows held before an {@link #add} writes them without waiting for a flush. */
  public static final int MAX_BUFFERED = 20_000;

  /** How often, at most, expired rows are deleted. */
  public static final Duration EXPIRY_EVERY = Duration.ofMinutes(10);

  private static final String UPSERT =
      "INSERT INTO stats_lines (minute, source, stream, level, template, n)"
          + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (minute, source, stream, level, template)"
          + " DO UPDATE SET n = stats_lines.n + EXCLUDED.n";

  private final DataSource dataSource;
  private final AutoCloseable owned;
  private final Clock clock;
  private final Duration retention;
  private final String where;
  private final JdbcStatsQueries queries = new JdbcStatsQueries("stats_lines");
  private final StatsBuffer buffer = new StatsBuffer();
  private Instant nextExpiry = Instant.MIN;

  /** Uses {@code dataSource} (not closed by this store) and migrates it. */
  public PostgresStatsStore(DataSource dataSource, Clock clock, Duration retention) {
    this(dataSource, null, clock, retention, "PostgreSQL");
  }

  /** Connects to {@code url} (as {@link PostgresFindingStore#connect} does) and migrates. */
  public static PostgresStatsStore connect(String url, Clock clock, Duration retention) {
    String jdbc = PostgresFindingStore.toJdbc(url);
    com.zaxxer.hikari.HikariConfig config = new com.zaxxer.hikari.HikariConfig();
    config.setJdbcUrl(jdbc);
    config.setMaximumPoolSize(2);
    config.setConnectionTimeout(3_000);
    config.setPoolName("destill-stats");
    try {
      com.zaxxer.hikari.HikariDataSource ds = new com.zaxxer.hikari.HikariDataSource(config);
      return new PostgresStatsStore(ds, ds, clock, retention, PostgresFindingStore.redact(jdbc));
    } catch (RuntimeException e) {
      throw new DestillException.Retriable(
          "cannot connect to PostgreSQL at "
              + PostgresFindingStore.redact(jdbc)
              + " for the statistics: "
              + e.getMessage()
              + " (check DESTILL_POSTGRES_URL and that the server runs)",
          e);
    }
  }

  private PostgresStatsStore(
      DataSource dataSource, AutoCloseable owned, Clock clock, Duration retention, String where) {
    if (retention.isNegative() || retention.isZero()) {
      throw new IllegalArgumentException("the statistics retention must be positive");
    }
    this.dataSource = dataSource;
    this.owned = owned;
    this.clock = clock;
    this.retention = retention;
    this.where = where;
    try {
      Flyway.configure().dataSource(dataSource).locations("classpath:db/postgres").load().migrate();
    } catch (FlywayException e) {
      closeOwned();
      throw new DestillException(
          "cannot prepare the PostgreSQL schema at " + where + ": " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized void add(Collection<LineCount> counts) {
    buffer.add(counts);
    if (buffer.size() >= MAX_BUFFERED) {
      write();
    }
  }

  @Override
  public synchronized void flush() {
    write();
    Instant now = clock.instant();
    if (!now.isBefore(nextExpiry)) {
      nextExpiry = now.plus(EXPIRY_EVERY);
      expireBefore(now.minus(retention));
    }
  }

  private void write() {
    if (buffer.size() == 0) {
      return;
    }
    List<Map.Entry<StatsBuffer.Row, Long>> rows = buffer.drain();
    // A fixed order: two writers upserting the same keys then lock them in the same order.
    rows.sort(
        java.util.Comparator.comparing((Map.Entry<StatsBuffer.Row, Long> e) -> e.getKey().minute())
            .thenComparing(e -> e.getKey().source())
            .thenComparing(e -> e.getKey().stream())
            .thenComparing(e -> e.getKey().level())
            .thenComparing(e -> e.getKey().template()));
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try (PreparedStatement ps = c.prepareStatement(UPSERT)) {
        for (Map.Entry<StatsBuffer.Row, Long> e : rows) {
          StatsBuffer.Row r = e.getKey();
          ps.setLong(1, r.minute());
          ps.setString(2, PostgresText.clean(r.source()));
          ps.setString(3, PostgresText.clean(r.stream()));
          ps.setString(4, r.level());
          ps.setString(5, PostgresText.clean(r.template()));
          ps.setLong(6, e.getValue());
          ps.addBatch();
        }
        ps.executeBatch();
        c.commit();
      } catch (SQLException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      buffer.restore(rows);
      throw new DestillException.Retriable(
          "cannot write statistics to " + where + ": " + e.getMessage(), e);
    }
  }

  private interface Query<T> {
    T run(Connection c) throws SQLException;
  }

  private <T> T read(Query<T> q) {
    try (Connection c = dataSource.getConnection()) {
      return q.run(c);
    } catch (SQLException e) {
      throw new DestillException.Retriable(
          "statistics query on " + where + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public List<Volume> volume(StatsQuery q) {
    return read(c -> queries.volume(c, clean(q)));
  }

  @Override
  public List<Total> totals(StatsQuery q) {
    return read(c -> queries.totals(c, clean(q)));
  }

  @Override
  public List<Template> topTemplates(StatsQuery q) {
    return read(c -> queries.topTemplates(c, clean(q)));
  }

  @Override
  public List<NewTemplate> newTemplates(Instant since, StatsQuery q) {
    return read(c -> queries.newTemplates(c, since, clean(q)));
  }

  @Override
  public long expireBefore(Instant cutoff) {
    return read(c -> queries.expireBefore(c, cutoff));
  }

  // Names are stored as PostgreSQL can hold them; a query for one is cleaned the same way.
  private static StatsQuery clean(StatsQuery q) {
    return q.source().isEmpty()
        ? q
        : q.forSource(PostgresText.clean(StatsBuffer.cut(q.source().get())));
  }

  @Override
  public synchronized void close() {
    try {
      write();
    } finally {
      closeOwned();
    }
  }

  private void closeOwned() {
    if (owned != null) {
      try {
        owned.close();
      } catch (Exception e) {
        // The pool is going away either way.
      }
    }
  }
}
