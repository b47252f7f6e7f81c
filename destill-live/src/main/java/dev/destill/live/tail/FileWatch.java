package dev.destill.live.tail;

import dev.destill.core.DestillException;
import dev.destill.core.stats.Level;
import dev.destill.live.Admission;
import dev.destill.live.LiveIngest;
import dev.destill.live.record.LiveRecord;
import dev.destill.live.record.StreamKey;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Follows files and file-name globs into a {@link LiveIngest}, as {@code tail -F} does: each file
 * is one stream (source {@value #SOURCE}, stream the path), each line one record. It polls: each
 * {@link #pollOnce} looks for files that match a glob and reads what each followed file got since
 * (see {@link FileTail} for rotation and truncation). Files there at the first poll are read from
 * their end unless {@code fromStart}; files that appear later from their start. Lines wait for room
 * in the ingestion (a full queue holds the reading back, never drops lines). One thread polls;
 * {@link #close} may come from another. Thread-safe.
 */
public final class FileWatch implements AutoCloseable {
  /** The source of file streams. */
  public static final String SOURCE = "file";

  /** The most files followed at once; past it new matches are skipped, with one warning. */
  public static final int MAX_FILES = 1_000;

  /** The most bytes of one line that are kept (a record keeps fewer characters still). */
  public static final int MAX_LINE_BYTES = 4 * LiveRecord.MAX_BODY_CHARS;

  /** The most bytes one file is read for in one poll before the next file's turn. */
  public static final long MAX_BYTES_PER_POLL = 4L << 20;

  /** File keys remembered, so that a rotated file matched again by a glob is not read twice. */
  private static final int KNOWN_KEYS = 4 * MAX_FILES;

  /** What the watch tells as it goes, on the polling thread; each method may be left out. */
  public interface Listener {
    /** {@code file} was opened, rotated, truncated or went away. */
    default void event(String file, FileTail.Event event) {}

    /** {@code file} has been read for {@code bytes} bytes in all. */
    default void read(String file, long bytes) {}

    /** {@code file} could not be read; said once until it can be again. */
    default void failed(String file, String message) {}
  }

  /**
   * What to follow: a path, or a path whose file name is a glob ({@code logs/*.log}).
   *
   * @param dir the folder, as given
   * @param name the file name, or its glob
   * @param glob whether {@code name} is a glob
   */
  public record Spec(Path dir, String name, boolean glob) {
    public Spec {
      Objects.requireNonNull(dir, "dir");
      Objects.requireNonNull(name, "name");
    }

    /**
     * A path as a user gives it. Only the file name may be a glob ({@code *}, {@code ?}, {@code
     * [..]}, {@code {a,b}}).
     *
     * @throws DestillException.BadInput when a folder of the path has glob characters
     */
    public static Spec parse(String arg) {
      if (arg == null || arg.isBlank()) {
        throw new DestillException.BadInput("a file to watch is empty");
      }
      String a = arg.strip();
      int slash = a.lastIndexOf('/');
      String dir = slash < 0 ? "" : a.substring(0, slash + 1);
      String name = slash < 0 ? a : a.substring(slash + 1);
      if (isGlob(dir)) {
        throw new DestillException.BadInput(
            "'" + a + "': only the file name may be a pattern, not a folder");
      }
      if (name.isEmpty()) {
        throw new DestillException.BadInput("'" + a + "' names a folder: give a file or a pattern");
      }
      Path d;
      try {
        d = dir.isEmpty() ? Path.of("") : Path.of(dir);
      } catch (java.nio.file.InvalidPathException e) {
        throw new DestillException.BadInput("'" + a + "' is not a path: " + e.getReason());
      }
      return new Spec(d, name, isGlob(name));
    }

    private static boolean isGlob(String s) {
      for (char c : new char[] {'*', '?', '[', '{'}) {
        if (s.indexOf(c) >= 0) {
          return true;
        }
      }
      return false;
    }

    /** How the spec reads in messages. */
    public String display() {
      return dir.resolve(name).toString();
    }
  }

  private record Followed(FileTail tail, StreamKey stream, boolean fromGlob) {}

  private final List<Spec> specs;
  private final LiveIngest ingest;
  private final Clock clock;
  private final Listener listener;
  private final List<PathMatcher> matchers = new ArrayList<>();
  private final Map<Path, Followed> followed = new LinkedHashMap<>();
  private final Map<Path, String> failures = new HashMap<>();
  private final LinkedHashMap<Object, Boolean> knownKeys =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Object, Boolean> eldest) {
          return size() > KNOWN_KEYS;
        }
      };
  private final Object lock = new Object();
  private boolean fromStart;
  private boolean first = true;
  private boolean warnedFull;
  private volatile boolean closed;
  private ScheduledFuture<?> schedule;

  /**
   * @param fromStart read the files there at the first poll from their start
   * @param listener told of events and progress, on the polling thread
   */
  public FileWatch(
      List<Spec> specs, boolean fromStart, LiveIngest ingest, Clock clock, Listener listener) {
    this.specs = List.copyOf(specs);
    if (this.specs.isEmpty()) {
      throw new IllegalArgumentException("nothing to watch");
    }
    this.fromStart = fromStart;
    this.ingest = Objects.requireNonNull(ingest, "ingest");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.listener = Objects.requireNonNull(listener, "listener");
    for (Spec s : this.specs) {
      matchers.add(
          s.glob() ? FileSystems.getDefault().getPathMatcher("glob:" + s.name()) : p -> false);
    }
  }

  /**
   * Polls once on the calling thread, so that the files there when this returns are the ones read
   * from their end, then on {@code executor} every {@code interval} until {@link #close}. A poll
   * that read a whole {@link #MAX_BYTES_PER_POLL} of a file is followed by the next one at once.
   */
  public void start(ScheduledExecutorService executor, Duration interval) {
    synchronized (lock) {
      if (schedule != null) {
        throw new IllegalStateException("already started");
      }
      pollOnce();
      schedule =
          executor.scheduleWithFixedDelay(
              () -> {
                try {
                  while (pollOnce()) {
                    // more to read at once: a file is growing faster than one poll reads
                  }
                } catch (RuntimeException e) {
                  listener.failed("watch", oneLine(e));
                }
              },
              interval.toMillis(),
              interval.toMillis(),
              TimeUnit.MILLISECONDS);
    }
  }

  /** Files followed now. */
  public int files() {
    synchronized (lock) {
      return followed.size();
    }
  }

  /**
   * Looks for new files, reads each followed one and hands its lines to the ingestion; returns
   * whether a file had more to read than one poll takes.
   */
  public boolean pollOnce() {
    synchronized (lock) {
      if (closed) {
        return false;
      }
      discover();
      first = false;
      boolean more = false;
      List<Path> gone = new ArrayList<>();
      for (Map.Entry<Path, Followed> e : followed.entrySet()) {
        Followed f = e.getValue();
        f.tail().fileKey().ifPresent(k -> knownKeys.put(k, true));
        FileTail.Collected c = new FileTail.Collected();
        String file = f.stream().stream();
        try {
          more |= f.tail().poll(c);
          failures.remove(e.getKey());
        } catch (IOException | RuntimeException ex) {
          String m = oneLine(ex);
          if (!m.equals(failures.put(e.getKey(), m))) {
            listener.failed(file, m);
          }
        }
        hand(f, c, false);
        for (FileTail.Event ev : c.events()) {
          listener.event(file, ev);
          if (ev == FileTail.Event.GONE && f.fromGlob()) {
            gone.add(e.getKey());
          }
        }
        if (!c.lines().isEmpty() || !c.events().isEmpty()) {
          listener.read(file, f.tail().bytesRead());
        }
      }
      for (Path p : gone) {
        close(followed.remove(p));
      }
      return more && !closed;
    }
  }

  private void discover() {
    for (int i = 0; i < specs.size(); i++) {
      Spec s = specs.get(i);
      if (!s.glob()) {
        Path p = s.dir().resolve(s.name());
        if (!followed.containsKey(p)) {
          follow(p, false);
        }
        continue;
      }
      Path dir = s.dir().toString().isEmpty() ? Path.of(".") : s.dir();
      PathMatcher m = matchers.get(i);
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
        for (Path p : ds) {
          Path named = s.dir().resolve(p.getFileName());
          if (!followed.containsKey(named)
              && m.matches(p.getFileName())
              && Files.isRegularFile(p)) {
            follow(named, true);
          }
        }
      } catch (NoSuchFileException | java.nio.file.NotDirectoryException e) {
        // the folder may appear later
      } catch (IOException e) {
        String msg = oneLine(e);
        if (!msg.equals(failures.put(dir, msg))) {
          listener.failed(s.display(), msg);
        }
      }
    }
  }

  private void follow(Path p, boolean fromGlob) {
    if (followed.size() >= MAX_FILES) {
      if (!warnedFull) {
        warnedFull = true;
        listener.failed(p.toString(), "more than " + MAX_FILES + " files match: not followed");
      }
      return;
    }
    boolean start = fromStart || !first;
    if (start && fromGlob && isKnown(p)) {
      // A rotated file under a new name (app.log.1): its lines were read as app.log's.
      start = false;
    }
    followed.put(
        p,
        new Followed(
            new FileTail(p, start, MAX_LINE_BYTES, MAX_BYTES_PER_POLL),
            new StreamKey(SOURCE, p.toString()),
            fromGlob));
  }

  private boolean isKnown(Path p) {
    try {
      Object k = Files.readAttributes(p, BasicFileAttributes.class).fileKey();
      return k != null && knownKeys.containsKey(k);
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Hands a poll's lines on, waiting for room; once closed it waits at most one more second ({@code
   * closing}: the last lines of a close) or not at all.
   */
  private void hand(Followed f, FileTail.Collected c, boolean closing) {
    if (c.lines().isEmpty()) {
      return;
    }
    List<LiveRecord> batch = new ArrayList<>(c.lines().size());
    java.time.Instant now = clock.instant();
    for (String line : c.lines()) {
      batch.add(LiveRecord.of(now, f.stream(), Level.UNKNOWN, line));
    }
    try {
      while (true) {
        Admission a = ingest.offer(batch, Duration.ofSeconds(1));
        if (!(a instanceof Admission.Full) || closed || closing) {
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Stops polling, hands on the last line of each file that has no newline yet and closes the
   * files. The ingestion is not stopped: its owner stops it after this.
   */
  @Override
  public void close() {
    closed = true;
    ScheduledFuture<?> s;
    synchronized (lock) {
      s = schedule;
    }
    if (s != null) {
      s.cancel(false);
    }
    synchronized (lock) {
      for (Followed f : followed.values()) {
        FileTail.Collected c = new FileTail.Collected();
        f.tail().flush(c);
        hand(f, c, true);
        close(f);
      }
      followed.clear();
    }
  }

  private static void close(Followed f) {
    if (f == null) {
      return;
    }
    try {
      f.tail().close();
    } catch (IOException e) {
      // closing a file opened for reading; nothing is lost
    }
  }

  private static String oneLine(Throwable e) {
    String m = e.getMessage();
    if (m == null || m.isBlank()) {
      return e.getClass().getSimpleName();
    }
    if (e instanceof java.nio.file.AccessDeniedException) {
      m = "permission denied: " + m;
    }
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
