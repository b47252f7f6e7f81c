package dev.destill.app.analysis;

import dev.destill.core.DestillException;
import dev.destill.core.engine.JobScan;
import dev.destill.core.engine.LogScanner;
import dev.destill.core.engine.ScanOptions;
import dev.destill.core.model.Finding;
import dev.destill.core.model.JobInfo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Scans one large local log on several cores: the file is cut into ranges at line ends, each range
 * is scanned with a margin of lines before and after it (for context and for blocks that cross the
 * cut), and each finding is kept only by the range its first line belongs to, as the distributed
 * chunks are. Thread-safe; each call is independent.
 */
final class SplitScan {
  /** Files smaller than this are scanned in one piece. */
  static final long MIN_SPLIT_BYTES = 256L << 20;

  /** How far a range's scan reaches into its neighbours. */
  static final int MARGIN_BYTES = 256 << 10;

  private static final int BUFFER = 1 << 16;

  private SplitScan() {}

  /** Scans {@code file} as job {@code job} in {@code parts} ranges at once. */
  static JobScan scan(Path file, JobInfo job, int parts) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      // Range starts at line starts: [0, s1, s2, ..., size].
      long[] starts = new long[parts + 1];
      starts[parts] = size;
      for (int i = 1; i < parts; i++) {
        starts[i] = Math.max(starts[i - 1], nextLineStart(ch, size * i / parts, size));
      }
      ExecutorService pool =
          Executors.newFixedThreadPool(
              parts,
              r -> {
                Thread t = new Thread(r, "destill-split");
                t.setDaemon(true);
                return t;
              });
      try {
        // Newlines before each range start give each range's first line number.
        List<Future<Long>> counts = new ArrayList<>();
        for (int i = 0; i < parts; i++) {
          long from = starts[i];
          long to = starts[i + 1];
          counts.add(pool.submit(() -> countNewlines(file, from, to)));
        }
        long[] firstLine = new long[parts + 1];
        firstLine[0] = 1;
        for (int i = 0; i < parts; i++) {
          firstLine[i + 1] = firstLine[i] + counts.get(i).get();
        }
        List<Future<JobScan>> scans = new ArrayList<>();
        for (int i = 0; i < parts; i++) {
          int k = i;
          scans.add(pool.submit(() -> scanRange(file, job, starts, firstLine, k, parts)));
        }
        List<Finding> findings = new ArrayList<>();
        long dropped = 0;
        JobScan last = null;
        for (Future<JobScan> f : scans) {
          JobScan s = f.get();
          findings.addAll(s.findings());
          dropped += s.dropped();
          last = s;
        }
        long lines = firstLine[parts] - 1 + (size > 0 && lastByte(ch, size) != '\n' ? 1 : 0);
        return new JobScan(job, lines, size, findings, last.tailLine(), last.tail(), dropped);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new DestillException("analysis interrupted", e);
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof IOException io) {
          throw io;
        }
        throw cause instanceof RuntimeException re
            ? re
            : new DestillException(cause.toString(), cause);
      } finally {
        pool.shutdownNow();
      }
    }
  }

  private static JobScan scanRange(
      Path file, JobInfo job, long[] starts, long[] firstLine, int k, int parts)
      throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      long from = starts[k];
      long scanFrom = k == 0 ? 0 : nextLineStart(ch, Math.max(0, from - MARGIN_BYTES), size);
      if (scanFrom > from) {
        scanFrom = from;
      }
      long scanFirstLine = firstLine[k] - countNewlines(ch, scanFrom, from);
      long to = starts[k + 1];
      long scanTo =
          k == parts - 1
              ? size
              : Math.min(size, nextLineStart(ch, Math.min(size, to + MARGIN_BYTES), size));
      long ownTo = k == parts - 1 ? Long.MAX_VALUE : firstLine[k + 1] - 1;
      LogScanner scanner =
          new LogScanner(job, ScanOptions.forChunk(scanFirstLine, firstLine[k], ownTo));
      ByteBuffer buf = ByteBuffer.allocate(BUFFER);
      long pos = scanFrom;
      while (pos < scanTo) {
        buf.clear();
        buf.limit((int) Math.min(BUFFER, scanTo - pos));
        int n = ch.read(buf, pos);
        if (n <= 0) {
          break;
        }
        scanner.accept(buf.array(), 0, n);
        pos += n;
      }
      return scanner.finish();
    }
  }

  /** The offset just after the first newline at or after {@code at}; {@code size} when none. */
  static long nextLineStart(FileChannel ch, long at, long size) throws IOException {
    if (at <= 0) {
      return 0;
    }
    ByteBuffer buf = ByteBuffer.allocate(8192);
    long pos = at - 1;
    while (pos < size) {
      buf.clear();
      int n = ch.read(buf, pos);
      if (n <= 0) {
        break;
      }
      for (int i = 0; i < n; i++) {
        if (buf.get(i) == '\n') {
          return pos + i + 1;
        }
      }
      pos += n;
    }
    return size;
  }

  private static long countNewlines(Path file, long from, long to) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      return countNewlines(ch, from, to);
    }
  }

  static long countNewlines(FileChannel ch, long from, long to) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(BUFFER);
    byte[] a = buf.array();
    long count = 0;
    long pos = from;
    while (pos < to) {
      buf.clear();
      buf.limit((int) Math.min(BUFFER, to - pos));
      int n = ch.read(buf, pos);
      if (n <= 0) {
        break;
      }
      for (int i = 0; i < n; i++) {
        if (a[i] == '\n') {
          count++;
        }
      }
      pos += n;
    }
    return count;
  }

  private static byte lastByte(FileChannel ch, long size) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(1);
    ch.read(b, size - 1);
    return b.get(0);
  }
}
