package dev.destill.store.internal;

import dev.destill.core.DestillException;
import dev.destill.core.ErrorPolicy;
import dev.destill.core.model.ChunkRecord;
import dev.destill.core.model.Finding;
import dev.destill.core.model.History;
import dev.destill.core.model.JobInfo;
import dev.destill.core.model.JobRecord;
import dev.destill.core.model.JobState;
import dev.destill.core.model.LineNovelty;
import dev.destill.core.model.RequestEvent;
import dev.destill.core.store.BaselineRecord;
import dev.destill.core.store.FindingStore;
import dev.destill.core.store.RecurringFailure;
import dev.destill.core.store.RequestRecord;
import dev.destill.core.store.RequestStatus;
import dev.destill.core.store.StoreBatch;
import dev.destill.core.store.StoreBatch.RequestFinding;
import dev.destill.wire.FindingJson;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The SQL both stores share: requests, findings (one JSON document each), the pipeline's jobs,
 * analyzed chunks and warnings, and the history queries. Subclasses provide connections and the SQL
 * that differs. Thread-safe as far as its connection source is.
 */
public abstract class JdbcFindingStore implements FindingStore {
  protected final Clock clock;

  protected JdbcFindingStore(Clock clock) {
    this.clock = clock;
  }

  /** A connection for one operation; closed by the caller. */
  protected abstract Connection connection() throws SQLException;

  /** The explanations kept in the same database. */
  public final dev.destill.core.explain.ExplanationStore explanations() {
    return new JdbcExplanationStore(this::connection, describe());
  }

  /** How to insert a finding unless its id exists (ON CONFLICT DO NOTHING / INSERT OR IGNORE). */
  protected abstract String insertFindingSql();

  /**
   * An insert that skips rows whose key exists: {@code INSERT OR IGNORE INTO <into>} or {@code
   * INSERT INTO <into> ON CONFLICT DO NOTHING}, where {@code into} is {@code table (cols) VALUES
   * (...)}.
   */
  protected abstract String insertIgnoring(String into);

  /** What locks the selected rows until commit ({@code FOR UPDATE}), or empty without row locks. */
  protected String forUpdate() {
    return "";
  }

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

  /**
   * An SQL failure as one line, as the exception {@link ErrorPolicy#sqlState} picks for its
   * SQLState: retriable when the connection or the server is away, rejected when the database
   * refuses this data, fatal otherwise.
   */
  protected final DestillException failure(String what, SQLException e) {
    String message = String.valueOf(e.getMessage());
    return ErrorPolicy.exception(
        ErrorPolicy.sqlState(e.getSQLState()),
        what + " failed in " + describe() + ": " + message.lines().findFirst().orElse(message),
        e);
  }

  /**
   * Text as this database stores it; every string parameter goes through here. PostgreSQL overrides
   * it: it refuses NUL characters and lone surrogates.
   */
  protected String text(String s) {
    return s;
  }

  /** A JSON document as this database stores it: {@link #text} by default. */
  protected String json(String s) {
    return text(s);
  }

  @Override
  public boolean reachable(java.time.Duration timeout) {
    try (Connection c = connection()) {
      return c.isValid((int) Math.max(1, timeout.toSeconds()));
    } catch (SQLException e) {
      return false;
    }
  }

  /** Sets the parameters of {@link #insertRequestSql()}. */
  private void bindRequest(PreparedStatement ps, RequestRecord r) throws SQLException {
    ps.setString(1, text(r.id()));
    ps.setString(2, text(r.target()));
    ps.setString(3, text(r.buildId()));
    ps.setString(4, text(r.title()));
    ps.setString(5, text(r.status().id()));
    ps.setInt(6, r.chunksTotal());
    ps.setInt(7, r.chunksDone());
    ps.setInt(8, r.findings());
    ps.setString(9, text(r.error()));
    ps.setString(10, text(ts(r.created())));
    ps.setString(11, text(ts(r.updated())));
    ps.setBoolean(12, false); // a Submitted event says what was submitted
  }

  private String insertWarningSql() {
    return insertIgnoring(
        "request_warnings (request_id, source, n, ord, text) VALUES (?, ?, ?, ?, ?)");
  }

  private void addWarning(
      PreparedStatement ps, String requestId, String source, int n, int ord, String text)
      throws SQLException {
    ps.setString(1, text(requestId));
    ps.setString(2, text(source));
    ps.setInt(3, n);
    ps.setInt(4, ord);
    ps.setString(5, text(text));
    ps.addBatch();
  }

  /** Inserts a request unless its id exists. */
  private String insertRequestSql() {
    return insertIgnoring(
        "requests (id, target, build_id, title, status, chunks_total, chunks_done, findings, "
            + "error, created, updated, submitted) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  }

  /** The next free {@code ord} of a request's rows in {@code table}. */
  private int nextOrder(Connection c, String table, String requestId) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT COALESCE(MAX(ord), -1) + 1 FROM " + table + " WHERE request_id = ?")) {
      ps.setString(1, text(requestId));
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
      ps.setString(1, text(requestId));
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        return Optional.of(
            record(
                rs,
                warnings(c, "WHERE request_id = ?", requestId).getOrDefault(requestId, List.of())));
      }
    }
  }

  /** Warnings in arrival order, by request, of the requests {@code where} selects. */
  private Map<String, List<String>> warnings(Connection c, String where, Object parameter)
      throws SQLException {
    Map<String, List<String>> out = new HashMap<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT request_id, text FROM request_warnings "
                + where
                + " ORDER BY request_id, ord, source, n")) {
      ps.setObject(1, parameter);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(2));
        }
      }
    }
    return out;
  }

  private static RequestRecord record(ResultSet rs, List<String> warnings) throws SQLException {
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
        Instant.parse(rs.getString("updated")),
        warnings);
  }

  @Override
  public void apply(StoreBatch batch) {
    if (batch.isEmpty()) {
      return;
    }
    // Sorted, so that concurrent batches take row locks in one order and cannot deadlock.
    SortedSet<String> touched = new TreeSet<>();
    batch.findings().forEach(f -> touched.add(f.requestId()));
    batch.events().forEach(e -> touched.add(e.requestId()));
    try (Connection c = connection()) {
      c.setAutoCommit(false);
      try {
        Instant now = clock.instant();
        createMissing(c, touched, now);
        insertFindings(c, batch.findings(), now);
        applyEvents(c, batch.events());
        recompute(c, touched, now);
        c.commit();
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw failure(
          "applying "
              + batch.findings().size()
              + " findings and "
              + batch.events().size()
              + " events",
          e);
    }
  }

  /** Creates the rows of requests not seen yet, then locks every touched row until commit. */
  private void createMissing(Connection c, SortedSet<String> requestIds, Instant now)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(insertRequestSql())) {
      for (String id : requestIds) {
        RequestRecord blank =
            new RequestRecord(
                id, "", "", "", RequestStatus.PENDING, 0, 0, 0, "", now, now, List.of());
        bindRequest(ps, blank);
        ps.addBatch();
      }
      ps.executeBatch();
    }
    if (!forUpdate().isEmpty()) {
      try (PreparedStatement ps =
          c.prepareStatement("SELECT id FROM requests WHERE id = ? " + forUpdate())) {
        for (String id : requestIds) {
          ps.setString(1, text(id));
          ps.executeQuery().close();
        }
      }
    }
  }

  private void insertFindings(Connection c, List<RequestFinding> findings, Instant now)
      throws SQLException {
    if (findings.isEmpty()) {
      return;
    }
    Map<String, Integer> next = new HashMap<>();
    try (PreparedStatement ps = c.prepareStatement(insertFindingSql())) {
      for (RequestFinding rf : findings) {
        Finding f = rf.finding();
        ps.setString(1, text(rf.requestId()));
        ps.setString(2, text(f.id()));
        ps.setString(3, text(f.hash()));
        ps.setInt(4, take(c, next, "findings", rf.requestId(), 1));
        ps.setDouble(5, f.confidence());
        ps.setInt(6, f.tier());
        ps.setString(7, text(ts(now)));
        ps.setString(8, json(FindingJson.write(f)));
        ps.setString(9, Finding.FINGERPRINT);
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  /** Reserves {@code count} consecutive {@code ord}s of a request's rows in {@code table}. */
  private int take(
      Connection c, Map<String, Integer> next, String table, String requestId, int count)
      throws SQLException {
    Integer ord = next.get(requestId);
    if (ord == null) {
      ord = nextOrder(c, table, requestId);
    }
    next.put(requestId, ord + count);
    return ord;
  }

  private void applyEvents(Connection c, List<RequestEvent> events) throws SQLException {
    if (events.isEmpty()) {
      return;
    }
    Map<String, Integer> nextJob = new HashMap<>();
    Map<String, Integer> nextWarning = new HashMap<>();
    // Statements of different kinds commute, so each kind runs as one JDBC batch; within a kind
    // the batch keeps the order consumed (the first Submitted and the first error win).
    try (PreparedStatement submitted =
            c.prepareStatement(
                "UPDATE requests SET target = ?, created = ?, submitted = TRUE "
                    + "WHERE id = ? AND submitted = FALSE");
        PreparedStatement resolved =
            c.prepareStatement(
                "UPDATE requests SET build_id = ?, title = ?, project = ?, resolved = TRUE "
                    + "WHERE id = ?");
        PreparedStatement job =
            c.prepareStatement(
                insertIgnoring(
                    "jobs (request_id, job_id, ord, name, state, exit_status, chunks, lines, bytes) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"));
        PreparedStatement ingested =
            c.prepareStatement(
                "UPDATE requests SET chunks_total = ?, ingested = TRUE WHERE id = ?");
        PreparedStatement chunk =
            c.prepareStatement(
                insertIgnoring(
                    "chunks (request_id, job_id, idx, own_from, own_to, first_step_line, exit_step,"
                        + " known, fresh) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"));
        PreparedStatement baseline =
            c.prepareStatement(
                "UPDATE requests SET baseline_chosen = TRUE, baseline_source = ?, baseline_note = ?"
                    + " WHERE id = ? AND baseline_chosen = FALSE");
        PreparedStatement warning = c.prepareStatement(insertWarningSql());
        PreparedStatement incomplete =
            c.prepareStatement("UPDATE requests SET incomplete = TRUE WHERE id = ?");
        PreparedStatement failed =
            c.prepareStatement(
                "UPDATE requests SET failed = TRUE, "
                    + "error = CASE WHEN error = '' THEN ? ELSE error END WHERE id = ?")) {
      for (RequestEvent event : events) {
        String id = event.requestId();
        switch (event) {
          case RequestEvent.Submitted s -> {
            submitted.setString(1, text(s.target()));
            submitted.setString(2, text(ts(s.at())));
            submitted.setString(3, text(id));
            submitted.addBatch();
          }
          case RequestEvent.Resolved r -> {
            resolved.setString(1, text(r.buildId()));
            resolved.setString(2, text(r.title()));
            resolved.setString(3, text(r.project()));
            resolved.setString(4, text(id));
            resolved.addBatch();
          }
          case RequestEvent.BaselineChosen b -> {
            if (b.source().isPresent()) {
              baseline.setString(1, text(b.source().get()));
            } else {
              baseline.setNull(1, Types.VARCHAR);
            }
            baseline.setString(2, text(b.note()));
            baseline.setString(3, text(id));
            baseline.addBatch();
          }
          case RequestEvent.JobIngested j -> {
            JobInfo info = j.job().info();
            job.setString(1, text(id));
            job.setString(2, text(info.id()));
            job.setInt(3, take(c, nextJob, "jobs", id, 1));
            job.setString(4, text(info.name()));
            job.setString(5, text(info.state().id()));
            if (info.exitStatus().isPresent()) {
              job.setInt(6, info.exitStatus().getAsInt());
            } else {
              job.setNull(6, Types.INTEGER);
            }
            job.setInt(7, j.job().chunks());
            job.setLong(8, j.job().lines());
            job.setLong(9, j.job().bytes());
            job.addBatch();
          }
          case RequestEvent.Ingested i -> {
            ingested.setInt(1, i.chunksTotal());
            ingested.setString(2, text(id));
            ingested.addBatch();
            addWarnings(c, warning, nextWarning, id, "ingested", i.warnings());
          }
          case RequestEvent.ChunkAnalyzed a -> {
            chunk.setString(1, text(id));
            chunk.setString(2, text(a.jobId()));
            chunk.setInt(3, a.index());
            chunk.setLong(4, a.chunk().ownFrom());
            chunk.setLong(5, a.chunk().ownTo());
            // The column is NOT NULL: "no step line" is stored as the largest long.
            chunk.setLong(6, a.chunk().firstStepLine().orElse(Long.MAX_VALUE));
            if (a.chunk().exitStep().isPresent()) {
              chunk.setString(7, text(a.chunk().exitStep().get()));
            } else {
              chunk.setNull(7, Types.VARCHAR);
            }
            if (a.novelty().isPresent()) {
              chunk.setLong(8, a.novelty().get().known());
              chunk.setLong(9, a.novelty().get().fresh());
            } else {
              chunk.setNull(8, Types.BIGINT);
              chunk.setNull(9, Types.BIGINT);
            }
            chunk.addBatch();
            addWarnings(
                c, warning, nextWarning, id, "chunk " + a.index() + " " + a.jobId(), a.warnings());
          }
          case RequestEvent.Incomplete i -> {
            incomplete.setString(1, text(id));
            incomplete.addBatch();
            addWarnings(c, warning, nextWarning, id, "incomplete " + i.part(), List.of(i.reason()));
          }
          case RequestEvent.Failed f -> {
            failed.setString(1, text(f.error()));
            failed.setString(2, text(id));
            failed.addBatch();
          }
        }
      }
      for (PreparedStatement ps :
          List.of(
              submitted, resolved, baseline, job, ingested, chunk, warning, incomplete, failed)) {
        ps.executeBatch();
      }
    }
  }

  /**
   * Adds an event's warnings, keyed by the event ({@code source}) and their position in it, so that
   * a replayed event adds none.
   */
  private void addWarnings(
      Connection c,
      PreparedStatement ps,
      Map<String, Integer> next,
      String requestId,
      String source,
      List<String> warnings)
      throws SQLException {
    if (warnings.isEmpty()) {
      return;
    }
    int ord = take(c, next, "request_warnings", requestId, warnings.size());
    for (int n = 0; n < warnings.size(); n++) {
      addWarning(ps, requestId, source, n, ord + n, warnings.get(n));
    }
  }

  /**
   * Gives requests saved before projects existed the project their build id says (once, after the
   * schema migration that added the column).
   */
  protected static void backfillProjects(Connection c) throws SQLException {
    Map<String, String> projects = new HashMap<>();
    try (PreparedStatement ps =
            c.prepareStatement("SELECT id, build_id FROM requests WHERE project = ''");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        projects.put(rs.getString(1), dev.destill.core.model.Projects.of(rs.getString(2)));
      }
    }
    if (projects.isEmpty()) {
      return;
    }
    try (PreparedStatement ps =
        c.prepareStatement("UPDATE requests SET project = ? WHERE id = ?")) {
      for (Map.Entry<String, String> e : projects.entrySet()) {
        ps.setString(1, e.getValue());
        ps.setString(2, e.getKey());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  /** Recounts each request's chunks and findings and derives its status, unless final. */
  private void recompute(Connection c, SortedSet<String> requestIds, Instant now)
      throws SQLException {
    try (PreparedStatement read =
            c.prepareStatement(
                "SELECT status, failed, resolved, ingested, chunks_total, incomplete, "
                    + "(SELECT COUNT(*) FROM chunks WHERE request_id = r.id) AS done, "
                    + "(SELECT COUNT(*) FROM findings WHERE request_id = r.id) AS found "
                    + "FROM requests r WHERE id = ?");
        PreparedStatement write =
            c.prepareStatement(
                "UPDATE requests SET chunks_done = ?, findings = ?, status = ?, updated = ? "
                    + "WHERE id = ?")) {
      for (String id : requestIds) {
        read.setString(1, text(id));
        try (ResultSet rs = read.executeQuery()) {
          if (!rs.next()) {
            throw new SQLException("request " + id + " vanished during the batch");
          }
          RequestStatus status = RequestStatus.valueOf(rs.getString(1).toUpperCase(Locale.ROOT));
          int done = rs.getInt(7);
          if (!status.isFinal()) {
            status =
                RequestStatus.derive(
                    rs.getBoolean(2),
                    rs.getBoolean(3),
                    rs.getBoolean(4),
                    rs.getInt(5),
                    done,
                    rs.getBoolean(6));
          }
          write.setInt(1, done);
          write.setInt(2, rs.getInt(8));
          write.setString(3, text(status.id()));
          write.setString(4, text(ts(now)));
          write.setString(5, text(id));
          write.addBatch();
        }
      }
      write.executeBatch();
    }
  }

  @Override
  public List<JobRecord> jobs(String requestId) {
    try (Connection c = connection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT job_id, name, state, exit_status, chunks, lines, bytes FROM jobs "
                    + "WHERE request_id = ? ORDER BY ord, job_id")) {
      ps.setString(1, text(requestId));
      List<JobRecord> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          int exit = rs.getInt(4);
          OptionalInt exitStatus = rs.wasNull() ? OptionalInt.empty() : OptionalInt.of(exit);
          JobInfo info =
              new JobInfo(
                  rs.getString(1), rs.getString(2), JobState.parse(rs.getString(3)), exitStatus);
          out.add(new JobRecord(info, rs.getInt(5), rs.getLong(6), rs.getLong(7)));
        }
      }
      return out;
    } catch (SQLException e) {
      throw failure("reading jobs of " + requestId, e);
    }
  }

  @Override
  public Optional<BaselineRecord> baseline(String requestId) {
    try (Connection c = connection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT baseline_source, baseline_note,"
                    + " (SELECT COUNT(DISTINCT job_id) FROM chunks k"
                    + "   WHERE k.request_id = r.id AND k.known IS NOT NULL),"
                    + " (SELECT COALESCE(SUM(known), 0) FROM chunks k WHERE k.request_id = r.id),"
                    + " (SELECT COALESCE(SUM(fresh), 0) FROM chunks k WHERE k.request_id = r.id)"
                    + " FROM requests r WHERE id = ? AND baseline_chosen = TRUE")) {
      ps.setString(1, text(requestId));
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        return Optional.of(
            new BaselineRecord(
                Optional.ofNullable(rs.getString(1)),
                rs.getString(2),
                rs.getInt(3),
                new LineNovelty(rs.getLong(4), rs.getLong(5))));
      }
    } catch (SQLException e) {
      throw failure("reading the baseline of " + requestId, e);
    }
  }

  @Override
  public List<ChunkRecord> chunks(String requestId) {
    try (Connection c = connection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT job_id, idx, own_from, own_to, first_step_line, exit_step FROM chunks "
                    + "WHERE request_id = ? ORDER BY job_id, idx")) {
      ps.setString(1, text(requestId));
      List<ChunkRecord> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(
              new ChunkRecord(
                  rs.getString(1),
                  rs.getInt(2),
                  rs.getLong(3),
                  rs.getLong(4),
                  rs.getLong(5) == Long.MAX_VALUE
                      ? OptionalLong.empty()
                      : OptionalLong.of(rs.getLong(5)),
                  Optional.ofNullable(rs.getString(6))));
        }
      }
      return out;
    } catch (SQLException e) {
      throw failure("reading chunks of " + requestId, e);
    }
  }

  @Override
  public List<Finding> findings(String requestId) {
    try (Connection c = connection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT " + bodyText() + " FROM findings WHERE request_id = ? ORDER BY ord, id")) {
      ps.setString(1, text(requestId));
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
      Map<String, List<String>> warnings =
          warnings(
              c,
              "WHERE request_id IN (SELECT id FROM requests ORDER BY created DESC, id DESC LIMIT ?)",
              limit);
      List<RequestRecord> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(record(rs, warnings.getOrDefault(rs.getString("id"), List.of())));
        }
      }
      return out;
    } catch (SQLException e) {
      throw failure("listing requests", e);
    }
  }

  @Override
  public List<String> requestIds(String prefix, int limit) {
    try (Connection c = connection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT id FROM requests WHERE substr(id, 1, ?) = ? ORDER BY id LIMIT ?")) {
      ps.setInt(1, prefix.length());
      ps.setString(2, prefix);
      ps.setInt(3, limit);
      List<String> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
      return out;
    } catch (SQLException e) {
      throw failure("finding requests starting with " + prefix, e);
    }
  }

  @Override
  public Map<String, History> history(
      Collection<String> hashes, String excludingBuildId, String project, int window) {
    Map<String, History> out = new HashMap<>();
    if (hashes.isEmpty()) {
      return out;
    }
    try (Connection c = connection()) {
      // The latest request of each of the project's last `window` other builds.
      List<String> requestIds = new ArrayList<>();
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT r.id FROM requests r JOIN (SELECT build_id, MAX(created) AS created FROM requests "
                  + "WHERE build_id <> ? AND project = ? GROUP BY build_id) latest "
                  + "ON latest.build_id = r.build_id AND latest.created = r.created "
                  + "ORDER BY r.created DESC LIMIT ?")) {
        ps.setString(1, text(excludingBuildId));
        ps.setString(2, text(project));
        ps.setInt(3, window);
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
                  "SELECT COUNT(DISTINCT request_id) FROM findings WHERE hash = ? AND fp = ? "
                      + "AND request_id IN ("
                      + in
                      + ")")) {
            ps.setString(1, text(hash));
            ps.setString(2, Finding.FINGERPRINT);
            for (int i = 0; i < requestIds.size(); i++) {
              ps.setString(i + 3, requestIds.get(i));
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
                    + "WHERE f.hash = ? AND f.fp = ? AND r.build_id <> ? AND r.project = ?")) {
          ps.setString(1, text(hash));
          ps.setString(2, Finding.FINGERPRINT);
          ps.setString(3, text(excludingBuildId));
          ps.setString(4, text(project));
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
                    + "WHERE f.fp = ? GROUP BY f.hash ORDER BY builds DESC, n DESC LIMIT ?")) {
      ps.setString(1, Finding.FINGERPRINT);
      ps.setInt(2, limit);
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
