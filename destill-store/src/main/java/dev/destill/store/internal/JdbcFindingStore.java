package dev.destill.store.internal;

import dev.destill.core.DestillException;
import dev.destill.core.model.Finding;
import dev.destill.core.model.History;
import dev.destill.core.store.FindingStore;
import dev.destill.core.store.RecurringFailure;
import dev.destill.core.store.RequestRecord;
import dev.destill.core.store.RequestStatus;
import dev.destill.store.FindingJson;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The SQL both stores share: requests, findings (one JSON document each) and the history queries.
 * Subclasses provide connections and the SQL that differs. Thread-safe as far as its connection
 * source is.
 */
public abstract class JdbcFindingStore implements FindingStore {
  protected final Clock clock;

  protected JdbcFindingStore(Clock clock) {
    this.clock = clock;
  }

  /** A connection for one operation; closed by the caller. */
  protected abstract Connection connection() throws SQLException;

  /** How to insert a finding unless its id exists (ON CONFLICT DO NOTHING / INSERT OR IGNORE). */
  protected abstract String insertFindingSql();

  /** The JSON column's parameter placeholder ({@code ?} or {@code ?::jsonb}). */
  protected String json() {
    return "?";
  }

  protected abstract String describe();

  /** The body column as text, for aggregates ({@code body}, or {@code body::text} for JSONB). */
  protected String bodyText() {
    return "body";
  }

  private static final java.time.format.DateTimeFormatter TS =
      java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'")
          .withZone(java.time.ZoneOffset.UTC);

  /** Times are stored as fixed-width UTC text, so that they sort as text. */
  protected static String ts(Instant instant) {
    return TS.format(instant);
  }

  protected final DestillException failure(String what, SQLException e) {
    return new DestillException.Retriable(
        what + " failed in " + describe() + ": " + e.getMessage(), e);
  }

  @Override
  public void createRequest(RequestRecord r) {
    try (Connection c = connection();
        PreparedStatement ps = c.prepareStatement(insertRequestSql())) {
      ps.setString(1, r.id());
      ps.setString(2, r.target());
      ps.setString(3, r.buildId());
      ps.setString(4, r.title());
      ps.setString(5, r.status().id());
      ps.setInt(6, r.chunksTotal());
      ps.setInt(7, r.chunksDone());
      ps.setInt(8, r.findings());
      ps.setString(9, r.error());
      ps.setString(10, ts(r.created()));
      ps.setString(11, ts(r.updated()));
      ps.executeUpdate();
    } catch (SQLException e) {
      throw failure("saving request " + r.id(), e);
    }
  }

  protected abstract String insertRequestSql();

  @Override
  public void updateRequest(
      String requestId, RequestStatus status, int chunksTotal, int chunksDone, String error) {
    try (Connection c = connection()) {
      Optional<RequestRecord> current = request(c, requestId);
      if (current.isEmpty()) {
        return;
      }
      RequestRecord r = current.get();
      RequestStatus next = r.status().isFinal() ? r.status() : status;
      try (PreparedStatement ps =
          c.prepareStatement(
              "UPDATE requests SET status = ?, chunks_total = ?, chunks_done = ?, error = ?, updated = ? WHERE id = ?")) {
        ps.setString(1, next.id());
        ps.setInt(2, Math.max(r.chunksTotal(), chunksTotal));
        ps.setInt(3, Math.max(r.chunksDone(), chunksDone));
        ps.setString(4, error.isEmpty() ? r.error() : error);
        ps.setString(5, ts(clock.instant()));
        ps.setString(6, requestId);
        ps.executeUpdate();
      }
    } catch (SQLException e) {
      throw failure("updating request " + requestId, e);
    }
  }

  @Override
  public void saveFindings(String requestId, List<Finding> findings) {
    if (findings.isEmpty()) {
      return;
    }
    try (Connection c = connection()) {
      boolean auto = c.getAutoCommit();
      c.setAutoCommit(false);
      try (PreparedStatement ps = c.prepareStatement(insertFindingSql())) {
        int order = nextOrder(c, requestId);
        for (Finding f : findings) {
          ps.setString(1, requestId);
          ps.setString(2, f.id());
          ps.setString(3, f.hash());
          ps.setInt(4, order++);
          ps.setDouble(5, f.confidence());
          ps.setInt(6, f.tier());
          ps.setString(7, ts(clock.instant()));
          ps.setString(8, FindingJson.write(f));
          ps.addBatch();
        }
        ps.executeBatch();
        try (PreparedStatement count =
            c.prepareStatement(
                "UPDATE requests SET findings = (SELECT COUNT(*) FROM findings WHERE request_id = ?), updated = ? WHERE id = ?")) {
          count.setString(1, requestId);
          count.setString(2, ts(clock.instant()));
          count.setString(3, requestId);
          count.executeUpdate();
        }
        c.commit();
      } catch (SQLException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(auto);
      }
    } catch (SQLException e) {
      throw failure("saving findings of " + requestId, e);
    }
  }

  private static int nextOrder(Connection c, String requestId) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT COALESCE(MAX(ord), -1) + 1 FROM findings WHERE request_id = ?")) {
      ps.setString(1, requestId);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  @Override
  public Optional<RequestRecord> request(String requestId) {
    try (Connection c = connection()) {
      return request(c, requestId);
    } catch (SQLException e) {
      throw failure("reading request " + requestId, e);
    }
  }

  private Optional<RequestRecord> request(Connection c, String requestId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT * FROM requests WHERE id = ?")) {
      ps.setString(1, requestId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(record(rs)) : Optional.empty();
      }
    }
  }

  private static RequestRecord record(ResultSet rs) throws SQLException {
    return new RequestRecord(
        rs.getString("id"),
        rs.getString("target"),
        rs.getString("build_id"),
        rs.getString("title"),
        RequestStatus.valueOf(rs.getString("status").toUpperCase(Locale.ROOT)),
        rs.getInt("chunks_total"),
        rs.getInt("chunks_done"),
        rs.getInt("findings"),
        rs.getString("error"),
        Instant.parse(rs.getString("created")),
        Instant.parse(rs.getString("updated")));
  }

  @Override
  public List<Finding> findings(String requestId) {
    try (Connection c = connection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT "
                    + bodyText()
                    + " FROM findings WHERE request_id = ? ORDER BY tier, confidence DESC, ord")) {
      ps.setString(1, requestId);
      List<Finding> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(FindingJson.read(rs.getString(1)));
        }
      }
      return out;
    } catch (SQLException e) {
      throw failure("reading findings of " + requestId, e);
    }
  }

  @Override
  public List<RequestRecord> recentRequests(int limit) {
    try (Connection c = connection();
        PreparedStatement ps =
            c.prepareStatement("SELECT * FROM requests ORDER BY created DESC, id DESC LIMIT ?")) {
      ps.setInt(1, limit);
      List<RequestRecord> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(record(rs));
        }
      }
      return out;
    } catch (SQLException e) {
      throw failure("listing requests", e);
    }
  }

  @Override
  public Map<String, History> history(
      Collection<String> hashes, String excludingBuildId, int window) {
    Map<String, History> out = new HashMap<>();
    if (hashes.isEmpty()) {
      return out;
    }
    try (Connection c = connection()) {
      // The latest request of each of the last `window` other builds.
      List<String> requestIds = new ArrayList<>();
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT r.id FROM requests r JOIN (SELECT build_id, MAX(created) AS created FROM requests WHERE build_id <> ? "
                  + "GROUP BY build_id) latest ON latest.build_id = r.build_id AND latest.created = r.created "
                  + "ORDER BY r.created DESC LIMIT ?")) {
        ps.setString(1, excludingBuildId);
        ps.setInt(2, window);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            requestIds.add(rs.getString(1));
          }
        }
      }
      Instant now = clock.instant();
      for (String hash : hashes) {
        int seen = 0;
        if (!requestIds.isEmpty()) {
          String in = String.join(",", java.util.Collections.nCopies(requestIds.size(), "?"));
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT COUNT(DISTINCT request_id) FROM findings WHERE hash = ? AND request_id IN ("
                      + in
                      + ")")) {
            ps.setString(1, hash);
            for (int i = 0; i < requestIds.size(); i++) {
              ps.setString(i + 2, requestIds.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
              rs.next();
              seen = rs.getInt(1);
            }
          }
        }
        Instant first = now;
        Instant last = now;
        try (PreparedStatement ps =
            c.prepareStatement(
                "SELECT MIN(r.created), MAX(r.created) FROM findings f JOIN requests r ON r.id = f.request_id "
                    + "WHERE f.hash = ? AND r.build_id <> ?")) {
          ps.setString(1, hash);
          ps.setString(2, excludingBuildId);
          try (ResultSet rs = ps.executeQuery()) {
            if (rs.next() && rs.getString(1) != null) {
              first = Instant.parse(rs.getString(1));
              last = Instant.parse(rs.getString(2));
            }
          }
        }
        out.put(hash, new History(seen, requestIds.size(), first, last));
      }
      return out;
    } catch (SQLException e) {
      throw failure("reading history", e);
    }
  }

  @Override
  public List<RecurringFailure> recurringFailures(int limit) {
    try (Connection c = connection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT f.hash, COUNT(DISTINCT r.build_id) AS builds, COUNT(*) AS n, MIN(r.created) AS first_seen, "
                    + "MAX(r.created) AS last_seen, MIN(f."
                    + bodyText()
                    + ") AS body FROM findings f JOIN requests r ON r.id = f.request_id "
                    + "GROUP BY f.hash ORDER BY builds DESC, n DESC LIMIT ?")) {
      ps.setInt(1, limit);
      List<RecurringFailure> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Finding sample = FindingJson.read(rs.getString("body"));
          out.add(
              new RecurringFailure(
                  rs.getString("hash"),
                  sample.normalized(),
                  sample.message(),
                  rs.getInt("builds"),
                  rs.getInt("n"),
                  Instant.parse(rs.getString("first_seen")),
                  Instant.parse(rs.getString("last_seen"))));
        }
      }
      return out;
    } catch (SQLException e) {
      throw failure("reading recurring failures", e);
    }
  }
}
