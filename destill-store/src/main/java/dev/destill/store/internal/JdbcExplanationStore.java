package dev.destill.store.internal;

import dev.destill.core.DestillException;
import dev.destill.core.explain.Explanation;
import dev.destill.core.explain.ExplanationStore;
import dev.destill.wire.ExplanationJson;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Explanations in the history database (SQLite or PostgreSQL): the cache by key, each analysis's
 * explanation, and every request sent. Thread-safe: each call takes its own connection.
 */
public final class JdbcExplanationStore implements ExplanationStore {
  /** Opens a connection; the caller closes it. */
  @FunctionalInterface
  public interface Connections {
    Connection open() throws SQLException;
  }

  private final Connections connections;
  private final String upsertSuffix;
  private final String where;

  /**
   * @param connections where connections come from
   * @param where the database, for messages
   */
  public JdbcExplanationStore(Connections connections, String where) {
    this.connections = connections;
    this.where = where;
    this.upsertSuffix =
        " ON CONFLICT (%s) DO UPDATE SET body = excluded.body, created = excluded.created";
  }

  @Override
  public Optional<Cached> find(String key) {
    try (Connection c = connections.open();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT request_id, body FROM explanation_cache WHERE cache_key = ?")) {
      ps.setString(1, key);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next()
            ? Optional.of(new Cached(ExplanationJson.fromJson(rs.getString(2)), rs.getString(1)))
            : Optional.empty();
      }
    } catch (SQLException e) {
      throw failure("reading the explanation cache", e);
    }
  }

  @Override
  public void save(String key, String requestId, Explanation explanation) {
    String sql =
        "INSERT INTO explanation_cache (cache_key, request_id, body, created) VALUES (?, ?, ?, ?)"
            + upsertSuffix.formatted("cache_key")
            + ", request_id = excluded.request_id";
    update(
        sql,
        key,
        requestId,
        ExplanationJson.toJson(explanation),
        JdbcFindingStore.ts(explanation.createdAt()));
  }

  @Override
  public void attach(String requestId, Explanation explanation) {
    String sql =
        "INSERT INTO explanations (request_id, body, created) VALUES (?, ?, ?)"
            + upsertSuffix.formatted("request_id");
    update(
        sql,
        requestId,
        ExplanationJson.toJson(explanation),
        JdbcFindingStore.ts(explanation.createdAt()));
  }

  @Override
  public Optional<Explanation> explanationOf(String requestId) {
    try (Connection c = connections.open();
        PreparedStatement ps =
            c.prepareStatement("SELECT body FROM explanations WHERE request_id = ?")) {
      ps.setString(1, requestId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next()
            ? Optional.of(ExplanationJson.fromJson(rs.getString(1)))
            : Optional.empty();
      }
    } catch (SQLException e) {
      throw failure("reading an explanation", e);
    }
  }

  @Override
  public void record(SentRequest r) {
    try (Connection c = connections.open()) {
      c.setAutoCommit(false);
      // The same request delivered twice (an insight redelivered) is recorded once.
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT 1 FROM explanation_requests WHERE request_id = ? AND at = ? AND model = ?"
                  + " AND outcome = ?")) {
        ps.setString(1, r.requestId());
        ps.setString(2, JdbcFindingStore.ts(r.at()));
        ps.setString(3, r.model());
        ps.setString(4, r.outcome());
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            c.rollback();
            return;
          }
        }
      }
      int n;
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT COALESCE(MAX(n), -1) + 1 FROM explanation_requests WHERE request_id = ?")) {
        ps.setString(1, r.requestId());
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          n = rs.getInt(1);
        }
      }
      try (PreparedStatement ps =
          c.prepareStatement(
              "INSERT INTO explanation_requests (request_id, n, model, prompt_version, characters,"
                  + " estimated_tokens, finding_ids, outcome, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        ps.setString(1, r.requestId());
        ps.setInt(2, n);
        ps.setString(3, r.model());
        ps.setString(4, r.promptVersion());
        ps.setInt(5, r.characters());
        ps.setInt(6, r.estimatedTokens());
        ps.setString(7, String.join(",", r.findingIds()));
        ps.setString(8, r.outcome());
        ps.setString(9, JdbcFindingStore.ts(r.at()));
        ps.executeUpdate();
      }
      c.commit();
    } catch (SQLException e) {
      throw failure("recording an explanation request", e);
    }
  }

  @Override
  public List<SentRequest> sentFor(String requestId) {
    try (Connection c = connections.open();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT model, prompt_version, characters, estimated_tokens, finding_ids, outcome, at"
                    + " FROM explanation_requests WHERE request_id = ? ORDER BY n")) {
      ps.setString(1, requestId);
      List<SentRequest> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String ids = rs.getString(5);
          out.add(
              new SentRequest(
                  requestId,
                  rs.getString(1),
                  rs.getString(2),
                  rs.getInt(3),
                  rs.getInt(4),
                  ids.isEmpty() ? List.of() : Arrays.asList(ids.split(",")),
                  rs.getString(6),
                  Instant.parse(rs.getString(7).strip().replace(' ', 'T'))));
        }
      }
      return out;
    } catch (SQLException e) {
      throw failure("reading explanation requests", e);
    }
  }

  private void update(String sql, String... args) {
    try (Connection c = connections.open();
        PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setString(i + 1, args[i]);
      }
      ps.executeUpdate();
    } catch (SQLException e) {
      throw failure("saving an explanation", e);
    }
  }

  private DestillException failure(String what, SQLException e) {
    String message = String.valueOf(e.getMessage());
    return new DestillException(
        what + " failed in " + where + ": " + message.lines().findFirst().orElse(message), e);
  }
}
