package dev.destill.app.mcp;

import dev.destill.core.DestillException;
import dev.destill.core.engine.BoundedText;
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

  /**
   * One match, or several whose contexts overlap or touch: the first match's line number, every
   * match's, and the lines around them (each line once).
   */
  public record Hit(String job, long line, List<Long> matchLines, List<String> lines) {
    public Hit {
      matchLines = List.copyOf(matchLines);
      lines = List.copyOf(lines);
    }
  }

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
    PendingHit pending = null;
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
        boolean hit = matches(pattern, clean);
        if (hit && index >= to) {
          more = true;
          break;
        }
        boolean shown = hit && index >= from;
        // A match whose context overlaps or touches the open hit's joins it.
        if (pending != null && n > pending.last + 2L * ctx + 1) {
          hits.add(pending.hit(job, ctx));
          pending = null;
        }
        if (pending != null) {
          pending.add(n, clean, shown);
        } else if (shown) {
          pending = new PendingHit(n);
          long k = n - before.size();
          for (String b : before) {
            pending.add(k++, b, false);
          }
          pending.add(n, clean, true);
        }
        if (hit) {
          index++;
        }
        before.addLast(clean);
        if (before.size() > ctx) {
          before.removeFirst();
        }
        if (index >= to && (pending == null || n >= pending.last + ctx)) {
          // The page is full; keep reading only to learn whether more matches follow.
          more = containsMatch(in, pattern, keys);
          break;
        }
      }
    }
    if (pending != null) {
      hits.add(pending.hit(job, ctx));
    }
    return new Result(hits, index, more);
  }

  private static String clean(String line, Secrets.KeyBlocks keys) {
    String visible = LineCleaner.visible(line);
    return keys.body(visible) ? Secrets.MASK : Secrets.mask(LineCleaner.display(visible));
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
    long last;
    final List<Long> matchLines = new ArrayList<>();
    final List<Long> numbers = new ArrayList<>();
    final List<String> lines = new ArrayList<>();

    PendingHit(long line) {
      this.line = line;
      this.last = line;
    }

    void add(long n, String text, boolean match) {
      numbers.add(n);
      lines.add(n + (match ? "> " : ": ") + text);
      if (match) {
        matchLines.add(n);
        last = n;
      }
    }

    /** The hit, with {@code ctx} lines after its last match. */
    Hit hit(String job, int ctx) {
      int end = 0;
      while (end < numbers.size() && numbers.get(end) <= last + ctx) {
        end++;
      }
      return new Hit(job, line, matchLines, lines.subList(0, end));
    }
  }

  static boolean matches(Pattern pattern, String text) {
    Matcher m = pattern.matcher(new BoundedText(text, System.nanoTime() + MATCH_BUDGET_NANOS));
    try {
      return m.find();
    } catch (BoundedText.Expired e) {
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
}
