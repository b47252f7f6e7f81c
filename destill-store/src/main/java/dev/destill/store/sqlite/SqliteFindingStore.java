package dev.destill.store.sqlite;

import dev.destill.core.DestillException;
import dev.destill.store.internal.JdbcFindingStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.Set;

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
    // 3: LLM explanations: the cache by key, each analysis's explanation, each request sent.
    """
    CREATE TABLE explanation_cache (
      cache_key TEXT PRIMARY KEY, request_id TEXT NOT NULL, body TEXT NOT NULL,
      created TEXT NOT NULL);
    CREATE TABLE explanations (
      request_id TEXT PRIMARY KEY, body TEXT NOT NULL, created TEXT NOT NULL);
    CREATE TABLE explanation_requests (
      request_id TEXT NOT NULL, n INTEGER NOT NULL, model TEXT NOT NULL,
      prompt_version TEXT NOT NULL, characters INTEGER NOT NULL, estimated_tokens INTEGER NOT NULL,
      finding_ids TEXT NOT NULL, outcome TEXT NOT NULL, at TEXT NOT NULL,
      PRIMARY KEY (request_id, n));
    """,
    // 4: recurrence is scoped to a project, and compares hashes of one fingerprint version (the
    // rows so far were hashed by fp-v2). Projects of earlier requests are filled in from their
    // build ids when the store opens.
    """
    ALTER TABLE requests ADD COLUMN project TEXT NOT NULL DEFAULT '';
    CREATE INDEX requests_project ON requests(project, build_id, created);
    ALTER TABLE findings ADD COLUMN fp TEXT NOT NULL DEFAULT 'fp-v2';
    DROP INDEX IF EXISTS findings_hash;
    CREATE INDEX findings_hash ON findings(hash, fp);
    """,
    // 5: a request that finished with a part it could not read or analyze.
    """
    ALTER TABLE requests ADD COLUMN incomplete INTEGER NOT NULL DEFAULT 0;
    """,
    // 6: the baseline a request was compared with, and each chunk's lines known and new.
    """
    ALTER TABLE requests ADD COLUMN baseline_chosen INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE requests ADD COLUMN baseline_source TEXT;
    ALTER TABLE requests ADD COLUMN baseline_note TEXT NOT NULL DEFAULT '';
    ALTER TABLE chunks ADD COLUMN known INTEGER;
    ALTER TABLE chunks ADD COLUMN fresh INTEGER;
    """
  };

  private static final Set<PosixFilePermission> OWNER_ONLY_DIR =
      PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> OWNER_ONLY_FILE =
      PosixFilePermissions.fromString("rw-------");

  private final Path file;
  private final String url;

  /**
   * Opens (creating it when missing) the history at {@code file}. It holds log excerpts: a new
   * folder is made readable by its owner only (0700), and the file too (0600).
   */
  public SqliteFindingStore(Path file, Clock clock) {
    super(clock);
    this.file = file;
    try {
      Path dir = file.toAbsolutePath().getParent();
      if (dir != null && !Files.isDirectory(dir)) {
        createPrivateDirectories(dir);
      }
      createPrivateFile(file);
      url = "jdbc:sqlite:" + file;
      try (Connection c = connection()) {
        try (Statement s = c.createStatement();
            var rs = s.executeQuery("PRAGMA journal_mode=WAL")) {
          rs.next();
        }
        migrate(c);
        backfillProjects(c);
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

  private SqliteFindingStore(Path file, Clock clock, String url) {
    super(clock);
    this.file = file;
    this.url = url;
  }

  /**
   * Opens an existing history only to read it, for a database the user may read but not write (on a
   * read-only mount, or another user's): nothing is created, migrated or locked for writing.
   */
  public static SqliteFindingStore readOnly(Path file, Clock clock) {
    if (!Files.isRegularFile(file)) {
      throw new DestillException.BadInput(
          "no history database at " + file + " (run 'destill analyze' first)");
    }
    // A WAL database needs its -shm file to be read; where it can be neither found nor made, the
    // file is read as immutable (nobody can write it from here either).
    SQLException last = null;
    for (String params : new String[] {"?mode=ro", "?immutable=1"}) {
      String url = "jdbc:sqlite:file:" + file.toAbsolutePath() + params;
      try (Connection c = DriverManager.getConnection(url);
          Statement s = c.createStatement();
          var rs = s.executeQuery("SELECT COALESCE(MAX(version), 0) FROM schema_version")) {
        rs.next();
        if (rs.getInt(1) != MIGRATIONS.length) {
          throw new DestillException(
              "the history database "
                  + file
                  + " is read-only and has schema "
                  + rs.getInt(1)
                  + ", not "
                  + MIGRATIONS.length
                  + "; open it once with write access to upgrade it");
        }
        return new SqliteFindingStore(file, clock, url);
      } catch (SQLException e) {
        last = e;
      }
    }
    throw new DestillException(
        "cannot read the history database " + file + ": " + last.getMessage(), last);
  }

  private static void createPrivateDirectories(Path dir) throws IOException {
    Path parent = dir.getParent();
    if (parent != null && !Files.isDirectory(parent)) {
      Files.createDirectories(parent);
    }
    if (posix(parent == null ? dir.getRoot() : parent)) {
      Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIR));
      // The umask may have taken bits away; it never adds any, but set exactly what we mean.
      Files.setPosixFilePermissions(dir, OWNER_ONLY_DIR);
    } else {
      Files.createDirectory(dir);
    }
  }

  private static void createPrivateFile(Path file) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    if (dir == null || !posix(dir)) {
      return;
    }
    if (!Files.exists(file)) {
      try {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE));
      } catch (java.nio.file.FileAlreadyExistsException e) {
        // Another process made it first.
      }
    }
    // An older file made world-readable is tightened, when it is ours to change.
    if (Files.isWritable(file) && !Files.getPosixFilePermissions(file).equals(OWNER_ONLY_FILE)) {
      try {
        Files.setPosixFilePermissions(file, OWNER_ONLY_FILE);
      } catch (IOException e) {
        // Someone else's file: leave it as it is.
      }
    }
  }

  private static boolean posix(Path anyPath) {
    return anyPath != null
        && anyPath.getFileSystem().supportedFileAttributeViews().contains("posix");
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
    return "INSERT OR IGNORE INTO findings "
        + "(request_id, id, hash, ord, confidence, tier, created, body, fp) "
        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
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
