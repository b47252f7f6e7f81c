package dev.destill.store.sqlite;

import dev.destill.core.DestillException;
import dev.destill.store.internal.JdbcFindingStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;

/**
 * The local history: one SQLite file (WAL mode). Schema changes are applied as numbered steps
 * recorded in {@code schema_version}. Thread-safe: each operation opens its own connection (cheap
 * for SQLite), and SQLite serializes writers.
 */
public final class SqliteFindingStore extends JdbcFindingStore {
  private static final String[] MIGRATIONS = {
    """
    CREATE TABLE requests (
      id TEXT PRIMARY KEY, target TEXT NOT NULL, build_id TEXT NOT NULL, title TEXT NOT NULL,
      status TEXT NOT NULL, chunks_total INTEGER NOT NULL, chunks_done INTEGER NOT NULL,
      findings INTEGER NOT NULL, error TEXT NOT NULL, created TEXT NOT NULL, updated TEXT NOT NULL);
    CREATE INDEX requests_build ON requests(build_id, created);
    CREATE INDEX requests_created ON requests(created);
    CREATE TABLE findings (
      request_id TEXT NOT NULL REFERENCES requests(id), id TEXT NOT NULL, hash TEXT NOT NULL,
      ord INTEGER NOT NULL, confidence REAL NOT NULL, tier INTEGER NOT NULL, created TEXT NOT NULL,
      body TEXT NOT NULL, PRIMARY KEY (request_id, id));
    CREATE INDEX findings_hash ON findings(hash);
    CREATE INDEX findings_confidence ON findings(confidence);
    """,
    // 2: the pipeline's events (what each agent reported), jobs, analyzed chunks and warnings.
    """
    ALTER TABLE requests ADD COLUMN submitted INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE requests ADD COLUMN resolved INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE requests ADD COLUMN ingested INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE requests ADD COLUMN failed INTEGER NOT NULL DEFAULT 0;
    UPDATE requests SET submitted = 1;
    CREATE INDEX findings_order ON findings(request_id, ord);
    CREATE TABLE jobs (
      request_id TEXT NOT NULL REFERENCES requests(id), job_id TEXT NOT NULL, ord INTEGER NOT NULL,
      name TEXT NOT NULL, state TEXT NOT NULL, exit_status INTEGER, chunks INTEGER NOT NULL,
      lines INTEGER NOT NULL, bytes INTEGER NOT NULL, PRIMARY KEY (request_id, job_id));
    CREATE TABLE chunks (
      request_id TEXT NOT NULL REFERENCES requests(id), job_id TEXT NOT NULL, idx INTEGER NOT NULL,
      own_from INTEGER NOT NULL, own_to INTEGER NOT NULL, first_step_line INTEGER NOT NULL,
      exit_step TEXT, PRIMARY KEY (request_id, job_id, idx));
    CREATE TABLE request_warnings (
      request_id TEXT NOT NULL REFERENCES requests(id), source TEXT NOT NULL, n INTEGER NOT NULL,
      ord INTEGER NOT NULL, text TEXT NOT NULL, PRIMARY KEY (request_id, source, n));
    """,
    // 3: a request that finished with a part it could not read or analyze.
    """
    ALTER TABLE requests ADD COLUMN incomplete INTEGER NOT NULL DEFAULT 0;
    """
  };

  private final Path file;
  private final String url;

  public SqliteFindingStore(Path file, Clock clock) {
    super(clock);
    this.file = file;
    try {
      Path dir = file.toAbsolutePath().getParent();
      if (dir != null) {
        Files.createDirectories(dir);
      }
      url = "jdbc:sqlite:" + file;
      try (Connection c = connection()) {
        try (Statement s = c.createStatement();
            var rs = s.executeQuery("PRAGMA journal_mode=WAL")) {
          rs.next();
        }
        migrate(c);
      }
    } catch (IOException | SQLException e) {
      throw new DestillException(
          "cannot open the history database "
              + file
              + ": "
              + e.getMessage()
              + " (set DESTILL_HOME to a writable folder, or use --no-history)",
          e);
    }
  }

  private static void migrate(Connection connection) throws SQLException {
    try (Statement s = connection.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
      int version;
      try (var rs = s.executeQuery("SELECT COALESCE(MAX(version), 0) FROM schema_version")) {
        rs.next();
        version = rs.getInt(1);
      }
      if (version > MIGRATIONS.length) {
        throw new SQLException(
            "the database was written by a newer destill (schema " + version + ")");
      }
      for (int v = version; v < MIGRATIONS.length; v++) {
        connection.setAutoCommit(false);
        for (String sql : MIGRATIONS[v].split(";")) {
          if (!sql.isBlank()) {
            s.execute(sql);
          }
        }
        s.execute("INSERT INTO schema_version VALUES (" + (v + 1) + ")");
        connection.commit();
        connection.setAutoCommit(true);
      }
    }
  }

  @Override
  protected Connection connection() throws SQLException {
    Connection c = DriverManager.getConnection(url);
    try (Statement s = c.createStatement()) {
      s.execute("PRAGMA busy_timeout=10000");
      s.execute("PRAGMA foreign_keys=ON");
    }
    return c;
  }

  @Override
  protected String insertIgnoring(String into) {
    return "INSERT OR IGNORE INTO " + into;
  }

  @Override
  protected String insertFindingSql() {
    return "INSERT OR IGNORE INTO findings (request_id, id, hash, ord, confidence, tier, created, body) "
        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
  }

  @Override
  protected String describe() {
    return "the history database " + file;
  }

  @Override
  public void close() {
    // Connections are closed after each operation.
  }
}
