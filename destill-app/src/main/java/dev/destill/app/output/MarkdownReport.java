package dev.destill.app.output;

import dev.destill.app.analysis.AnalysisReport;
import dev.destill.core.model.Finding;
import dev.destill.core.model.JobState;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/**
 * A GitHub job summary or PR comment: a short table of the top findings, then their lines in code
 * blocks. Thread-safe.
 */
public final class MarkdownReport {
  private static final int DETAILED = 5;
  private static final int BLOCK_LINES = 20;

  private MarkdownReport() {}

  public static void write(AnalysisReport report, int top, PrintWriter out) {
    List<Finding> findings = report.findings();
    int shown = Math.min(top, findings.size());
    out.println("## Destill: why " + inline(report.title()) + " failed");
    out.println();
    long failed = report.jobs().stream().filter(j -> j.state() == JobState.FAILED).count();
    out.printf(
        Locale.ROOT,
        "%d job%s (%d failed), %d finding%s.%n",
        report.jobs().size(),
        report.jobs().size() == 1 ? "" : "s",
        failed,
        findings.size(),
        findings.size() == 1 ? "" : "s");
    for (String w : report.warnings()) {
      out.println();
      out.println("> warning: " + inline(w));
    }
    if (report.explanation().isPresent()) {
      out.println();
      ExplanationText.markdown(report, report.explanation().get(), out);
    }
    if (shown == 0) {
      out.println();
      out.println("No error lines found.");
      out.flush();
      return;
    }
    out.println();
    out.println("| # | Confidence | Tier | Job | Lines | Message |");
    out.println("|---|---|---|---|---|---|");
    for (int i = 0; i < shown; i++) {
      Finding f = findings.get(i);
      String lines =
          f.line() > 0 ? f.line() + (f.endLine() > f.line() ? "–" + f.endLine() : "") : "";
      out.printf(
          Locale.ROOT,
          "| %d | %.2f | %d | %s | %s | %s |%n",
          i + 1,
          f.confidence(),
          f.tier(),
          cell(f.job()),
          lines,
          cell(TextReport.clip(f.message(), 120)));
    }
    for (int i = 0; i < Math.min(DETAILED, shown); i++) {
      Finding f = findings.get(i);
      out.println();
      out.printf(Locale.ROOT, "### %d. %s%n", i + 1, inline(TextReport.location(f)));
      out.println();
      List<String> lines =
          f.block().size() > BLOCK_LINES ? f.block().subList(0, BLOCK_LINES) : f.block();
      String fence = fenceFor(lines);
      out.println(fence + "text");
      for (String l : lines) {
        out.println(l);
      }
      if (f.block().size() > BLOCK_LINES) {
        out.println("... " + (f.block().size() - BLOCK_LINES) + " more lines");
      }
      out.println(fence);
    }
    out.flush();
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

  static String cell(String s) {
    return inline(s).replace("|", "\\|");
  }

  static String inline(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      if (c == '`' || c == '*' || c == '_' || c == '<' || c == '>' || c == '[' || c == ']') {
        sb.append('\\');
      }
      sb.append(c);
    }
    return sb.toString();
  }
}
