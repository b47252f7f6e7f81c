package dev.destill.app.output;

import dev.destill.app.analysis.AnalysisReport;
import dev.destill.core.engine.LineCleaner;
import dev.destill.core.model.Finding;
import dev.destill.core.model.History;
import dev.destill.core.model.JobState;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A GitHub job summary, PR comment or Buildkite annotation: a compact list of the top findings, the
 * first {@link #OPEN} with their lines, the rest folded in a {@code <details>}. Lines are shown as
 * {@link LineCleaner#display} has them; text outside code blocks cannot mention anyone, link an
 * issue or become a link. The whole stays under {@link #MAX_BYTES} whatever the findings are.
 * Thread-safe.
 */
public final class MarkdownReport {
  /** How many findings are shown open; the others are folded. */
  static final int OPEN = 3;

  /** GitHub refuses a step summary over 1 MiB; this leaves room for what else a step appends. */
  static final int MAX_BYTES = 512 * 1024;

  private static final int OPEN_LINES = 20;
  private static final int FOLDED_LINES = 8;
  private static final int LINE_CHARS = 300;
  private static final int MESSAGE_CHARS = 160;

  /** What {@link LineCleaner} appends to a line it cut; Markdown ends it with "…" instead. */
  private static final Pattern CUT = Pattern.compile(" \\[\\.\\.\\. \\d+ more (?:bytes|chars)]$");

  private static final Pattern MENTION = Pattern.compile("([@#])(?=[\\w-])");
  private static final Pattern LINKISH =
      Pattern.compile("(?i)(://|www\\.|\\.(?:com|org|net|io|dev)\\b)");

  private MarkdownReport() {}

  public static void write(AnalysisReport report, int top, PrintWriter out) {
    out.print(render(report, top));
    out.flush();
  }

  /** The whole Markdown document. */
  public static String render(AnalysisReport report, int top) {
    List<Finding> findings = report.findings();
    int wanted = Math.min(top, findings.size());
    StringBuilder head = new StringBuilder();
    head.append("## Destill: why ").append(prose(report.title())).append(" failed\n\n");
    long failed = report.jobs().stream().filter(j -> j.state() == JobState.FAILED).count();
    head.append(
        String.format(
            Locale.ROOT,
            "%d job%s (%d failed) · %d finding%s\n",
            report.jobs().size(),
            report.jobs().size() == 1 ? "" : "s",
            failed,
            findings.size(),
            findings.size() == 1 ? "" : "s"));
    report
        .baseline()
        .ifPresent(b -> head.append("\n").append(prose(clip(b.describe(), 300))).append('\n'));
    for (String w : report.warnings()) {
      head.append("\n> warning: ").append(prose(clip(w, 300))).append('\n');
    }
    if (report.explanation().isPresent()) {
      java.io.StringWriter explained = new java.io.StringWriter();
      PrintWriter pw = new PrintWriter(explained);
      ExplanationText.markdown(report, report.explanation().get(), pw);
      pw.flush();
      head.append('\n').append(explained);
    }
    String tail =
        "\n<sub>request "
            + code(report.requestId())
            + " · reopen with "
            + code("destill view " + report.requestId())
            + "</sub>\n";
    if (wanted == 0) {
      return head + "\nNo failure found in the logs given.\n" + tail;
    }
    int budget = MAX_BYTES - bytes(head) - bytes(tail) - 200;
    StringBuilder body = new StringBuilder("\n");
    int shown = 0;
    boolean folded = false;
    for (int i = 0; i < wanted; i++) {
      boolean open = i < OPEN;
      StringBuilder item = new StringBuilder();
      if (!open && !folded) {
        item.append("<details>\n<summary>")
            .append(wanted - OPEN)
            .append(" more finding")
            .append(wanted - OPEN == 1 ? "" : "s")
            .append("</summary>\n\n");
      }
      item.append(
          item(
              findings.get(i), i + 1, open ? OPEN_LINES : FOLDED_LINES, report.jobs().size() == 1));
      if (bytes(body) + bytes(item) > budget) {
        break;
      }
      folded |= !open;
      body.append(item);
      shown++;
    }
    if (folded) {
      body.append("\n</details>\n");
    }
    if (findings.size() > shown) {
      body.append('\n')
          .append(findings.size() - shown)
          .append(" more finding")
          .append(findings.size() - shown == 1 ? "" : "s")
          .append(" not shown (")
          .append(code("destill view " + report.requestId() + " --top " + findings.size()))
          .append(").\n");
    }
    return head.append(body).append(tail).toString();
  }

  /** One list item: a summary line, then the block in a code block indented under it. */
  private static String item(Finding f, int rank, int maxLines, boolean oneJob) {
    StringBuilder sb = new StringBuilder();
    sb.append("- **").append(rank).append(".** ");
    sb.append(prose(clip(LineCleaner.display(f.message()).strip(), MESSAGE_CHARS)));
    sb.append("  \n  ");
    // With one job, its name is in the title already: the lines say where.
    if (oneJob && f.line() > 0) {
      sb.append(
          f.endLine() > f.line() ? "lines " + f.line() + "–" + f.endLine() : "line " + f.line());
    } else {
      sb.append(code(TextReport.location(f).replaceAll("  \\[.*$", "")));
    }
    if (!f.step().isEmpty()) {
      sb.append(" · ").append(prose(clip(f.step(), 60)));
    }
    sb.append(
        String.format(
            Locale.ROOT, " · %s · tier %d · %.2f", f.severity().id(), f.tier(), f.confidence()));
    if (f.recurrence() > 1) {
      sb.append(" · ×").append(f.recurrence());
    }
    if (f.history().isPresent()) {
      History h = f.history().get();
      sb.append(" · ")
          .append(h.isNew() ? "new" : "seen in " + h.buildsSeen() + " of last " + h.buildsKnown());
    }
    switch (dev.destill.core.engine.Novelty.of(f)) {
      case NEW -> sb.append(" · **new since baseline**");
      case KNOWN -> sb.append(" · in baseline too");
      case UNKNOWN -> {}
    }
    sb.append("\n\n");
    List<String> lines =
        f.source().id().equals("junit")
            ? concat(f.block(), f.postContext())
            : TextReport.trimTrailingBlank(f.block());
    int n = Math.min(lines.size(), maxLines);
    List<String> shown = lines.subList(0, n).stream().map(MarkdownReport::codeLine).toList();
    String fence = fenceFor(shown);
    sb.append("  ").append(fence).append("text\n");
    for (String l : shown) {
      sb.append("  ").append(l).append('\n');
    }
    if (lines.size() > n) {
      sb.append("  … ").append(lines.size() - n).append(" more lines\n");
    }
    sb.append("  ").append(fence).append("\n\n");
    return sb.toString();
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new java.util.ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  /** A line of a code block: display form, tabs as spaces, cut with "…" rather than a note. */
  static String codeLine(String raw) {
    String l = CUT.matcher(LineCleaner.display(raw)).replaceFirst("…").replace('\t', ' ');
    return clip(l, LINE_CHARS);
  }

  private static String clip(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max - 1) + "…";
  }

  /** A fence longer than any run of backticks in the content. */
  static String fenceFor(List<String> lines) {
    int longest = 0;
    for (String l : lines) {
      int run = 0;
      for (int i = 0; i < l.length(); i++) {
        run = l.charAt(i) == '`' ? run + 1 : 0;
        longest = Math.max(longest, run);
      }
    }
    return "`".repeat(Math.max(3, longest + 1));
  }

  /** An inline code span that holds {@code s} whatever backticks it has. */
  static String code(String s) {
    String t = s.replace('\n', ' ').replace('\r', ' ');
    int longest = 0;
    int run = 0;
    for (int i = 0; i < t.length(); i++) {
      run = t.charAt(i) == '`' ? run + 1 : 0;
      longest = Math.max(longest, run);
    }
    String ticks = "`".repeat(longest + 1);
    boolean pad = t.startsWith("`") || t.endsWith("`");
    return ticks + (pad ? " " + t + " " : t) + ticks;
  }

  /**
   * Text outside code: Markdown and HTML characters escaped, and an empty HTML comment put after
   * each {@code @} or {@code #} before a name or number and inside anything that looks like a link,
   * so that GitHub neither notifies anyone, links an issue, nor makes a link of it.
   */
  static String prose(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 16);
    for (char c : s.replace('\n', ' ').replace('\r', ' ').replace('\t', ' ').toCharArray()) {
      if ("\\`*_<>[]()!|~&".indexOf(c) >= 0) {
        sb.append('\\');
      }
      sb.append(c);
    }
    String escaped = MENTION.matcher(sb).replaceAll("$1<!-- -->");
    Matcher m = LINKISH.matcher(escaped);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String hit = m.group(1);
      m.appendReplacement(
          out, Matcher.quoteReplacement(hit.charAt(0) + "<!-- -->" + hit.substring(1)));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static int bytes(CharSequence s) {
    return s.toString().getBytes(StandardCharsets.UTF_8).length;
  }
}
