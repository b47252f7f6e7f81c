package dev.destill.app.stats;

import dev.destill.core.stats.StatsReport;
import dev.destill.core.stats.StatsRows.NewTemplate;
import dev.destill.core.stats.StatsRows.Spike;
import dev.destill.core.stats.StatsRows.Template;
import dev.destill.core.stats.StatsRows.Total;
import dev.destill.core.stats.StatsRows.Volume;
import java.io.PrintWriter;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** The statistics report as text for a terminal: tables and a sparkline of lines per source. */
final class StatsText {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm'Z'").withZone(ZoneOffset.UTC);
  private static final String BARS = "▁▂▃▄▅▆▇█";
  private static final int TEXT_WIDTH = 70;

  private StatsText() {}

  static void write(StatsReport r, PrintWriter out) {
    out.println(
        "Statistics "
            + TIME.format(r.query().from())
            + " to "
            + TIME.format(r.query().to())
            + ", "
            + r.query().source().map(s -> "source " + clip(s, 60)).orElse("all sources")
            + ", "
            + r.query().stepMinutes()
            + " min per bucket");
    out.println();
    if (r.totals().isEmpty()) {
      out.println("No lines counted in this window.");
    } else {
      Map<String, String> lines = sparklines(r);
      out.printf(
          Locale.ROOT,
          "%-32s %12s %10s %7s  %s%n",
          "SOURCE",
          "LINES",
          "ERRORS",
          "ERR%",
          "LINES OVER TIME");
      for (Total t : r.totals()) {
        out.printf(
            Locale.ROOT,
            "%-32s %12d %10d %6.2f%%  %s%n",
            clip(t.source(), 32),
            t.lines(),
            t.errors(),
            t.errorRate() * 100,
            lines.getOrDefault(t.source(), ""));
      }
    }
    out.println();
    out.println("Top templates");
    if (r.top().isEmpty()) {
      out.println("  none");
    }
    for (Template t : r.top()) {
      out.printf(
          Locale.ROOT,
          "  %10d %8d  %-24s %s%n",
          t.lines(),
          t.errors(),
          clip(t.source(), 24),
          clip(t.template(), TEXT_WIDTH));
    }
    out.println();
    out.println("Error-rate spikes (last hour against the hour before)");
    if (r.spikes().isEmpty()) {
      out.println("  none");
    }
    for (Spike s : r.spikes()) {
      out.printf(
          Locale.ROOT,
          "  %-32s %d errors in %d lines (%.2f%%), before %d in %d (%.2f%%)%s%n",
          clip(s.source(), 32),
          s.lastHour().errors(),
          s.lastHour().lines(),
          s.lastHour().errorRate() * 100,
          s.previousHour().errors(),
          s.previousHour().lines(),
          s.previousHour().errorRate() * 100,
          Double.isInfinite(s.factor())
              ? ", none before"
              : String.format(Locale.ROOT, ", x%.1f", s.factor()));
    }
    out.println();
    out.println("New today");
    if (r.newToday().isEmpty()) {
      out.println("  none");
    }
    for (NewTemplate t : r.newToday()) {
      out.printf(
          Locale.ROOT,
          "  %s %8d  %-24s %s%n",
          TIME.format(t.firstSeen()),
          t.lines(),
          clip(t.source(), 24),
          clip(t.template(), TEXT_WIDTH));
    }
  }

  /** One bar per bucket of the window, scaled to the source's busiest bucket. */
  private static Map<String, String> sparklines(StatsReport r) {
    long step = r.query().stepMinutes() * 60;
    long from = r.query().from().getEpochSecond();
    long first = from - Math.floorMod(from, step);
    int buckets = (int) Math.min(60, (r.query().to().getEpochSecond() - first + step - 1) / step);
    long start = r.query().to().getEpochSecond() - (long) buckets * step;
    Map<String, long[]> by = new LinkedHashMap<>();
    for (Volume v : r.volume()) {
      int at = (int) Math.floorDiv(v.bucket().getEpochSecond() - start, step);
      if (at >= 0 && at < buckets) {
        by.computeIfAbsent(v.source(), s -> new long[buckets])[at] += v.lines();
      }
    }
    Map<String, String> out = new LinkedHashMap<>();
    by.forEach(
        (s, counts) -> {
          long max = 1;
          for (long c : counts) {
            max = Math.max(max, c);
          }
          StringBuilder b = new StringBuilder();
          for (long c : counts) {
            b.append(c == 0 ? ' ' : BARS.charAt((int) Math.min(7, (c * 8 - 1) / max)));
          }
          out.put(s, b.toString());
        });
    return out;
  }

  private static String clip(String s, int max) {
    // Names and templates come from logs: no control character reaches the terminal.
    StringBuilder b = new StringBuilder(s.length());
    s.codePoints().forEach(c -> b.appendCodePoint(Character.isISOControl(c) ? ' ' : c));
    String one = b.toString();
    return one.length() <= max ? one : one.substring(0, max - 1) + "…";
  }
}
