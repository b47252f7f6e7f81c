package dev.destill.store.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.destill.core.DestillException;
import dev.destill.store.internal.JdbcFindingStore;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

/**
 * Findings in PostgreSQL for distributed mode: a HikariCP pool, the schema managed by Flyway
 * migrations ({@code db/postgres}), finding bodies as JSONB. Thread-safe.
 */
public final class PostgresFindingStore extends JdbcFindingStore {
  private final DataSource dataSource;
  private final HikariDataSource owned;
  private final String where;

  /** Connects to {@code jdbcUrl} (credentials in the URL or the environment) and migrates. */
  public static PostgresFindingStore connect(String url, Clock clock) {
    String jdbc = toJdbc(url);
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(jdbc);
    config.setMaximumPoolSize(4);
    // A pool that cannot hand out a connection within 3 s fails the attempt; the error policy
    // retries it within its budget, and /ready asks no longer than this.
    config.setConnectionTimeout(3_000);
    config.setPoolName("destill");
    try {
      HikariDataSource ds = new HikariDataSource(config);
      return new PostgresFindingStore(ds, ds, clock, redact(jdbc));
    } catch (RuntimeException e) {
      throw new DestillException.Retriable(
          "cannot connect to PostgreSQL at "
              + redact(jdbc)
              + ": "
              + rootMessage(e)
              + " (check DESTILL_POSTGRES_URL and that the server runs)",
          e);
    }
  }

  /** Uses {@code dataSource} (not closed by this store) and migrates it. */
  public PostgresFindingStore(DataSource dataSource, Clock clock) {
    this(dataSource, null, clock, "PostgreSQL");
  }

  private PostgresFindingStore(
      DataSource dataSource, HikariDataSource owned, Clock clock, String where) {
    super(clock);
    this.dataSource = dataSource;
    this.owned = owned;
    this.where = where;
    try {
      Flyway.configure().dataSource(dataSource).locations("classpath:db/postgres").load().migrate();
      try (java.sql.Connection c = dataSource.getConnection()) {
        backfillProjects(c);
      }
    } catch (java.sql.SQLException e) {
      if (owned != null) {
        owned.close();
      }
      throw new DestillException(
          "cannot prepare the PostgreSQL schema at " + where + ": " + e.getMessage(), e);
    } catch (FlywayException e) {
      if (owned != null) {
        owned.close();
      }
      throw new DestillException(
          "cannot prepare the PostgreSQL schema at " + where + ": " + rootMessage(e), e);
    }
  }

  /**
   * Whether the database at {@code url} accepts a connection within {@code timeout}: empty when it
   * does, else why not (the password masked). Migrates nothing.
   */
  public static java.util.Optional<String> probe(String url, java.time.Duration timeout) {
    String jdbc;
    try {
      jdbc = toJdbc(url);
    } catch (DestillException e) {
      return java.util.Optional.of(e.getMessage());
    }
    java.util.Properties props = new java.util.Properties();
    props.setProperty("loginTimeout", String.valueOf(Math.max(1, timeout.toSeconds())));
    props.setProperty("connectTimeout", String.valueOf(Math.max(1, timeout.toSeconds())));
    try (Connection c = new org.postgresql.Driver().connect(jdbc, props)) {
      return c != null && c.isValid((int) Math.max(1, timeout.toSeconds()))
          ? java.util.Optional.empty()
          : java.util.Optional.of("PostgreSQL at " + redact(jdbc) + " did not answer");
    } catch (SQLException e) {
      return java.util.Optional.of(
          "cannot connect to PostgreSQL at " + redact(jdbc) + ": " + rootMessage(e));
    }
  }

  /** Accepts {@code postgres://user:pass@host:port/db} (as POSTGRES_DSN often is) or a JDBC URL. */
  public static String toJdbc(String url) {
    String u = url.trim();
    if (u.startsWith("jdbc:postgresql:")) {
      return u;
    }
    if (u.startsWith("postgres://") || u.startsWith("postgresql://")) {
      java.net.URI uri = java.net.URI.create(u);
      StringBuilder sb = new StringBuilder("jdbc:postgresql://").append(uri.getHost());
      if (uri.getPort() > 0) {
        sb.append(':').append(uri.getPort());
      }
      sb.append(
          uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/postgres" : uri.getRawPath());
      java.util.List<String> params = new java.util.ArrayList<>();
      if (uri.getRawUserInfo() != null) {
        String[] parts = uri.getRawUserInfo().split(":", 2);
        params.add("user=" + parts[0]);
        if (parts.length > 1) {
          params.add("password=" + parts[1]);
        }
      }
      if (uri.getRawQuery() != null) {
        for (String q : uri.getRawQuery().split("&")) {
          params.add(q.startsWith("sslmode=disable") ? "sslmode=disable" : q);
        }
      }
      if (!params.isEmpty()) {
        sb.append('?').append(String.join("&", params));
      }
      return sb.toString();
    }
    throw new DestillException.BadInput(
        "not a PostgreSQL URL: give jdbc:postgresql://HOST/DB or postgres://USER:PASS@HOST/DB");
  }

  static String redact(String jdbc) {
    return jdbc.replaceAll("password=[^&]*", "password=****");
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String m = t.getMessage();
    return m == null ? t.getClass().getSimpleName() : m.lines().findFirst().orElse(m);
  }

  @Override
  protected Connection connection() throws SQLException {
    return dataSource.getConnection();
  }

  @Override
  protected String insertIgnoring(String into) {
    return "INSERT INTO " + into + " ON CONFLICT DO NOTHING";
  }

  @Override
  protected String forUpdate() {
    return "FOR UPDATE";
  }

  @Override
  protected String insertFindingSql() {
    return "INSERT INTO findings (request_id, id, hash, ord, confidence, tier, created, body, fp) "
        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?) ON CONFLICT (request_id, id) DO NOTHING";
  }

  @Override
  protected String bodyText() {
    return "body::text";
  }

  /** NUL characters and lone surrogates, which PostgreSQL refuses, become U+FFFD. */
  @Override
  protected String text(String s) {
    return PostgresText.clean(s);
  }

  /** As {@link #text}, and JSON's {@code \\u0000} escape too, which JSONB refuses. */
  @Override
  protected String json(String s) {
    return PostgresText.cleanJson(s);
  }

  @Override
  protected String describe() {
    return "PostgreSQL at " + where;
  }

  @Override
  public void close() {
    if (owned != null) {
      owned.close();
    }
  }
}
