package dev.destill.store.duckdb;

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
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * The hot statistics in an embedded DuckDB file, one per process (DuckDB lets one process write a
 * file): counts are summed in memory and written in batches through DuckDB's appender on {@link
 * #flush} (or when {@link #MAX_BUFFERED} rows are held); rows of minutes older than the retention
 * are deleted at most every {@link #EXPIRY_EVERY}. {@link #open} names the file after the process's
 * role and id in the statistics folder and first takes over the files of processes that ended, so
 * that one folder holds one history. Thread-safe (one lock).
 */
public final class DuckDbStatsStore implements StatsStore {
  /** Rows held before an {@link #add} writes them without waiting for a flush. */
  public static final int MAX_BUFFERED = 100_000;

  /** How often, at most, expired rows are deleted. */
  public static final Duration EXPIRY_EVERY = Duration.ofMinutes(10);

  private static final String TABLE = "stats_lines";
  private static final String SCHEMA =
      "CREATE TABLE IF NOT EXISTS "
          + TABLE
          + " (minute BIGINT NOT NULL, source VARCHAR NOT NULL, stream VARCHAR NOT NULL,"
          + " level VARCHAR NOT NULL, template VARCHAR NOT NULL, n BIGINT NOT NULL)";

  private final Path file;
  private final Clock clock;
  private final Duration retention;
  private final DuckDBConnection connection;
  private final JdbcStatsQueries queries = new JdbcStatsQueries(TABLE);
  private final StatsBuffer buffer = new StatsBuffer();
  private final List<Path> held = new ArrayList<>();
  private Instant nextExpiry = Instant.MIN;
  private boolean closed;

  /**
   * Opens (or creates) the statistics file {@code file}.
   *
   * @param retention how long counts are kept
   */
  public DuckDbStatsStore(Path file, Clock clock, Duration retention) {
    this.file = file.toAbsolutePath();
    this.clock = clock;
    this.retention = retention;
    if (retention.isNegative() || retention.isZero()) {
      throw new IllegalArgumentException("the statistics retention must be positive");
    }
    try {
      Path dir = this.file.getParent();
      if (dir != null && !Files.isDirectory(dir)) {
        createPrivateDirectories(dir);
      }
      this.connection = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:" + this.file);
      try (Statement s = connection.createStatement()) {
        s.execute(SCHEMA);
      }
      tighten(this.file);
    } catch (SQLException | IOException e) {
      throw new DestillException(
          "cannot open the statistics file " + this.file + ": " + oneLine(e), e);
    }
  }

  /**
   * The statistics file of this process in {@code dir}: {@code ROLE-PID.duckdb}, after taking over
   * the counts of every other file there that no running process holds (those files are then
   * deleted). Files held by running processes are left alone and listed in {@link #held()}.
   */
  public static DuckDbStatsStore open(
      Path dir, String role, long pid, Clock clock, Duration retention) {
    if (!role.matches("[a-z][a-z0-9-]{0,31}")) {
      throw new IllegalArgumentException("a statistics role is a short lower-case word");
    }
    DuckDbStatsStore store =
        new DuckDbStatsStore(dir.resolve(role + "-" + pid + ".duckdb"), clock, retention);
    try {
      store.adoptOthers();
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
    return store;
  }

  /** The file the counts are written to. */
  public Path file() {
    return file;
  }

  /** Statistics files of the folder that running processes hold: their counts are not here. */
  public synchronized List<Path> held() {
    return List.copyOf(held);
  }

  private synchronized void adoptOthers() {
    Path dir = file.getParent();
    List<Path> others = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.duckdb")) {
      for (Path p : files) {
        if (!p.toAbsolutePath().equals(file)) {
          others.add(p.toAbsolutePath());
        }
      }
    } catch (IOException e) {
      throw new DestillException("cannot list the statistics folder " + dir + ": " + oneLine(e), e);
    }
    others.sort(null);
    long cutoff = Math.floorDiv(clock.instant().minus(retention).getEpochSecond(), 60);
    for (Path other : others) {
      try (Statement s = connection.createStatement()) {
        s.execute("ATTACH '" + other.toString().replace("'", "''") + "' AS adopted");
      } catch (SQLException e) {
        // Locked by a running process (or not a DuckDB file): its counts stay where they are.
        held.add(other);
        continue;
      }
      try (Statement s = connection.createStatement()) {
        s.execute(
            "INSERT INTO "
                + TABLE
                + " SELECT minute, source, stream, level, template, n FROM adopted."
                + TABLE
                + " WHERE minute >= "
                + cutoff);
        s.execute("DETACH adopted");
        Files.deleteIfExists(other);
        Files.deleteIfExists(Path.of(other + ".wal"));
      } catch (SQLException | IOException e) {
        held.add(other);
        try (Statement s = connection.createStatement()) {
          s.execute("DETACH DATABASE IF EXISTS adopted");
        } catch (SQLException ignored) {
          // Nothing more to undo.
        }
      }
    }
  }

  @Override
  public synchronized void add(Collection<LineCount> counts) {
    open();
    buffer.add(counts);
    if (buffer.size() >= MAX_BUFFERED) {
      write();
    }
  }

  @Override
  public synchronized void flush() {
    open();
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
    try (DuckDBAppender appender =
        connection.createAppender(DuckDBConnection.DEFAULT_SCHEMA, TABLE)) {
      for (Map.Entry<StatsBuffer.Row, Long> e : rows) {
        StatsBuffer.Row r = e.getKey();
        appender.beginRow();
        appender.append(r.minute());
        appender.append(r.source());
        appender.append(r.stream());
        appender.append(r.level());
        appender.append(r.template());
        appender.append(e.getValue().longValue());
        appender.endRow();
      }
    } catch (SQLException e) {
      buffer.restore(rows);
      throw new DestillException("cannot write statistics to " + file + ": " + oneLine(e), e);
    }
  }

  @Override
  public synchronized List<Volume> volume(StatsQuery q) {
    open();
    try {
      return queries.volume(connection, q);
    } catch (SQLException e) {
      throw failed(e);
    }
  }

  @Override
  public synchronized List<Total> totals(StatsQuery q) {
    open();
    try {
      return queries.totals(connection, q);
    } catch (SQLException e) {
      throw failed(e);
    }
  }

  @Override
  public synchronized List<Template> topTemplates(StatsQuery q) {
    open();
    try {
      return queries.topTemplates(connection, q);
    } catch (SQLException e) {
      throw failed(e);
    }
  }

  @Override
  public synchronized List<NewTemplate> newTemplates(Instant since, StatsQuery q) {
    open();
    try {
      return queries.newTemplates(connection, since, q);
    } catch (SQLException e) {
      throw failed(e);
    }
  }

  @Override
  public synchronized long expireBefore(Instant cutoff) {
    open();
    try {
      return queries.expireBefore(connection, cutoff);
    } catch (SQLException e) {
      throw failed(e);
    }
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    try {
      write();
    } finally {
      closed = true;
      try {
        connection.close();
      } catch (SQLException e) {
        throw failed(e);
      }
    }
  }

  private void open() {
    if (closed) {
      throw new IllegalStateException("the statistics store is closed");
    }
  }

  private DestillException failed(SQLException e) {
    return new DestillException("statistics query on " + file + " failed: " + oneLine(e), e);
  }

  private static String oneLine(Exception e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }

  private static void createPrivateDirectories(Path dir) throws IOException {
    Files.createDirectories(dir);
    if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    }
  }

  private static void tighten(Path file) throws IOException {
    if (Files.exists(file)
        && file.getFileSystem().supportedFileAttributeViews().contains("posix")
        && Files.isWritable(file)) {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    }
  }
}
