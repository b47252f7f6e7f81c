package dev.destill.dashboard;

import dev.destill.core.stats.StatsReport;
import dev.destill.core.stats.StatsRows.NewTemplate;
import dev.destill.core.stats.StatsRows.Spike;
import dev.destill.core.stats.StatsRows.Template;
import dev.destill.core.stats.StatsRows.Total;
import dev.destill.core.stats.StatsRows.Volume;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Page 4, the hot stats (the live sources' {@link dev.destill.core.stats.StatsStore}): lines and
 * errors per source over the window (a chart per source, drawn from a table), the top templates,
 * the error-rate spikes and the templates new today; when the server has no hot stats, a plain
 * statement that it has none (never made-up figures). Thread-safe (stateless).
 */
final class StatsPage {
  /** The windows the page offers, in hours, and the bucket of each. */
  static final Map<Integer, Duration> WINDOWS =
      Map.of(1, Duration.ofMinutes(1), 6, Duration.ofMinutes(5), 24, Duration.ofMinutes(15));

  static final int TOP = 20;

  private StatsPage() {}

  static String body(Optional<StatsReport> report, int hours) {
    StringBuilder sb = new StringBuilder(16_384);
    sb.append("<h1>Stats</h1>");
    if (report.isEmpty()) {
      sb.append("<p class=\"notice\" id=\"no-stats\">No live stats are configured on this")
          .append(" server. The hot stats (line and error counts per source, top templates,")
          .append(" spikes) come from the live log sources; this server has none, so there")
          .append(" is nothing to show here. The analyses and recurring failures are on the")
          .append(" other pages.</p>");
      return sb.toString();
    }
    StatsReport r = report.get();
    sb.append("<form class=\"filters\" method=\"get\" action=\"/stats\">")
        .append("<label>Window <select name=\"hours\">");
    for (int h : new TreeSet<>(WINDOWS.keySet())) {
      sb.append("<option value=\"").append(h).append('"');
      if (h == hours) {
        sb.append(" selected");
      }
      sb.append(">last ").append(h).append(h == 1 ? " hour" : " hours").append("</option>");
    }
    sb.append("</select></label><button type=\"submit\">Show</button></form>");
    sb.append("<p class=\"explain\">From ");
    AnalysesPage.time(sb, r.query().from());
    sb.append(" to ");
    AnalysesPage.time(sb, r.query().to());
    sb.append(", in buckets of ").append(r.query().step().toMinutes()).append(" min.</p>");
    spikes(sb, r.spikes());
    totals(sb, r);
    top(sb, r.top());
    fresh(sb, r.newToday());
    return sb.toString();
  }

  private static void spikes(StringBuilder sb, List<Spike> spikes) {
    sb.append("<section class=\"spikes\" aria-labelledby=\"spikes-h\">")
        .append("<h2 id=\"spikes-h\">Spikes</h2>");
    if (spikes.isEmpty()) {
      sb.append("<p>No source's error rate rose in the last hour against the hour before.</p>");
    } else {
      sb.append("<ul>");
      for (Spike s : spikes) {
        sb.append("<li class=\"spike\"><span class=\"mark new\">")
            .append(Html.text(s.source()))
            .append("</span> errors ")
            .append(percent(s.lastHour().errorRate()))
            .append(" of ")
            .append(s.lastHour().lines())
            .append(" lines in the last hour, ")
            .append(percent(s.previousHour().errorRate()))
            .append(" of ")
            .append(s.previousHour().lines())
            .append(" the hour before (×")
            .append(String.format(Locale.ROOT, "%.1f", s.factor()))
            .append(")</li>");
      }
      sb.append("</ul>");
    }
    sb.append("</section>");
  }

  private static void totals(StringBuilder sb, StatsReport r) {
    sb.append("<section class=\"sources\" aria-labelledby=\"src-h\">")
        .append("<h2 id=\"src-h\">Lines and errors per source</h2>");
    if (r.totals().isEmpty()) {
      sb.append("<p class=\"empty\">No lines arrived in this window.</p></section>");
      return;
    }
    List<Instant> buckets = new ArrayList<>();
    for (Instant t = r.query().from(); t.isBefore(r.query().to()); t = t.plus(r.query().step())) {
      buckets.add(t);
    }
    Map<String, long[][]> bySource = new LinkedHashMap<>();
    for (Total t : r.totals()) {
      bySource.put(t.source(), new long[2][buckets.size()]);
    }
    long step = r.query().step().toSeconds();
    for (Volume v : r.volume()) {
      long[][] s = bySource.get(v.source());
      long i = (v.bucket().getEpochSecond() - r.query().from().getEpochSecond()) / step;
      if (s != null && i >= 0 && i < buckets.size()) {
        s[0][(int) i] += v.lines();
        s[1][(int) i] += v.errors();
      }
    }
    sb.append(
            "<div class=\"table-scroll\"><table class=\"totals\"><thead><tr><th scope=\"col\">Source</th>")
        .append("<th scope=\"col\" class=\"num\">Lines</th><th scope=\"col\" class=\"num\">")
        .append("Errors</th><th scope=\"col\" class=\"num\">Error rate</th></tr></thead><tbody>");
    for (Total t : r.totals()) {
      sb.append("<tr><td data-label=\"Source\">")
          .append(Html.text(t.source()))
          .append("</td><td data-label=\"Lines\" class=\"num\">")
          .append(t.lines())
          .append("</td><td data-label=\"Errors\" class=\"num\">")
          .append(t.errors())
          .append("</td><td data-label=\"Error rate\" class=\"num\">")
          .append(percent(t.errorRate()))
          .append("</td></tr>");
    }
    sb.append("</tbody></table></div>");
    int i = 0;
    for (var e : bySource.entrySet()) {
      StringBuilder xs = new StringBuilder("[");
      StringBuilder lines = new StringBuilder("[");
      StringBuilder errors = new StringBuilder("[");
      for (int b = 0; b < buckets.size(); b++) {
        String sep = b == 0 ? "" : ",";
        xs.append(sep).append(buckets.get(b).getEpochSecond());
        lines.append(sep).append(e.getValue()[0][b]);
        errors.append(sep).append(e.getValue()[1][b]);
      }
      sb.append("<figure class=\"volume\"><figcaption>")
          .append(Html.text(e.getKey()))
          .append(": lines and errors per ")
          .append(r.query().step().toMinutes())
          .append(" min</figcaption><div class=\"chart stats-chart\" id=\"stats-")
          .append(i++)
          .append("\" role=\"img\" aria-label=\"Lines and errors over time\" data-xs=\"")
          .append(Html.attr(xs.append(']').toString()))
          .append("\" data-lines=\"")
          .append(Html.attr(lines.append(']').toString()))
          .append("\" data-errors=\"")
          .append(Html.attr(errors.append(']').toString()))
          .append("\"></div></figure>");
    }
    sb.append("</section>");
  }

  private static void top(StringBuilder sb, List<Template> top) {
    sb.append("<section class=\"templates\" aria-labelledby=\"top-h\">")
        .append("<h2 id=\"top-h\">Top templates</h2>");
    if (top.isEmpty()) {
      sb.append("<p class=\"empty\">No templates in this window.</p></section>");
      return;
    }
    sb.append(
            "<div class=\"table-scroll\"><table class=\"top-templates\"><thead><tr><th scope=\"col\">Source</th>")
        .append("<th scope=\"col\">Template</th><th scope=\"col\" class=\"num\">Lines</th>")
        .append("<th scope=\"col\" class=\"num\">Errors</th></tr></thead><tbody>");
    for (Template t : top) {
      sb.append("<tr><td data-label=\"Source\">")
          .append(Html.text(t.source()))
          .append("</td><td data-label=\"Template\"><code>")
          .append(Html.text(AnalysesPage.clip(t.template(), 500)))
          .append("</code></td><td data-label=\"Lines\" class=\"num\">")
          .append(t.lines())
          .append("</td><td data-label=\"Errors\" class=\"num\">")
          .append(t.errors())
          .append("</td></tr>");
    }
    sb.append("</tbody></table></div></section>");
  }

  private static void fresh(StringBuilder sb, List<NewTemplate> fresh) {
    sb.append("<section class=\"new-templates\" aria-labelledby=\"new-h\">")
        .append("<h2 id=\"new-h\">New today</h2>");
    if (fresh.isEmpty()) {
      sb.append("<p>No template was first seen today (UTC).</p></section>");
      return;
    }
    sb.append("<ul>");
    for (NewTemplate n : fresh) {
      sb.append("<li><span class=\"label\">")
          .append(Html.text(n.source()))
          .append("</span> <code>")
          .append(Html.text(AnalysesPage.clip(n.template(), 500)))
          .append("</code> · first ");
      AnalysesPage.time(sb, n.firstSeen());
      sb.append(", ").append(n.lines()).append(n.lines() == 1 ? " line" : " lines").append("</li>");
    }
    sb.append("</ul></section>");
  }

  private static String percent(double rate) {
    return String.format(Locale.ROOT, "%.1f%%", rate * 100);
  }
}
