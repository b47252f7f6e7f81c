package dev.destill.app.output;

import dev.destill.app.analysis.AnalysisReport;
import dev.destill.core.explain.CitedLines;
import dev.destill.core.explain.EvidenceLine;
import dev.destill.core.explain.Explanation;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * An explanation for people: the model's words marked as such, and next to them the verbatim log
 * lines it cites, so a reader can check it. Thread-safe.
 */
public final class ExplanationText {
  private static final int MAX_WIDTH = 240;

  private ExplanationText() {}

  /** Plain text, for a terminal or a pipe. */
  public static void write(AnalysisReport report, Explanation e, PrintWriter out) {
    out.println();
    out.println("Explanation (" + origin(e) + "; check it against the lines below)");
    out.println("  cause:      " + e.rootCause());
    if (!e.fix().isEmpty()) {
      out.println("  fix:        " + e.fix());
    }
    out.println("  confidence: " + confidence(e));
    for (String line : cited(report, e)) {
      out.println("    " + line);
    }
    if (!e.verified()) {
      out.println(
          "  note: it also cites lines that were not sent to it ("
              + list(e.rejectedEvidence())
              + "); treat it with care");
    }
  }

  /** Markdown, for step summaries and comments. */
  public static void markdown(AnalysisReport report, Explanation e, PrintWriter out) {
    out.println("### Explanation");
    out.println();
    out.println("_" + escape(origin(e)) + "; check it against the quoted lines._");
    out.println();
    out.println("- **Cause:** " + escape(e.rootCause()));
    if (!e.fix().isEmpty()) {
      out.println("- **Fix:** " + escape(e.fix()));
    }
    out.println("- **Confidence:** " + confidence(e));
    List<String> lines = cited(report, e);
    if (!lines.isEmpty()) {
      out.println();
      out.println("```text");
      lines.forEach(l -> out.println(l.replace("```", "'''")));
      out.println("```");
    }
    if (!e.verified()) {
      out.println();
      out.println(
          "> It also cites lines that were not sent to it ("
              + escape(list(e.rejectedEvidence()))
              + ").");
    }
    out.println();
  }

  static String origin(Explanation e) {
    String s = "by " + e.model();
    return e.cachedFrom().map(r -> s + ", reused from " + r).orElse(s);
  }

  private static String confidence(Explanation e) {
    return switch (e.confidence()) {
      case INSUFFICIENT -> "not enough evidence";
      case HIGH, MEDIUM, LOW -> e.confidence().wireName();
    };
  }

  /** {@code job:line | text} for each cited line, verbatim from the findings. */
  static List<String> cited(AnalysisReport report, Explanation e) {
    boolean oneJob = report.jobs().size() <= 1;
    List<String> out = new ArrayList<>();
    for (EvidenceLine l : e.evidence()) {
      String text = CitedLines.text(report.findings(), l).orElse("(line not among the findings)");
      String where = (oneJob ? "" : l.job() + ":") + l.line();
      String row = String.format("%8s | %s", where, text);
      out.add(row.length() > MAX_WIDTH ? row.substring(0, MAX_WIDTH) + "…" : row);
    }
    return out;
  }

  private static String list(List<EvidenceLine> lines) {
    List<String> parts = new ArrayList<>();
    for (EvidenceLine l : lines) {
      parts.add((l.job().isEmpty() ? "" : l.job() + ":") + l.line());
    }
    return String.join(", ", parts);
  }

  /** The model's words as Markdown prose: the report's one rule (no mentions, links, markup). */
  private static String escape(String s) {
    return MarkdownReport.prose(s);
  }
}
