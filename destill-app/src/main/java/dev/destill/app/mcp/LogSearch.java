package dev.destill.app.mcp;

import dev.destill.core.DestillException;
import dev.destill.core.engine.LineCleaner;
import dev.destill.core.engine.Secrets;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Searches a log with a regular expression, safely: lines are capped before matching, every match
 * runs under a time budget (a pathological pattern gives up instead of hanging), results are paged
 * and masked. Not thread-safe; one search per instance.
 */
public final class LogSearch {
  public static final int MAX_LINE_CHARS = 2000;
  public static final int PAGE_SIZE = 20;
  public static final int MAX_CONTEXT = 10;
  private static final long MATCH_BUDGET_NANOS = 50_000_000L;

  /** One match: its line number and the lines around it. */
  public record Hit(String job, long line, List<String> lines) {}

  private LogSearch() {}

  public static Pattern compile(String regex) {
    try {
      return Pattern.compile(regex);
    } catch (PatternSyntaxException e) {
      throw new DestillException.BadInput(
          "pattern is not a valid regular expression: " + e.getDescription());
    }
  }

  /**
   * What one log added to a page: its hits, the matches counted so far, and whether more follow.
   */
  public record Result(List<Hit> hits, int matches, boolean more) {}

  /**
   * Searches one log for matches number {@code from} (inclusive) to {@code to} (exclusive),
   * counting across logs: {@code matchesBefore} matches were found in the logs searched before.
   */
  public static Result search(
      String job,
      InputStream log,
      Pattern pattern,
      int context,
      int from,
      int to,
      int matchesBefore)
      throws IOException {
    int ctx = Math.max(0, Math.min(MAX_CONTEXT, context));
    List<Hit> hits = new ArrayList<>();
    Deque<String> before = new ArrayDeque<>();
    List<PendingHit> open = new ArrayList<>();
    int index = matchesBefore;
    long n = 0;
    boolean more = false;
    // A private key's body is masked whole: its state follows the log from its first line.
    Secrets.KeyBlocks keys = new Secrets.KeyBlocks();
    try (InputStream in = new BufferedInputStream(log, 1 << 16)) {
      String line;
      while ((line = readLine(in)) != null) {
        n++;
        String clean = clean(line, keys);
        for (PendingHit p : open) {
          p.lines.add(n + ": " + clean);
        }
        open.removeIf(
            p -> {
              if (p.lines.size() >= p.want) {
                hits.add(new Hit(job, p.line, List.copyOf(p.lines)));
                return true;
              }
              return false;
            });
        if (matches(pattern, clean)) {
          if (index >= to) {
            more = true;
            break;
          }
          if (index >= from) {
            PendingHit p = new PendingHit(n, before.size() + 1 + ctx);
            p.lines.addAll(before);
            p.lines.add(n + "> " + clean);
            open.add(p);
          }
          index++;
        }
        before.addLast(n + ": " + clean);
        if (before.size() > ctx) {
          before.removeFirst();
        }
        if (index >= to && open.isEmpty()) {
          // The page is full; keep reading only to learn whether more matches follow.
          more = containsMatch(in, pattern, keys);
          break;
        }
      }
    }
    for (PendingHit p : open) {
      hits.add(new Hit(job, p.line, List.copyOf(p.lines)));
    }
    return new Result(hits, index, more);
  }

  private static String clean(String line, Secrets.KeyBlocks keys) {
    String visible = LineCleaner.visible(line);
    return keys.body(visible) ? Secrets.MASK : Secrets.mask(visible);
  }

  private static boolean containsMatch(InputStream in, Pattern pattern, Secrets.KeyBlocks keys)
      throws IOException {
    String line;
    while ((line = readLine(in)) != null) {
      if (matches(pattern, clean(line, keys))) {
        return true;
      }
    }
    return false;
  }

  private static final class PendingHit {
    final long line;
    final List<String> lines = new ArrayList<>();
    final int want;

    PendingHit(long line, int want) {
      this.line = line;
      this.want = want;
    }
  }

  static boolean matches(Pattern pattern, String text) {
    Matcher m = pattern.matcher(new Deadline(text, System.nanoTime() + MATCH_BUDGET_NANOS));
    try {
      return m.find();
    } catch (Deadline.Expired e) {
      throw new DestillException.BadInput(
          "pattern is too slow on this log (catastrophic backtracking?); " + "simplify it");
    }
  }

  /** A line of the log split on \n only, capped at MAX_LINE_CHARS; null at the end. */
  static String readLine(InputStream in) throws IOException {
    java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream(256);
    int b;
    boolean any = false;
    while ((b = in.read()) >= 0) {
      any = true;
      if (b == '\n') {
        break;
      }
      if (buf.size() < MAX_LINE_CHARS * 4) {
        buf.write(b);
      }
    }
    if (!any) {
      return null;
    }
    String s = buf.toString(StandardCharsets.UTF_8);
    return s.length() > MAX_LINE_CHARS ? s.substring(0, MAX_LINE_CHARS) : s;
  }

  /** A CharSequence that stops a regex that runs past its deadline. */
  static final class Deadline implements CharSequence {
    static final class Expired extends RuntimeException {
      private static final long serialVersionUID = 1L;

      Expired() {
        super(null, null, false, false);
      }
    }

    private final String text;
    private final long deadline;
    private int calls;

    Deadline(String text, long deadline) {
      this.text = text;
      this.deadline = deadline;
    }

    @Override
    public int length() {
      return text.length();
    }

    @Override
    public char charAt(int index) {
      if ((++calls & 0x3ff) == 0 && System.nanoTime() > deadline) {
        throw new Expired();
      }
      return text.charAt(index);
    }

    @Override
    public CharSequence subSequence(int start, int end) {
      return new Deadline(text.substring(start, end), deadline);
    }

    @Override
    public String toString() {
      return text;
    }
  }
}
