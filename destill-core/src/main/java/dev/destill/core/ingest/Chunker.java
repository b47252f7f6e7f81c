package dev.destill.core.ingest;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts one log, as it streams by, into chunks of about {@link #targetBytes} of their own lines,
 * with {@link #LEAD} lines before and {@link #TRAIL} after them that the neighbouring chunks own
 * (an overlap of 50 lines): enough for a finding's 15 lines of context before and 30 after, and for
 * a block that crosses the cut. Lines longer than {@link #LINE_CAP} bytes are cut there (the engine
 * looks at far less of a line), so a chunk stays bounded whatever the log holds. Pure: it copies
 * the (capped) bytes to a {@link ByteSink} and hands each chunk's place in that copy to a listener
 * as soon as the chunk is complete, so chunks go out while the log still streams in; copied bytes
 * before {@link #retainFrom()} are no longer needed. Not thread-safe.
 *
 * <p>Lines are numbered as the engine does: 1-based, counting {@code \n}.
 */
public final class Chunker {
  /** Lines before a chunk's own lines that it also carries. */
  public static final int LEAD = 20;

  /** Lines after a chunk's own lines that it also carries. */
  public static final int TRAIL = 30;

  /** The most bytes of one line that are kept. */
  public static final int LINE_CAP = 16 * 1024;

  /** The chunk size of the original design. */
  public static final int DEFAULT_TARGET_BYTES = 500 * 1024;

  /** Where copied bytes go. */
  @FunctionalInterface
  public interface ByteSink {
    void write(byte[] buf, int off, int len);
  }

  /**
   * One chunk: bytes {@code [from, to)} of the copy, which hold lines {@code firstLine..} of the
   * log; its own lines are {@code ownFrom..ownTo}.
   */
  public record Range(long from, long to, long firstLine, long ownFrom, long ownTo) {}

  private final int targetBytes;
  private final ByteSink sink;
  private final java.util.function.Consumer<Range> ready;
  private final long[] starts = new long[LEAD + 2];
  private final ArrayDeque<Pending> pending = new ArrayDeque<>();
  private final List<Range> ranges = new ArrayList<>();

  private long out; // bytes copied
  private long raw; // bytes read
  private long line = 1; // the line being read
  private int lineLen; // bytes of it copied
  private long ownStartOut; // where the current chunk's own lines start in the copy
  private long scanStartOut; // where the current chunk's first (overlap) line starts
  private long firstLine = 1;
  private long ownFrom = 1;
  private boolean finished;

  /**
   * @param sink receives the copy of the log
   * @param ready receives each chunk once its bytes are in the copy, in order
   */
  public Chunker(int targetBytes, ByteSink sink, java.util.function.Consumer<Range> ready) {
    if (targetBytes < 1) {
      throw new IllegalArgumentException("targetBytes must be positive");
    }
    this.targetBytes = targetBytes;
    this.sink = sink;
    this.ready = ready;
  }

  private record Pending(long from, long firstLine, long ownFrom, long ownTo) {}

  /** Feeds the next bytes of the log. */
  public void accept(byte[] buf, int off, int len) {
    if (finished) {
      throw new IllegalStateException("chunker already finished");
    }
    raw += len;
    int end = off + len;
    int i = off;
    while (i < end) {
      int nl = i;
      while (nl < end && buf[nl] != '\n') {
        nl++;
      }
      int keep = Math.min(nl - i, LINE_CAP - lineLen);
      if (keep > 0) {
        sink.write(buf, i, keep);
        out += keep;
        lineLen += keep;
      }
      if (nl == end) {
        return;
      }
      sink.write(buf, nl, 1);
      out++;
      endLine();
      i = nl + 1;
    }
  }

  private void endLine() {
    // `line` just ended; the next one starts at `out`.
    while (!pending.isEmpty() && pending.peek().ownTo() + TRAIL <= line) {
      Pending p = pending.poll();
      add(new Range(p.from(), out, p.firstLine(), p.ownFrom(), p.ownTo()));
    }
    if (out - ownStartOut >= targetBytes) {
      pending.add(new Pending(scanStartOut, firstLine, ownFrom, line));
      ownFrom = line + 1;
      firstLine = Math.max(1, ownFrom - LEAD);
      ownStartOut = out;
      scanStartOut = firstLine == ownFrom ? out : starts[(int) (firstLine % starts.length)];
    }
    line++;
    lineLen = 0;
    starts[(int) (line % starts.length)] = out;
  }

  /**
   * Ends the log: hands out the chunks still open and returns every chunk, in order (each is a
   * small record: a whole log's list stays small).
   */
  public List<Range> finish() {
    if (!finished) {
      finished = true;
      if (lineLen > 0) {
        // A last line without a newline is still a line; nothing more is appended to the copy.
        line++;
      }
      long lastLine = line - 1;
      while (!pending.isEmpty()) {
        Pending p = pending.poll();
        add(new Range(p.from(), out, p.firstLine(), p.ownFrom(), p.ownTo()));
      }
      if (lastLine >= ownFrom) {
        add(new Range(scanStartOut, out, firstLine, ownFrom, lastLine));
      }
    }
    return List.copyOf(ranges);
  }

  private void add(Range r) {
    ranges.add(r);
    ready.accept(r);
  }

  /** The earliest offset of the copy that a chunk not yet handed out still needs. */
  public long retainFrom() {
    return pending.isEmpty() ? scanStartOut : pending.peek().from();
  }

  /** Lines of the log, once finished. */
  public long lines() {
    return lineLen > 0 && !finished ? line : line - 1;
  }

  /** Bytes read from the log. */
  public long bytesRead() {
    return raw;
  }
}
