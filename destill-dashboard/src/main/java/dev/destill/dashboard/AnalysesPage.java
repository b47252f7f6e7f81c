package dev.destill.dashboard;

import dev.destill.server.analysis.Analyses;
import dev.destill.server.analysis.Listing;
import dev.destill.server.analysis.Query;
import dev.destill.server.analysis.Snapshot;
import dev.destill.server.analysis.Status;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Page 1, the analyses: newest first, filtered and paged on the server, each row with its status
 * (and progress while it runs) and its top finding's first line. The rows are also sent alone, as
 * the live update of the event stream. Thread-safe.
 */
final class AnalysesPage {
  static final int PAGE = 25;

  /** Listings a search looks through. */
  static final int SEARCHED = 10_000;

  static final List<String> PROVIDERS = List.of("github", "buildkite", "gitlab", "upload");
  static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);

  /** What the page was asked for. */
  record Filter(
      String provider,
      String pipeline,
      String branch,
      Optional<Status> state,
      String search,
      int offset) {

    /** The query string of this filter (without the offset), for links and the stream. */
    String queryString() {
      Map<String, String> m = new LinkedHashMap<>();
      m.put("provider", provider);
      m.put("pipeline", pipeline);
      m.put("branch", branch);
      m.put("state", state.map(Status::id).orElse(""));
      m.put("q", search);
      StringBuilder sb = new StringBuilder();
      m.forEach(
          (k, v) -> {
            if (!v.isEmpty()) {
              sb.append(sb.isEmpty() ? "" : "&").append(k).append('=').append(Html.query(v));
            }
          });
      return sb.toString();
    }
  }

  /** One page of rows, and whether there are more. */
  record Rows(List<Listing> rows, boolean more) {}

  private final Analyses analyses;
  private final Summaries summaries;

  AnalysesPage(Analyses analyses, Summaries summaries) {
    this.analyses = analyses;
    this.summaries = summaries;
  }

  Rows rows(Filter f) {
    if (f.search().isBlank()) {
      List<Listing> found =
          analyses.recent(
              new Query(f.provider(), f.pipeline(), f.branch(), f.state(), f.offset(), PAGE + 1));
      boolean more = found.size() > PAGE;
      return new Rows(more ? found.subList(0, PAGE) : found, more);
    }
    String needle = f.search().toLowerCase(Locale.ROOT).strip();
    List<Listing> hits = new ArrayList<>();
    int skipped = 0;
    for (Listing l :
        analyses.recent(
            new Query(f.provider(), f.pipeline(), f.branch(), f.state(), 0, SEARCHED))) {
      if (!matches(l, needle)) {
        continue;
      }
      if (skipped < f.offset()) {
        skipped++;
        continue;
      }
      hits.add(l);
      if (hits.size() > PAGE) {
        break;
      }
    }
    boolean more = hits.size() > PAGE;
    return new Rows(more ? hits.subList(0, PAGE) : hits, more);
  }

  private static boolean matches(Listing l, String needle) {
    for (String s :
        List.of(
            l.requestId(),
            l.title(),
            l.target(),
            l.labels().pipeline(),
            l.labels().branch(),
            l.labels().provider())) {
      if (s.toLowerCase(Locale.ROOT).contains(needle)) {
        return true;
      }
    }
    return false;
  }

  /** The whole page's body. */
  String body(Filter f) {
    Rows rows = rows(f);
    StringBuilder body = new StringBuilder(8192);
    rowsHtml(body, rows.rows());
    String rowsHtml = body.toString();
    StringBuilder sb = new StringBuilder(rowsHtml.length() + 8192);
    sb.append("<h1>Analyses</h1>");
    form(sb, f);
    String qs = f.queryString();
    // The stream is told which rows the page has, so it sends only a change.
    String stream =
        "/events/analyses?"
            + (qs.isEmpty() ? "" : qs + "&")
            + "offset="
            + f.offset()
            + "&seen="
            + digest(rowsHtml);
    sb.append("<p class=\"live\" id=\"live\" aria-live=\"polite\">")
        .append("New analyses appear here as they start.</p>")
        .append("<table class=\"analyses\" hx-ext=\"sse\" sse-connect=\"")
        .append(Html.attr(stream))
        .append("\"><caption class=\"sr-only\">Recent analyses, newest first</caption>")
        .append("<thead><tr><th scope=\"col\">Status</th><th scope=\"col\">Build</th>")
        .append("<th scope=\"col\">Findings</th><th scope=\"col\">Started</th></tr></thead>")
        .append("<tbody id=\"rows\" sse-swap=\"rows\">");
    rowsHtml(sb, rows.rows());
    sb.append("</tbody></table>");
    pager(sb, f, rows.more());
    return sb.toString();
  }

  private static void form(StringBuilder sb, Filter f) {
    sb.append("<form class=\"filters\" method=\"get\" action=\"/\" role=\"search\">")
        .append("<label>Search <input type=\"search\" name=\"q\" id=\"search\" value=\"")
        .append(Html.attr(f.search()))
        .append("\" placeholder=\"title, pipeline, branch, id\"></label>")
        .append("<label>Provider <select name=\"provider\"><option value=\"\">any</option>");
    for (String p : PROVIDERS) {
      option(sb, p, p, p.equals(f.provider()));
    }
    sb.append("</select></label>")
        .append("<label>Pipeline <input type=\"text\" name=\"pipeline\" value=\"")
        .append(Html.attr(f.pipeline()))
        .append("\" placeholder=\"owner/repo\"></label>")
        .append("<label>Branch <input type=\"text\" name=\"branch\" value=\"")
        .append(Html.attr(f.branch()))
        .append("\"></label>")
        .append("<label>State <select name=\"state\"><option value=\"\">any</option>");
    for (Status s : Status.values()) {
      option(sb, s.id(), s.id(), f.state().map(x -> x == s).orElse(false));
    }
    sb.append("</select></label><button type=\"submit\">Filter</button>")
        .append("<a class=\"reset\" href=\"/\">Reset</a></form>");
  }

  private static void option(StringBuilder sb, String value, String label, boolean selected) {
    sb.append("<option value=\"").append(Html.attr(value)).append('"');
    if (selected) {
      sb.append(" selected");
    }
    sb.append('>').append(Html.text(label)).append("</option>");
  }

  private static void pager(StringBuilder sb, Filter f, boolean more) {
    String qs = f.queryString();
    String base = "/?" + (qs.isEmpty() ? "" : qs + "&");
    sb.append("<nav class=\"pager\" aria-label=\"Pages of analyses\">");
    if (f.offset() > 0) {
      sb.append("<a rel=\"prev\" href=\"")
          .append(Html.attr(base + "offset=" + Math.max(0, f.offset() - PAGE)))
          .append("\">Newer</a>");
    }
    sb.append("<span>")
        .append(f.offset() + 1)
        .append("–")
        .append(f.offset() + PAGE)
        .append("</span>");
    if (more) {
      sb.append("<a rel=\"next\" href=\"")
          .append(Html.attr(base + "offset=" + (f.offset() + PAGE)))
          .append("\">Older</a>");
    }
    sb.append("</nav>");
  }

  /** The rows alone (the table body), as the page and its live update show them. */
  String rowsHtml(Filter f) {
    StringBuilder sb = new StringBuilder(8192);
    rowsHtml(sb, rows(f).rows());
    return sb.toString();
  }

  private void rowsHtml(StringBuilder sb, List<Listing> rows) {
    if (rows.isEmpty()) {
      sb.append("<tr><td colspan=\"4\" class=\"empty\">No analyses match.</td></tr>");
      return;
    }
    for (Listing l : rows) {
      String href = "/analyses/" + Html.segment(l.requestId());
      sb.append("<tr class=\"row\" data-href=\"")
          .append(Html.attr(href))
          .append("\"><td data-label=\"Status\">");
      status(sb, l.status());
      if (!l.status().isFinal()) {
        progress(sb, l);
      }
      sb.append("</td><td data-label=\"Build\"><a class=\"title\" href=\"")
          .append(Html.attr(href))
          .append("\">")
          .append(Html.text(l.title().isBlank() ? l.target() : l.title()))
          .append("</a><div class=\"labels\">");
      label(sb, l.labels().provider());
      label(sb, l.labels().pipeline());
      label(sb, l.labels().branch().isEmpty() ? "" : "branch " + l.labels().branch());
      sb.append("<span class=\"rid\">").append(Html.text(l.requestId())).append("</span>");
      sb.append("</div>");
      Optional<Summaries.Top> top = l.status().isFinal() ? summaries.top(l) : Optional.empty();
      if (top.isPresent()) {
        sb.append("<div class=\"top\"><code>")
            .append(Html.text(clip(top.get().message(), 300)))
            .append("</code></div>");
      } else if (l.status().isFinal() && l.status() != Status.FAILED) {
        sb.append("<div class=\"top none\">No findings.</div>");
      }
      sb.append("</td><td data-label=\"Findings\" class=\"num\">")
          .append(l.findings())
          .append("</td><td data-label=\"Started\">");
      time(sb, l.created());
      sb.append("</td></tr>");
    }
  }

  private void progress(StringBuilder sb, Listing l) {
    Optional<Snapshot> s = analyses.snapshot(l.requestId());
    int done = s.map(Snapshot::done).orElse(0);
    int total = s.map(Snapshot::total).orElse(0);
    int found = s.map(x -> x.findings().size()).orElse(0);
    sb.append("<div class=\"progress\">");
    if (total > 0) {
      sb.append("<progress max=\"")
          .append(total)
          .append("\" value=\"")
          .append(Math.min(done, total))
          .append("\"></progress> ")
          .append(done)
          .append(" of ")
          .append(total);
    } else {
      sb.append("<progress></progress> starting");
    }
    sb.append(" · ").append(found).append(found == 1 ? " finding" : " findings").append("</div>");
  }

  static void status(StringBuilder sb, Status s) {
    sb.append("<span class=\"st st-").append(s.id()).append("\">").append(s.id()).append("</span>");
  }

  private static void label(StringBuilder sb, String v) {
    if (!v.isBlank()) {
      sb.append("<span class=\"label\">").append(Html.text(v)).append("</span>");
    }
  }

  static void time(StringBuilder sb, Instant t) {
    sb.append("<time datetime=\"")
        .append(t.toString())
        .append("\">")
        .append(TIME.format(t))
        .append("</time>");
  }

  /** A short digest of rows, to tell whether a page already shows them. */
  static String digest(String rows) {
    try {
      byte[] d =
          java.security.MessageDigest.getInstance("SHA-256")
              .digest(rows.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return java.util.HexFormat.of().formatHex(d, 0, 12);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static String clip(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max) + "…";
  }
}
