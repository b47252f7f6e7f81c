package dev.destill.store.internal;

import dev.destill.core.stats.StatsQuery;
import dev.destill.core.stats.StatsRows.NewTemplate;
import dev.destill.core.stats.StatsRows.Template;
import dev.destill.core.stats.StatsRows.Total;
import dev.destill.core.stats.StatsRows.Volume;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The statistics queries in SQL that DuckDB and PostgreSQL both run, over a table (or view) {@code
 * minute BIGINT} (minutes since the epoch), {@code source}, {@code stream}, {@code level}, {@code
 * template}, {@code n BIGINT}; rows of one key may repeat and are summed. Stateless.
 */
public final class JdbcStatsQueries {
  private static final String ERRORS =
      "SUM(CASE WHEN level IN ('error', 'fatal') THEN n ELSE 0 END)";

  private final String table;

  /**
   * @param table the table or view to read, a trusted name
   */
  public JdbcStatsQueries(String table) {
    this.table = table;
  }

  private String where(StatsQuery q) {
    return " WHERE minute >= ? AND minute < ?" + (q.source().isPresent() ? " AND source = ?" : "");
  }

  private static int bind(PreparedStatement ps, int at, StatsQuery q) throws SQLException {
    ps.setLong(at++, q.fromMinute());
    ps.setLong(at++, q.toMinute());
    if (q.source().isPresent()) {
      ps.setString(at++, q.source().get());
    }
    return at;
  }

  public List<Volume> volume(Connection c, StatsQuery q) throws SQLException {
    String sql =
        "SELECT source, minute - (minute % ?) AS bucket, SUM(n), "
            + ERRORS
            + " FROM "
            + table
            + where(q)
            + " GROUP BY source, bucket ORDER BY source, bucket";
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setLong(1, q.stepMinutes());
      bind(ps, 2, q);
      return rows(
          ps,
          rs ->
              new Volume(
                  rs.getString(1),
                  Instant.ofEpochSecond(rs.getLong(2) * 60),
                  rs.getLong(3),
                  rs.getLong(4)));
    }
  }

  public List<Total> totals(Connection c, StatsQuery q) throws SQLException {
    String sql =
        "SELECT source, SUM(n), "
            + ERRORS
            + " FROM "
            + table
            + where(q)
            + " GROUP BY source ORDER BY source";
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      bind(ps, 1, q);
      return rows(ps, rs -> new Total(rs.getString(1), rs.getLong(2), rs.getLong(3)));
    }
  }

  public List<Template> topTemplates(Connection c, StatsQuery q) throws SQLException {
    String sql =
        "SELECT source, template, SUM(n) AS total, "
            + ERRORS
            + " FROM "
            + table
            + where(q)
            + " AND template <> '' GROUP BY source, template"
            + " ORDER BY total DESC, source, template LIMIT ?";
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      int at = bind(ps, 1, q);
      ps.setInt(at, q.limit());
      return rows(
          ps, rs -> new Template(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4)));
    }
  }

  public List<NewTemplate> newTemplates(Connection c, Instant since, StatsQuery q)
      throws SQLException {
    String sql =
        "SELECT source, template, MIN(minute) AS first, SUM(n) AS total FROM "
            + table
            + " WHERE template <> ''"
            + (q.source().isPresent() ? " AND source = ?" : "")
            + " GROUP BY source, template HAVING MIN(minute) >= ?"
            + " ORDER BY first DESC, total DESC, source, template LIMIT ?";
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      int at = 1;
      if (q.source().isPresent()) {
        ps.setString(at++, q.source().get());
      }
      ps.setLong(at++, Math.floorDiv(since.getEpochSecond(), 60));
      ps.setInt(at, q.limit());
      return rows(
          ps,
          rs ->
              new NewTemplate(
                  rs.getString(1),
                  rs.getString(2),
                  Instant.ofEpochSecond(rs.getLong(3) * 60),
                  rs.getLong(4)));
    }
  }

  private interface Row<T> {
    T read(ResultSet rs) throws SQLException;
  }

  private static <T> List<T> rows(PreparedStatement ps, Row<T> row) throws SQLException {
    List<T> out = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(row.read(rs));
      }
    }
    return out;
  }

  /** Deletes rows of minutes before {@code cutoff} from {@code table}. */
  public long expireBefore(Connection c, Instant cutoff) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE minute < ?")) {
      ps.setLong(1, Math.floorDiv(cutoff.getEpochSecond(), 60));
      return ps.executeUpdate();
    }
  }
}
