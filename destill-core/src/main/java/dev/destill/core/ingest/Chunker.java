package dev.destill.core.ingest;

import dev.destill.core.engine.LineCleaner;
import dev.destill.core.engine.Prefilter;
import dev.destill.core.engine.Secrets;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts one log, as it streams by, into chunks of about {@link #targetBytes} of their own lines,
 * with {@link #LEAD} lines before and {@link #TRAIL} after them that the neighbouring chunks own
 * (an overlap of 50 lines): enough for a finding's 15 lines of context before and 30 after, and for
 * a block that crosses the cut. Lines longer than {@link #LINE_CAP} bytes are cut there, so a chunk
 * stays bounded whatever the log holds; the whole line is still searched for the prefilter's
 * keywords, and when the first one lies past the cut, a {@link #WINDOW} around it is kept too. A
 * cut line ends with {@link #CUT_MARK}, so the engine can say how much is missing. The body lines
 * of a private key block become {@link Secrets#MASK} here, whatever chunk they fall in. Pure: it
 * copies the (capped) bytes to a {@link ByteSink} and hands each chunk's place in that copy to a
 * listener as soon as the chunk is complete, so chunks go out while the log still streams in;
 * copied bytes before {@link #retainFrom()} are no longer needed. Not thread-safe.
 *
 * <p>Lines are numbered as the engine does: 1-based, counting {@code \n}.
 */
public final class Chunker {
  /** Lines before a chunk's own lines that it also carries. */
  public static final int LEAD = 20;

  /** Lines after a chunk's own lines that it also carries. */
  public static final int TRAIL = 30;

  /** The most bytes of one line that are kept (the engine keeps as many). */
  public static final int LINE_CAP = 16 * 1024;

  /**
   * Of a longer line whose first {@link #LINE_CAP} bytes hold no keyword of the prefilter: how many
   * bytes around its first keyword further on are kept, after a shorter start.
   */
  public static final int WINDOW = 4 * 1024;

  private static final int WINDOW_BEFORE = 256;
  private static final int MARKER_ROOM = 64;

  /** What ends a cut line: see {@link LineCleaner#CUT_MARK}. */
  public static final String CUT_MARK = LineCleaner.CUT_MARK;

  private static final byte[] MASK = Secrets.MASK.getBytes(StandardCharsets.US_ASCII);
  private static final byte[] NEWLINE = {'\n'};
  private static final Prefilter PREFILTER = Prefilter.standard();

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
  private long lineNo = 1; // the line being read
  private final byte[] line = new byte[LINE_CAP];
  private int lineLen; // bytes of the held line
  private long lineTotal; // bytes of the held line so far, kept or not
  private boolean headHit;
  private int pfState;
  private final byte[] window = new byte[WINDOW];
  private int windowLen;
  private long windowAt; // where the window starts in its line
  private final byte[] recent = new byte[WINDOW_BEFORE];
  private int recentLen;
  private final Secrets.KeyBlocks keys = new Secrets.KeyBlocks();
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
      if (nl < end && lineTotal == 0 && nl - i <= LINE_CAP && !keys.inside()) {
        // The common case: a whole line in this buffer, outside a key: copied as it is.
        if (hasDashes(buf, i, nl) && contains(buf, i, nl, PRIVATE_KEY)) {
          keys.body(new String(buf, i, nl - i, StandardCharsets.ISO_8859_1));
        }
        sink.write(buf, i, nl + 1 - i);
        out += nl + 1 - i;
        endLine();
      } else {
        appendToLine(buf, i, nl);
        if (nl == end) {
          return;
        }
        writeHeldLine(true);
        endLine();
      }
      i = nl + 1;
    }
  }

  /**
   * Whether {@code buf[from..to)} holds "-----" (a key's BEGIN or END line). Any five dashes in a
   * row cover one byte of every fifth, so only those are looked at first.
   */
  private static boolean hasDashes(byte[] buf, int from, int to) {
    for (int k = from + 4; k < to; k += 5) {
      if (buf[k] == '-') {
        int l = k;
        while (l > from && buf[l - 1] == '-') {
          l--;
        }
        int r = k;
        while (r + 1 < to && buf[r + 1] == '-') {
          r++;
        }
        if (r - l + 1 >= 5) {
          return true;
        }
        k = r;
      }
    }
    return false;
  }

  private static final byte[] PRIVATE_KEY = ascii("PRIVATE KEY");

  private static boolean contains(byte[] buf, int from, int to, byte[] word) {
    byte first = word[0];
    for (int k = from; k <= to - word.length; k++) {
      if (buf[k] == first
          && java.util.Arrays.equals(buf, k, k + word.length, word, 0, word.length)) {
        return true;
      }
    }
    return false;
  }

  // A line that spans reads, is long, or may be part of a private key is held until it ends.
  private void appendToLine(byte[] buf, int from, int to) {
    int n = to - from;
    int keep = Math.min(n, LINE_CAP - lineLen);
    if (keep > 0) {
      System.arraycopy(buf, from, line, lineLen, keep);
      lineLen += keep;
    }
    long before = lineTotal;
    lineTotal += n;
    if (lineTotal <= LINE_CAP) {
      return;
    }
    // Past the cap: look on for the first keyword, so that an error deep in a long line is kept.
    int from2 = from + keep;
    if (before <= LINE_CAP) {
      int r = PREFILTER.find(0, line, 0, LINE_CAP);
      headHit = r >= 0;
      pfState = r >= 0 ? 0 : -1 - r;
    }
    if (headHit) {
      return;
    }
    if (windowLen > 0 && windowLen < WINDOW) {
      int more = Math.min(WINDOW - windowLen, to - from2);
      System.arraycopy(buf, from2, window, windowLen, more);
      windowLen += more;
    } else if (windowLen == 0) {
      int r = PREFILTER.find(pfState, buf, from2, to);
      if (r >= 0) {
        openWindow(buf, from2, r, to, lineTotal - (to - from2));
      } else {
        pfState = -1 - r;
        remember(buf, from2, to);
      }
    }
  }

  // The window starts up to WINDOW_BEFORE bytes before the keyword's end, in this read or the
  // bytes remembered from the one before.
  private void openWindow(byte[] buf, int from, int hitEnd, int to, long fromOffset) {
    int fromHere = Math.min(hitEnd - from, WINDOW_BEFORE);
    int fromRecent = Math.min(recentLen, WINDOW_BEFORE - fromHere);
    System.arraycopy(recent, recentLen - fromRecent, window, 0, fromRecent);
    int start = hitEnd - fromHere;
    int take = Math.min(WINDOW - fromRecent, to - start);
    System.arraycopy(buf, start, window, fromRecent, take);
    windowLen = fromRecent + take;
    windowAt = fromOffset + (start - from) - fromRecent;
  }

  private void remember(byte[] buf, int from, int to) {
    int n = to - from;
    if (n >= recent.length) {
      System.arraycopy(buf, to - recent.length, recent, 0, recent.length);
      recentLen = recent.length;
      return;
    }
    int keepOld = Math.min(recentLen, recent.length - n);
    System.arraycopy(recent, recentLen - keepOld, recent, 0, keepOld);
    System.arraycopy(buf, from, recent, keepOld, n);
    recentLen = keepOld + n;
  }

  /** Writes the held line: a key body as the mask, a long line cut with what was left out. */
  private void writeHeldLine(boolean newline) {
    String probe =
        keys.inside() || hasDashes(line, 0, lineLen)
            ? new String(line, 0, Math.min(lineLen, 512), StandardCharsets.ISO_8859_1)
            : "";
    if (!probe.isEmpty() && keys.body(probe)) {
      write(MASK);
    } else if (lineTotal <= LINE_CAP) {
      write(line, 0, lineLen);
    } else if (windowLen > 0) {
      int head = LINE_CAP - WINDOW - 2 * MARKER_ROOM;
      byte[] gap = ascii(" [... " + (windowAt - head) + " bytes] ");
      write(line, 0, head);
      write(gap);
      write(window, 0, windowLen);
      long shown = head + windowLen;
      writeCut(lineTotal + gap.length, shown + gap.length);
    } else {
      int head = LINE_CAP - MARKER_ROOM;
      write(line, 0, head);
      writeCut(lineTotal, head);
    }
    if (newline) {
      write(NEWLINE);
    }
    lineLen = 0;
    lineTotal = 0;
    windowLen = 0;
    recentLen = 0;
    headHit = false;
    pfState = 0;
  }

  /**
   * Ends a cut line with {@link #CUT_MARK}: the length the line would have if nothing were left
   * out, which the engine reads back to say how much is missing.
   */
  private void writeCut(long total, long shown) {
    if (total > shown) {
      write(ascii(CUT_MARK + total + "\u0007"));
    }
  }

  private void write(byte[] b) {
    write(b, 0, b.length);
  }

  private void write(byte[] b, int off, int n) {
    sink.write(b, off, n);
    out += n;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private void endLine() {
    // `line` just ended; the next one starts at `out`.
    while (!pending.isEmpty() && pending.peek().ownTo() + TRAIL <= lineNo) {
      Pending p = pending.poll();
      add(new Range(p.from(), out, p.firstLine(), p.ownFrom(), p.ownTo()));
    }
    if (out - ownStartOut >= targetBytes) {
      pending.add(new Pending(scanStartOut, firstLine, ownFrom, lineNo));
      ownFrom = lineNo + 1;
      firstLine = Math.max(1, ownFrom - LEAD);
      ownStartOut = out;
      scanStartOut = firstLine == ownFrom ? out : starts[(int) (firstLine % starts.length)];
    }
    lineNo++;
    starts[(int) (lineNo % starts.length)] = out;
  }

  /**
   * Ends the log: hands out the chunks still open and returns every chunk, in order (each is a
   * small record: a whole log's list stays small).
   */
  public List<Range> finish() {
    if (!finished) {
      finished = true;
      if (lineTotal > 0) {
        // A last line without a newline is still a line, written without one.
        writeHeldLine(false);
        lineNo++;
      }
      long lastLine = lineNo - 1;
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
    return lineTotal > 0 && !finished ? lineNo : lineNo - 1;
  }

  /** Bytes read from the log. */
  public long bytesRead() {
    return raw;
  }
}
