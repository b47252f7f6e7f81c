package dev.destill.app.mcp;

import dev.destill.core.model.ProgressEvent;
import dev.destill.core.provider.Build;
import dev.destill.core.provider.BuildJob;
import dev.destill.core.provider.CiProvider;
import dev.destill.core.provider.TestReports;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Wraps a remote provider so that every log streamed into the engine is also written to a file in a
 * spool directory, for {@code search_log} later. Bounded per job; thread-safe.
 */
final class SpoolingProvider implements CiProvider {
  static final long MAX_SPOOL_BYTES = 512L << 20;

  private final CiProvider delegate;
  private final Path dir;
  private final Map<String, Path> spooled = new ConcurrentHashMap<>();
  private final String target;
  private final java.util.Set<String> analyzed = ConcurrentHashMap.newKeySet();

  /** Spools the logs of the build at {@code target} only; a baseline's are read, not kept. */
  SpoolingProvider(CiProvider delegate, Path dir, String target) {
    this.delegate = delegate;
    this.dir = dir;
    this.target = target;
  }

  /** Deletes a spool file; one that cannot be deleted is left to the spool directory's cleanup. */
  static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // Left behind: McpTools.close deletes the whole directory.
    }
  }

  /** The spooled log of each job read so far, by job name. */
  Map<String, Path> spooled() {
    return Map.copyOf(spooled);
  }

  @Override
  public String name() {
    return delegate.name();
  }

  @Override
  public boolean accepts(String target) {
    return delegate.accepts(target);
  }

  @Override
  public Build fetchBuild(String target, Consumer<ProgressEvent> progress) {
    Build build = delegate.fetchBuild(target, progress);
    if (target.equals(this.target)) {
      analyzed.add(build.id());
    }
    return build;
  }

  @Override
  public java.util.Optional<dev.destill.core.provider.PassingBuild> lastGreen(
      String target, Consumer<ProgressEvent> progress) {
    return delegate.lastGreen(target, progress);
  }

  @Override
  public TestReports testReports(Build build, BuildJob job) {
    return delegate.testReports(build, job);
  }

  @Override
  public InputStream openLog(Build build, BuildJob job) {
    InputStream in = delegate.openLog(build, job);
    if (!analyzed.contains(build.id())) {
      return in; // a baseline's log: compared with, not searched
    }
    Path file;
    OutputStream copy;
    try {
      file = Files.createTempFile(dir, "job-", ".log");
      copy = Files.newOutputStream(file);
    } catch (IOException e) {
      return in; // no spool: the analysis still runs, search_log will say the log is not kept
    }
    Path before = spooled.put(job.info().name(), file);
    if (before != null) {
      deleteQuietly(before); // the log is read again from its start (a retried download)
    }
    return new FilterInputStream(in) {
      long written;

      // Skipped bytes go through read, so that the spool holds them too.
      @Override
      public long skip(long n) throws IOException {
        byte[] buf = new byte[8192];
        long left = n;
        while (left > 0) {
          int r = read(buf, 0, (int) Math.min(buf.length, left));
          if (r < 0) {
            break;
          }
          left -= r;
        }
        return n - left;
      }

      @Override
      public int read() throws IOException {
        int b = super.read();
        if (b >= 0 && written++ < MAX_SPOOL_BYTES) {
          copy.write(b);
        }
        return b;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0 && written < MAX_SPOOL_BYTES) {
          int keep = (int) Math.min(n, MAX_SPOOL_BYTES - written);
          copy.write(b, off, keep);
          written += keep;
        }
        return n;
      }

      @Override
      public void close() throws IOException {
        try {
          super.close();
        } finally {
          copy.close();
        }
      }
    };
  }
}
