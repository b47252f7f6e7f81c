package dev.destill.app.serve;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.destill.core.DestillException;
import dev.destill.core.store.RequestStatus;
import dev.destill.server.analysis.Labels;
import dev.destill.server.analysis.Listing;
import dev.destill.server.analysis.Query;
import dev.destill.server.analysis.Status;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * What every server replica shares in PostgreSQL besides the pipeline's store: the webhook
 * deliveries taken (so a redelivery to another replica is known), kept for {@link #DELIVERY_TTL},
 * and the labels (provider, pipeline, branch) of the analyses the replicas accepted, which listings
 * filter by. Its two tables are created here when missing. Thread-safe.
 */
final class ServerLedger implements AutoCloseable {
  /** How long a delivery id is remembered: providers redeliver within hours, not days. */
  static final Duration DELIVERY_TTL = Duration.ofDays(3);

  private final DataSource dataSource;
  private final Optional<HikariDataSource> owned;
  private final Clock clock;
  private volatile Instant lastPurge = Instant.EPOCH;

  ServerLedger(DataSource dataSource, Optional<HikariDataSource> owned, Clock clock) {
    this.dataSource = dataSource;
    this.owned = owned;
    this.clock = clock;
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE IF NOT EXISTS server_deliveries (provider TEXT NOT NULL, delivery_id TEXT"
              + " NOT NULL, received TIMESTAMPTZ NOT NULL, PRIMARY KEY (provider, delivery_id))");
      s.execute(
          "CREATE TABLE IF NOT EXISTS server_requests (request_id TEXT PRIMARY KEY, provider TEXT"
              + " NOT NULL, pipeline TEXT NOT NULL, branch TEXT NOT NULL, target TEXT NOT NULL,"
              + " created TIMESTAMPTZ NOT NULL)");
      s.execute(
          "CREATE INDEX IF NOT EXISTS server_requests_created ON server_requests (created DESC)");
    } catch (SQLException e) {
      owned.ifPresent(HikariDataSource::close);
      throw new DestillException(
          "cannot prepare the server's tables in PostgreSQL: " + e.getMessage(), e);
    }
  }

  /** A pool of its own on {@code jdbcUrl}. */
  static ServerLedger connect(String jdbcUrl, Clock clock) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(jdbcUrl);
    config.setMaximumPoolSize(4);
    config.setConnectionTimeout(10_000);
    config.setPoolName("destill-server");
    try {
      HikariDataSource ds = new HikariDataSource(config);
      return new ServerLedger(ds, Optional.of(ds), clock);
    } catch (RuntimeException e) {
      throw new DestillException.Retriable(
          "cannot connect to PostgreSQL for the server's tables (check DESTILL_POSTGRES_URL)", e);
    }
  }

  /** Records the delivery; true when no replica took it within {@link #DELIVERY_TTL}. */
  boolean firstDelivery(String provider, String deliveryId) {
    purge();
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "INSERT INTO server_deliveries (provider, delivery_id, received) VALUES (?, ?, ?)"
                    + " ON CONFLICT DO NOTHING")) {
      s.setString(1, provider);
      s.setString(2, deliveryId);
      s.setObject(3, java.time.OffsetDateTime.ofInstant(clock.instant(), java.time.ZoneOffset.UTC));
      return s.executeUpdate() == 1;
    } catch (SQLException e) {
      throw new DestillException.Retriable(
          "cannot record a webhook delivery: " + e.getMessage(), e);
    }
  }

  void forgetDelivery(String provider, String deliveryId) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "DELETE FROM server_deliveries WHERE provider = ? AND delivery_id = ?")) {
      s.setString(1, provider);
      s.setString(2, deliveryId);
      s.executeUpdate();
    } catch (SQLException e) {
      throw new DestillException.Retriable(
          "cannot forget a webhook delivery: " + e.getMessage(), e);
    }
  }

  /** Deliveries older than the TTL go, at most once a minute. */
  private void purge() {
    Instant now = clock.instant();
    if (Duration.between(lastPurge, now).compareTo(Duration.ofMinutes(1)) < 0) {
      return;
    }
    lastPurge = now;
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement("DELETE FROM server_deliveries WHERE received < ?")) {
      s.setObject(
          1, java.time.OffsetDateTime.ofInstant(now.minus(DELIVERY_TTL), java.time.ZoneOffset.UTC));
      s.executeUpdate();
    } catch (SQLException e) {
      throw new DestillException.Retriable("cannot purge old deliveries: " + e.getMessage(), e);
    }
  }

  void accepted(String requestId, String target, Labels labels) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "INSERT INTO server_requests (request_id, provider, pipeline, branch, target,"
                    + " created) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
      s.setString(1, requestId);
      s.setString(2, labels.provider());
      s.setString(3, labels.pipeline());
      s.setString(4, labels.branch());
      s.setString(5, target);
      s.setObject(6, java.time.OffsetDateTime.ofInstant(clock.instant(), java.time.ZoneOffset.UTC));
      s.executeUpdate();
    } catch (SQLException e) {
      throw new DestillException.Retriable("cannot record an analysis: " + e.getMessage(), e);
    }
  }

  boolean known(String requestId) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement("SELECT 1 FROM server_requests WHERE request_id = ?")) {
      s.setString(1, requestId);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next();
      }
    } catch (SQLException e) {
      throw new DestillException.Retriable("cannot read an analysis: " + e.getMessage(), e);
    }
  }

  /**
   * A page of the analyses the replicas accepted, newest first, with where the pipeline's store
   * says each is (its {@code requests} table, in the same database).
   */
  List<Listing> recent(Query q) {
    StringBuilder sql =
        new StringBuilder(
            "SELECT s.request_id, s.provider, s.pipeline, s.branch, s.target, s.created,"
                + " r.status, r.title, r.findings, r.updated FROM server_requests s"
                + " LEFT JOIN requests r ON r.id = s.request_id WHERE 1 = 1");
    List<String> args = new ArrayList<>();
    if (!q.provider().isEmpty()) {
      sql.append(" AND s.provider = ?");
      args.add(q.provider());
    }
    if (!q.pipeline().isEmpty()) {
      sql.append(" AND s.pipeline = ?");
      args.add(q.pipeline());
    }
    if (!q.branch().isEmpty()) {
      sql.append(" AND s.branch = ?");
      args.add(q.branch());
    }
    if (q.status().isPresent()) {
      switch (q.status().get()) {
        case PENDING -> sql.append(" AND (r.status IS NULL OR r.status = 'pending')");
        case RUNNING -> sql.append(" AND r.status IN ('ingesting', 'analyzing')");
        case COMPLETE -> sql.append(" AND r.status = 'complete'");
        case FAILED -> sql.append(" AND r.status = 'failed'");
      }
    }
    sql.append(" ORDER BY s.created DESC, s.request_id DESC OFFSET ? LIMIT ?");
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(sql.toString())) {
      int i = 1;
      for (String a : args) {
        s.setString(i++, a);
      }
      s.setInt(i++, q.offset());
      s.setInt(i, q.limit());
      List<Listing> out = new ArrayList<>();
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          Instant created = rs.getObject(6, java.time.OffsetDateTime.class).toInstant();
          String status = rs.getString(7);
          String updated = rs.getString(10);
          out.add(
              new Listing(
                  rs.getString(1),
                  status == null
                      ? Status.PENDING
                      : Status.of(RequestStatus.valueOf(status.toUpperCase(java.util.Locale.ROOT))),
                  rs.getString(5),
                  rs.getString(8) == null ? "" : rs.getString(8),
                  new Labels(rs.getString(2), rs.getString(3), rs.getString(4)),
                  rs.getInt(9),
                  created,
                  updated == null ? created : Instant.parse(updated)));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new DestillException.Retriable("cannot list analyses: " + e.getMessage(), e);
    }
  }

  /** True when the database answers. */
  boolean reachable() {
    try (Connection c = dataSource.getConnection()) {
      return c.isValid(2);
    } catch (SQLException e) {
      return false;
    }
  }

  @Override
  public void close() {
    owned.ifPresent(HikariDataSource::close);
  }
}
