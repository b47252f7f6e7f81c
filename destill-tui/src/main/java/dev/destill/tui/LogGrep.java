package dev.destill.tui;

import dev.destill.core.engine.LineCleaner;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;

/**
 * Searches a job's whole log for a text, ignoring case, so a search finds what no finding holds.
 * Each hit keeps two lines either side. Stateless and thread-safe.
 */
final class LogGrep {
  static final int CONTEXT = 2;

  /** Longer lines are matched on their start only, so one huge line costs no more than others. */
  static final int MAX_LINE = 4096;

  private LogGrep() {}

  /**
   * The first {@code limit} lines of {@code file} that contain {@code query}, CI timestamps and
   * markers stripped for display.
   */
  static List<TriageModel.LogHit> search(String job, Path file, String query, int limit)
      throws IOException {
    String q = query.toLowerCase(Locale.ROOT);
    List<TriageModel.LogHit> hits = new ArrayList<>();
    Deque<String> before = new ArrayDeque<>();
    List<Pending> pending = new ArrayList<>();
    // Malformed bytes become U+FFFD: a log is searched whatever its encoding.
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(Files.newInputStream(file), StandardCharsets.UTF_8))) {
      long n = 0;
      String raw;
      while ((raw = in.readLine()) != null) {
        n++;
        String line =
            LineCleaner.stripPrefix(raw.length() > MAX_LINE ? raw.substring(0, MAX_LINE) : raw);
        for (Pending p : pending) {
          p.after.add(line);
        }
        flush(pending, hits, false);
        if (hits.size() + pending.size() < limit && line.toLowerCase(Locale.ROOT).contains(q)) {
          pending.add(new Pending(job, n, List.copyOf(before), line));
        }
        before.addLast(line);
        if (before.size() > CONTEXT) {
          before.removeFirst();
        }
        if (hits.size() >= limit) {
          break;
        }
      }
    }
    flush(pending, hits, true);
    return hits;
  }

  private static void flush(List<Pending> pending, List<TriageModel.LogHit> hits, boolean all) {
    while (!pending.isEmpty() && (all || pending.get(0).after.size() >= CONTEXT)) {
      Pending p = pending.remove(0);
      hits.add(new TriageModel.LogHit(p.job, p.line, p.before, p.text, p.after));
    }
  }

  private static final class Pending {
    final String job;
    final long line;
    final List<String> before;
    final String text;
    final List<String> after = new ArrayList<>();

    Pending(String job, long line, List<String> before, String text) {
      this.job = job;
      this.line = line;
      this.before = before;
      this.text = text;
    }
  }
}
