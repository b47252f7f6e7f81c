package dev.destill.dashboard;

import dev.destill.server.analysis.Listing;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

/**
 * Page 3, recurring failures: the fingerprints that broke the most builds in a window, each with
 * its builds per day (a table the script turns into a chart), first and last seen, pipelines and
 * branches, a sample block and the builds it broke; marked new this week or stopped. Thread-safe
 * (stateless).
 */
final class RecurringPage {
  static final int SHOWN = 20;
  static final int BUILDS_LISTED = 20;

  private RecurringPage() {}

  static String body(List<Recurring.Fingerprint> prints, int days, Optional<String> hash) {
    StringBuilder sb = new StringBuilder(32_768);
    sb.append("<h1>Recurring failures</h1>")
        .append("<form class=\"filters\" method=\"get\" action=\"/failures\">")
        .append("<label>Window <select name=\"days\">");
    for (int w : Recurring.WINDOWS) {
      sb.append("<option value=\"").append(w).append('"');
      if (w == days) {
        sb.append(" selected");
      }
      sb.append(">last ").append(w).append(" days</option>");
    }
    sb.append("</select></label>");
    if (hash.isPresent()) {
      sb.append("<input type=\"hidden\" name=\"hash\" value=\"")
          .append(Html.attr(hash.get()))
          .append("\">");
    }
    sb.append("<button type=\"submit\">Show</button>");
    if (hash.isPresent()) {
      sb.append("<a class=\"reset\" href=\"/failures?days=").append(days).append("\">All</a>");
    }
    sb.append("</form><p class=\"explain\">Fingerprints of likely and related findings that ")
        .append(hash.isPresent() ? "" : "broke at least two ")
        .append(hash.isPresent() ? "" : "builds ")
        .append("in the finished analyses of the last ")
        .append(days)
        .append(" days (the newest ")
        .append(Recurring.SCANNED)
        .append(" analyses the server lists), most builds first.");
    if (days <= Recurring.WEEK) {
      sb.append(" Choose a longer window to see which are new this week and which stopped.");
    }
    sb.append("</p>");
    if (prints.isEmpty()) {
      sb.append("<p class=\"empty\">")
          .append(
              hash.isPresent()
                  ? "This fingerprint was not seen in the window."
                  : "No failure recurred in this window.")
          .append("</p>");
      return sb.toString();
    }
    sb.append("<ol class=\"prints\">");
    int i = 0;
    for (Recurring.Fingerprint p : prints) {
      print(sb, p, i++, hash.isPresent());
    }
    sb.append("</ol>");
    return sb.toString();
  }

  private static void print(StringBuilder sb, Recurring.Fingerprint p, int index, boolean alone) {
    String hid = "fp-" + Html.attr(p.hash());
    sb.append("<li class=\"print\" id=\"").append(hid).append("\" tabindex=\"-1\">");
    sb.append("<h2 class=\"msg\"><code>")
        .append(Html.text(p.sample().map(Summaries.Sample::message).orElse(p.hash())))
        .append("</code>");
    if (p.isNew()) {
      sb.append(" <span class=\"mark new\">new this week</span>");
    }
    if (p.stopped()) {
      sb.append(" <span class=\"mark stopped\">stopped</span>");
    }
    sb.append("</h2><dl class=\"facts\"><dt>Builds</dt><dd class=\"builds\">")
        .append(p.builds())
        .append("</dd><dt>Occurrences</dt><dd>")
        .append(p.occurrences())
        .append("</dd><dt>First seen</dt><dd>");
    AnalysesPage.time(sb, p.firstSeen());
    sb.append("</dd><dt>Last seen</dt><dd>");
    AnalysesPage.time(sb, p.lastSeen());
    sb.append("</dd><dt>Pipelines</dt><dd>")
        .append(p.pipelines().isEmpty() ? "–" : Html.text(String.join(", ", p.pipelines())))
        .append("</dd><dt>Branches</dt><dd>")
        .append(p.branches().isEmpty() ? "–" : Html.text(String.join(", ", p.branches())))
        .append("</dd><dt>Fingerprint</dt><dd><a href=\"/failures?hash=")
        .append(Html.attr(Html.query(p.hash())))
        .append("\"><code>")
        .append(Html.text(p.hash().length() > 12 ? p.hash().substring(0, 12) : p.hash()))
        .append("</code></a></dd></dl>");
    chart(sb, p, index);
    p.sample()
        .ifPresent(
            s -> {
              sb.append("<figure class=\"sample\"><figcaption>Sample from <a href=\"/analyses/")
                  .append(Html.attr(Html.segment(s.requestId())))
                  .append("\">")
                  .append(Html.text(s.requestId()))
                  .append("</a>, ")
                  .append(Html.text(s.job()));
              if (s.line() > 0) {
                sb.append(" line ").append(s.line());
              }
              sb.append("</figcaption><pre class=\"block\">");
              for (String line : s.block()) {
                sb.append("<span class=\"l\"><span class=\"t\">");
                Html.text(sb, line);
                sb.append("</span></span>");
              }
              sb.append("</pre></figure>");
            });
    List<Listing> builds = alone ? p.broke() : p.broke().stream().limit(BUILDS_LISTED).toList();
    sb.append("<details class=\"broke\"")
        .append(alone ? " open" : "")
        .append("><summary>Builds it broke (")
        .append(p.builds())
        .append(")</summary><ul>");
    for (Listing l : builds) {
      sb.append("<li><a href=\"/analyses/")
          .append(Html.attr(Html.segment(l.requestId())))
          .append("\">")
          .append(Html.text(l.title().isBlank() ? l.target() : l.title()))
          .append("</a> ");
      AnalysesPage.time(sb, l.created());
      sb.append("</li>");
    }
    if (builds.size() < p.broke().size()) {
      sb.append("<li><a href=\"/failures?hash=")
          .append(Html.attr(Html.query(p.hash())))
          .append("\">all ")
          .append(p.broke().size())
          .append("</a></li>");
    }
    sb.append("</ul></details></li>");
  }

  /** Builds per day: a table (read by the script to draw the chart, and by screen readers). */
  private static void chart(StringBuilder sb, Recurring.Fingerprint p, int index) {
    String cid = "chart-" + index;
    StringBuilder days = new StringBuilder("[");
    StringBuilder counts = new StringBuilder("[");
    for (int i = 0; i < p.days().size(); i++) {
      LocalDate d = p.days().get(i);
      days.append(i == 0 ? "" : ",").append('"').append(d).append('"');
      counts.append(i == 0 ? "" : ",").append(p.perDay()[i]);
    }
    days.append(']');
    counts.append(']');
    sb.append("<div class=\"chart\" id=\"")
        .append(cid)
        .append("\" role=\"img\" aria-label=\"Builds broken per day\" data-days=\"")
        .append(Html.attr(days.toString()))
        .append("\" data-counts=\"")
        .append(Html.attr(counts.toString()))
        .append("\"></div><details class=\"per-day\"><summary>Builds per day</summary>")
        .append("<table><thead><tr><th scope=\"col\">Day</th><th scope=\"col\">Builds</th>")
        .append("</tr></thead><tbody>");
    for (int i = 0; i < p.days().size(); i++) {
      if (p.perDay()[i] == 0) {
        continue;
      }
      sb.append("<tr><td>")
          .append(p.days().get(i))
          .append("</td><td class=\"num\">")
          .append(p.perDay()[i])
          .append("</td></tr>");
    }
    sb.append("</tbody></table></details>");
  }
}
