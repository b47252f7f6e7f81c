package dev.destill.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import dev.destill.server.analysis.Status;
import java.util.Locale;
import java.util.Optional;

/**
 * Page 2, one analysis, from its API document (the {@code analyze --format json} contract plus
 * {@code request_id} and {@code status}): the jobs and their states, the explanation when one is
 * stored, and the ranked findings with their block and numbered lines, the context behind a
 * disclosure, job and step, how often earlier builds showed them (linked to the fingerprint), a
 * link to the build on the CI provider's host, a copy button and a permalink each. Pure: the same
 * document gives the same HTML. Thread-safe (stateless).
 */
final class AnalysisPage {
  /** The most findings a page shows (the API's own bound). */
  static final int MAX_FINDINGS = 500;

  private AnalysisPage() {}

  /**
   * The page body.
   *
   * @param doc the API document
   * @param search show only findings whose lines contain this (case-insensitive); blank: all
   */
  static String body(JsonNode doc, String search) {
    // Sized for the findings' lines (about 12 KiB of HTML each with their context), grown rarely.
    StringBuilder sb = new StringBuilder(64 * 1024 + doc.path("findings").size() * 12 * 1024);
    String rid = doc.path("request_id").asText();
    String title = doc.path("title").asText();
    if (title.isBlank()) {
      title = doc.path("input").asText(rid);
    }
    String input = doc.path("input").asText();
    Optional<String> ci = CiLinks.build(input);
    Status status = Status.parse(doc.path("status").asText()).orElse(Status.PENDING);
    sb.append("<h1 class=\"title\">").append(Html.text(title)).append("</h1>");
    sb.append("<p class=\"meta\">");
    AnalysesPage.status(sb, status);
    sb.append(" <span class=\"rid\">").append(Html.text(rid)).append("</span>");
    if (ci.isPresent()) {
      sb.append(" · <a class=\"ci\" rel=\"noopener noreferrer\" target=\"_blank\" href=\"")
          .append(Html.attr(ci.get()))
          .append("\">Open the build on ")
          .append(Html.text(CiLinks.host(ci.get())))
          .append("</a>");
    }
    sb.append(" · <a href=\"/api/v1/analyses/")
        .append(Html.attr(Html.segment(rid)))
        .append("?top=500\">JSON</a></p>");
    if (!status.isFinal()) {
      sb.append("<p class=\"notice\">This analysis is ")
          .append(status.id())
          .append(": the findings so far are shown unranked. Reload to see more.</p>");
    }
    if (doc.hasNonNull("error")) {
      sb.append("<p class=\"notice error\">It failed: ")
          .append(Html.text(doc.path("error").asText()))
          .append("</p>");
    }
    jobs(sb, doc.path("jobs"));
    baseline(sb, doc.path("baseline"));
    explanation(sb, doc);
    warnings(sb, doc.path("warnings"));
    findings(sb, doc, input, search);
    return sb.toString();
  }

  private static void jobs(StringBuilder sb, JsonNode jobs) {
    sb.append("<section class=\"jobs\" aria-labelledby=\"jobs-h\"><h2 id=\"jobs-h\">Jobs</h2>");
    if (jobs.isEmpty()) {
      sb.append("<p>No jobs yet.</p></section>");
      return;
    }
    sb.append("<table><thead><tr><th scope=\"col\">Job</th><th scope=\"col\">State</th>")
        .append("<th scope=\"col\">Lines</th><th scope=\"col\">Exit</th></tr></thead><tbody>");
    for (JsonNode j : jobs) {
      String state = j.path("state").asText();
      sb.append("<tr><td data-label=\"Job\">")
          .append(Html.text(j.path("name").asText()))
          .append("</td><td data-label=\"State\"><span class=\"js js-")
          .append(Html.attr(state.replaceAll("[^a-z]", "")))
          .append("\">")
          .append(Html.text(state))
          .append("</span></td><td data-label=\"Lines\" class=\"num\">")
          .append(j.path("lines").asLong())
          .append("</td><td data-label=\"Exit\" class=\"num\">")
          .append(j.has("exit_status") ? String.valueOf(j.path("exit_status").asInt()) : "&ndash;")
          .append("</td></tr>");
    }
    sb.append("</tbody></table></section>");
  }

  private static void explanation(StringBuilder sb, JsonNode doc) {
    JsonNode e = doc.path("explanation");
    if (!e.isObject()) {
      return;
    }
    sb.append("<section class=\"explanation\" aria-labelledby=\"expl-h\">")
        .append("<h2 id=\"expl-h\">Explanation</h2>")
        .append("<p class=\"by\">By the model ")
        .append(Html.text(e.path("model").asText()))
        .append(", confidence ")
        .append(Html.text(e.path("confidence").asText()));
    if (e.path("cached").asBoolean()) {
      String from = e.path("cached_from").asText();
      sb.append(", reused from ")
          .append(from.isBlank() ? "an earlier analysis of the same failure" : Html.text(from));
    }
    sb.append(". Check it against the lines it cites.</p>")
        .append("<p class=\"cause\"><strong>Root cause:</strong> ")
        .append(Html.text(e.path("root_cause").asText()))
        .append("</p>");
    if (!e.path("fix").asText().isBlank()) {
      sb.append("<p><strong>Suggested fix:</strong> ")
          .append(Html.text(e.path("fix").asText()))
          .append("</p>");
    }
    if (e.path("evidence").size() > 0) {
      sb.append("<p>Cited lines: ");
      boolean first = true;
      for (JsonNode ev : e.path("evidence")) {
        String job = ev.path("job").asText();
        long line = ev.path("line").asLong();
        Optional<String> at = findingAt(doc.path("findings"), job, line);
        sb.append(first ? "" : ", ");
        first = false;
        if (at.isPresent()) {
          sb.append("<a href=\"#finding-").append(Html.attr(at.get())).append("\">");
        }
        sb.append(Html.text(job)).append(':').append(line);
        if (at.isPresent()) {
          sb.append("</a>");
        }
      }
      sb.append("</p>");
    }
    if (!e.path("verified").asBoolean(true)) {
      sb.append("<p class=\"notice\">Some lines it cites were not among those it was sent;")
          .append(" they are left out.</p>");
    }
    sb.append("</section>");
  }

  private static Optional<String> findingAt(JsonNode findings, String job, long line) {
    for (JsonNode f : findings) {
      if (f.path("job").asText().equals(job)
          && f.path("line").asLong() <= line
          && line <= f.path("end_line").asLong()) {
        return Optional.of(f.path("id").asText());
      }
    }
    return Optional.empty();
  }

  private static void warnings(StringBuilder sb, JsonNode warnings) {
    if (warnings.isEmpty()) {
      return;
    }
    sb.append("<section class=\"warnings\" aria-labelledby=\"warn-h\">")
        .append("<h2 id=\"warn-h\">Warnings</h2><ul>");
    for (JsonNode w : warnings) {
      sb.append("<li>").append(Html.text(w.asText())).append("</li>");
    }
    sb.append("</ul></section>");
  }

  /**
   * The passing build the failed jobs were compared with ({@code baseline}), when the document
   * says: which one, how it was chosen, and how many lines it knew; or why there was none.
   */
  private static void baseline(StringBuilder sb, JsonNode b) {
    if (!b.isObject()) {
      return;
    }
    sb.append("<section class=\"baseline\" aria-labelledby=\"base-h\">")
        .append("<h2 id=\"base-h\">Baseline</h2><p>");
    String note = b.path("note").asText();
    if (!b.path("found").asBoolean(b.hasNonNull("source"))) {
      sb.append("No passing build to compare with");
      if (!note.isBlank()) {
        sb.append(" (").append(Html.text(note)).append(')');
      }
      sb.append(": every finding's novelty is unknown.</p></section>");
      return;
    }
    String source = b.path("source").asText();
    sb.append("Compared with ");
    Optional<String> link = CiLinks.build(source);
    if (link.isPresent()) {
      sb.append("<a class=\"base\" rel=\"noopener noreferrer\" target=\"_blank\" href=\"")
          .append(Html.attr(link.get()))
          .append("\">")
          .append(Html.text(source))
          .append("</a>");
    } else {
      sb.append("<span class=\"base\">").append(Html.text(source)).append("</span>");
    }
    if (!note.isBlank()) {
      sb.append(" (").append(Html.text(note)).append(')');
    }
    sb.append(": ")
        .append(b.path("jobs").asInt())
        .append(b.path("jobs").asInt() == 1 ? " failed job" : " failed jobs")
        .append(" compared, <span class=\"lines-known\">")
        .append(b.path("lines_known").asLong())
        .append("</span> lines it also had, <span class=\"lines-new\">")
        .append(b.path("lines_new").asLong())
        .append("</span> new.</p></section>");
  }

  private static void findings(StringBuilder sb, JsonNode doc, String input, String search) {
    JsonNode all = doc.path("findings");
    int total = doc.path("total_findings").asInt(all.size());
    String needle = search.strip().toLowerCase(Locale.ROOT);
    sb.append("<section class=\"findings\" aria-labelledby=\"find-h\">")
        .append("<h2 id=\"find-h\">Findings</h2>")
        .append("<form class=\"filters\" method=\"get\" role=\"search\">")
        .append("<label>Search the findings <input type=\"search\" id=\"search\" name=\"q\"")
        .append(" value=\"")
        .append(Html.attr(search))
        .append("\"></label><button type=\"submit\">Search</button></form>");
    int shown = 0;
    for (JsonNode f : all) {
      if (needle.isEmpty() || contains(f, needle)) {
        shown++;
      }
    }
    sb.append("<p class=\"count\">");
    if (total == 0) {
      sb.append("No findings.");
    } else {
      sb.append(shown).append(" of ").append(total).append(total == 1 ? " finding" : " findings");
      if (total > all.size()) {
        sb.append(" (the page shows the first ").append(all.size()).append(")");
      }
      sb.append(". Keys: <kbd>j</kbd>/<kbd>k</kbd> move, <kbd>Enter</kbd> context, ")
          .append("<kbd>y</kbd> copy, <kbd>o</kbd> open in CI, <kbd>?</kbd> help.");
    }
    sb.append("</p><ol class=\"findings\">");
    java.util.function.LongFunction<Optional<String>> ci = CiLinks.forInput(input);
    for (JsonNode f : all) {
      if (needle.isEmpty() || contains(f, needle)) {
        finding(sb, f, ci.apply(f.path("line").asLong()));
      }
    }
    sb.append("</ol></section>");
  }

  private static boolean contains(JsonNode f, String needle) {
    for (JsonNode line : f.path("block")) {
      if (line.asText().toLowerCase(Locale.ROOT).contains(needle)) {
        return true;
      }
    }
    return f.path("job").asText().toLowerCase(Locale.ROOT).contains(needle)
        || f.path("step").asText().toLowerCase(Locale.ROOT).contains(needle);
  }

  private static void finding(StringBuilder sb, JsonNode f, Optional<String> ci) {
    String id = "finding-" + f.path("id").asText();
    String eid = Html.attr(id);
    int tier = f.path("tier").asInt();
    long line = f.path("line").asLong();
    long end = f.path("end_line").asLong();
    sb.append("<li class=\"finding tier-")
        .append(tier)
        .append("\" id=\"")
        .append(eid)
        .append("\" tabindex=\"-1\"");
    ci.ifPresent(u -> sb.append(" data-ci=\"").append(Html.attr(u)).append('"'));
    sb.append("><div class=\"head\"><a class=\"permalink\" href=\"#")
        .append(eid)
        .append("\" title=\"Permalink\">#")
        .append(f.path("rank").asInt())
        .append("</a> <span class=\"tier\">tier ")
        .append(tier)
        .append("</span> <span class=\"conf\">")
        .append(twoPlaces(f.path("confidence").asDouble()))
        .append("</span> <span class=\"sev sev-")
        .append(cssName(f.path("severity").asText()))
        .append("\">")
        .append(Html.text(f.path("severity").asText()))
        .append("</span>");
    novelty(sb, f);
    sb.append("</div><h3 class=\"msg\"><code>")
        .append(Html.text(f.path("message").asText()))
        .append("</code></h3><p class=\"where\"><span class=\"job\">")
        .append(Html.text(f.path("job").asText()))
        .append("</span>");
    String step = f.path("step").asText();
    if (!step.isBlank()) {
      sb.append(" &rsaquo; <span class=\"step\">").append(Html.text(step)).append("</span>");
    }
    if (line > 0) {
      sb.append(" · line").append(end > line ? "s " : " ").append(line);
      if (end > line) {
        sb.append("&ndash;").append(end);
      }
    }
    if (f.path("recurrence").asInt() > 1) {
      sb.append(" · ×").append(f.path("recurrence").asInt()).append(" in this build");
    }
    JsonNode h = f.path("history");
    String hash = f.path("hash").asText();
    if (h.isObject() && h.path("builds_known").asInt() > 0) {
      sb.append(" · <a class=\"seen\" href=\"/failures?hash=")
          .append(Html.attr(Html.query(hash)))
          .append("\">seen in ")
          .append(h.path("builds_seen").asInt())
          .append(" of the last ")
          .append(h.path("builds_known").asInt())
          .append(" builds</a>");
    } else {
      sb.append(" · <a class=\"seen\" href=\"/failures?hash=")
          .append(Html.attr(Html.query(hash)))
          .append("\">fingerprint</a>");
    }
    sb.append("</p>");
    String blockId = eid + "-lines";
    sb.append("<pre class=\"block\" id=\"").append(blockId).append("\">");
    lines(sb, f.path("block"), line, "");
    sb.append("</pre>");
    JsonNode pre = f.path("pre_context");
    JsonNode post = f.path("post_context");
    if (pre.size() + post.size() > 0) {
      sb.append("<details class=\"context\"><summary>Context: ")
          .append(pre.size())
          .append(" lines before, ")
          .append(post.size())
          .append(" after</summary><pre>");
      lines(sb, pre, line > 0 ? line - pre.size() : 0, "");
      lines(sb, f.path("block"), line, "hit");
      lines(sb, post, line > 0 ? end + 1 : 0, "");
      sb.append("</pre></details>");
    }
    sb.append("<div class=\"actions\"><button type=\"button\" class=\"copy\" data-copy=\"")
        .append(blockId)
        .append("\">Copy lines</button> <button type=\"button\" class=\"copy-link\"")
        .append(" data-anchor=\"")
        .append(eid)
        .append("\">Copy link</button>");
    if (ci.isPresent()) {
      sb.append(" <a class=\"open-ci\" rel=\"noopener noreferrer\" target=\"_blank\" href=\"")
          .append(Html.attr(ci.get()))
          .append("\">Open in CI")
          .append(ci.get().contains("#L") ? " at line " + line : "")
          .append(" (")
          .append(Html.text(CiLinks.host(ci.get())))
          .append(")</a>");
    }
    sb.append("</div></li>");
  }

  /**
   * Novelty against the baseline (the last green build), when the document has it: {@code new} (the
   * passing build did not have the line), {@code known} (it did) or {@code unknown} (nothing to
   * compare with). Absent, nothing is shown; another value is shown as text, unstyled.
   */
  private static void novelty(StringBuilder sb, JsonNode f) {
    JsonNode n = f.path("novelty");
    if (!n.isTextual() || n.asText().isBlank()) {
      return;
    }
    String v = n.asText();
    String title =
        switch (v) {
          case "new" -> "not in the passing build compared with";
          case "known" -> "the passing build compared with has it too";
          case "unknown" -> "no passing build to compare with";
          default -> "";
        };
    sb.append(" <span class=\"novelty");
    if (!title.isEmpty()) {
      sb.append(" nov-").append(v).append("\" title=\"").append(title);
    }
    sb.append("\">").append(Html.text(v)).append("</span>");
  }

  /** {@code v} with two decimals, as {@code %.2f} gives it (0..1 here). */
  static String twoPlaces(double v) {
    long c = Math.round(v * 100);
    String sign = c < 0 ? "-" : "";
    c = Math.abs(c);
    long frac = c % 100;
    return sign + (c / 100) + "." + (frac < 10 ? "0" : "") + frac;
  }

  /** The letters a to z of {@code s}, for a class name. */
  private static String cssName(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 'a' && c <= 'z') {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static void lines(StringBuilder sb, JsonNode lines, long first, String cls) {
    long n = first;
    for (JsonNode l : lines) {
      sb.append("<span class=\"l");
      if (!cls.isEmpty()) {
        sb.append(' ').append(cls);
      }
      sb.append("\">");
      if (first > 0) {
        sb.append("<span class=\"n\" aria-hidden=\"true\">").append(n).append("</span>");
      }
      sb.append("<span class=\"t\">");
      Html.text(sb, l.asText());
      // Each line is a block (the style sheet's), so no newline between them.
      sb.append("</span></span>");
      n++;
    }
  }
}
