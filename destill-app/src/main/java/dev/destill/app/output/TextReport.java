package dev.destill.app.output;

import dev.destill.app.analysis.AnalysisReport;
import dev.destill.app.analysis.JobSummary;
import dev.destill.core.engine.LineCleaner;
import dev.destill.core.model.Finding;
import dev.destill.core.model.FindingSource;
import dev.destill.core.model.History;
import dev.destill.core.model.JobState;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/** A readable ranked list for a terminal or a pipe. Thread-safe. */
public final class TextReport {
  private static final int BLOCK_LINES_SHOWN = 12;
  private static final int MAX_WIDTH = 240;

  private TextReport() {}

  public static void write(AnalysisReport report, int top, PrintWriter out) {
    write(report, top, 0, out);
  }

  /**
   * Writes the ranked list; {@code context} lines before and after each block are shown too (as
   * grep's {@code -C}), as far as the finding kept them.
   */
  public static void write(AnalysisReport report, int top, int context, PrintWriter out) {
    long failed = report.jobs().stream().filter(j -> j.state() == JobState.FAILED).count();
    long lines = report.jobs().stream().mapToLong(JobSummary::lines).sum();
    List<Finding> findings = report.findings();
    out.printf(
        Locale.ROOT,
        "%s: %d job%s (%d failed), %,d lines, %d finding%s%n",
        report.title(),
        report.jobs().size(),
        report.jobs().size() == 1 ? "" : "s",
        failed,
        lines,
        findings.size(),
        findings.size() == 1 ? "" : "s");
    report.baseline().ifPresent(b -> out.println(b.describe()));
    for (String w : report.warnings()) {
      out.println("warning: " + w);
    }
    report.explanation().ifPresent(e -> ExplanationText.write(report, e, out));
    if (findings.isEmpty()) {
      out.println();
      out.println(
          "No error lines found. If the build failed, its cause may be outside the logs "
              + "given (a timeout, a cancelled job, or another job).");
      footer(report, out);
      return;
    }
    int shown = Math.min(top, findings.size());
    for (int i = 0; i < shown; i++) {
      Finding f = findings.get(i);
      out.println();
      out.printf(
          Locale.ROOT,
          "#%d  tier %d  %.2f  %s  %s%s%n",
          i + 1,
          f.tier(),
          f.confidence(),
          f.severity().id(),
          location(f),
          extras(f));
      if (f.test().isPresent()) {
        out.println("    test: " + f.test().get().className() + " > " + f.test().get().name());
      }
      boolean junit = f.source() == FindingSource.JUNIT;
      List<String> block =
          junit ? concat(f.block(), f.postContext()) : trimTrailingBlank(f.block());
      if (!junit && context > 0) {
        List<String> pre = f.preContext();
        List<String> before = pre.subList(Math.max(0, pre.size() - context), pre.size());
        for (int k = 0; k < before.size(); k++) {
          out.println(number(f.line() - before.size() + k) + " - " + clip(display(before.get(k))));
        }
      }
      int n = Math.min(block.size(), BLOCK_LINES_SHOWN);
      for (int k = 0; k < n; k++) {
        String num = f.line() > 0 ? number(f.line() + k) : "      ";
        out.println(num + " | " + clip(display(block.get(k))));
      }
      if (block.size() > n) {
        out.println("       | ... " + (block.size() - n) + " more lines");
      }
      if (!junit && context > 0) {
        List<String> after = f.postContext().subList(0, Math.min(context, f.postContext().size()));
        long first = f.line() + f.block().size();
        for (int k = 0; k < after.size(); k++) {
          out.println(number(first + k) + " - " + clip(display(after.get(k))));
        }
      }
    }
    if (findings.size() > shown) {
      out.println();
      out.printf(
          Locale.ROOT,
          "(%d more findings; use --top %d to see them all)%n",
          findings.size() - shown,
          findings.size());
    }
    footer(report, out);
  }

  private static void footer(AnalysisReport report, PrintWriter out) {
    out.println();
    out.println("request " + report.requestId());
    out.flush();
  }

  private static String number(long line) {
    return String.format(Locale.ROOT, "%6d", line);
  }

  private static String display(String line) {
    return LineCleaner.display(line);
  }

  /** The block without the blank lines a block rule let in at its end. */
  public static List<String> trimTrailingBlank(List<String> block) {
    int end = block.size();
    while (end > 1 && block.get(end - 1).isBlank()) {
      end--;
    }
    return block.subList(0, end);
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new java.util.ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  static String location(Finding f) {
    StringBuilder sb = new StringBuilder(f.job());
    if (f.line() > 0) {
      sb.append(':').append(f.line());
      if (f.endLine() > f.line()) {
        sb.append('-').append(f.endLine());
      }
    }
    if (!f.step().isEmpty()) {
      sb.append("  [").append(clip(f.step(), 60)).append(']');
    }
    return sb.toString();
  }

  static String extras(Finding f) {
    StringBuilder sb = new StringBuilder();
    if (f.recurrence() > 1) {
      sb.append("  x").append(f.recurrence());
    }
    if (f.history().isPresent()) {
      History h = f.history().get();
      sb.append("  ")
          .append(
              h.isNew()
                  ? "new"
                  : "seen in " + h.buildsSeen() + " of last " + h.buildsKnown() + " builds");
    }
    sb.append(novelty(f));
    return sb.toString();
  }

  /** How a finding compares with the baseline, for people: empty when none was compared. */
  static String novelty(Finding f) {
    return switch (dev.destill.core.engine.Novelty.of(f)) {
      case NEW -> "  NEW since baseline";
      case KNOWN -> "  in baseline too";
      case UNKNOWN -> "";
    };
  }

  private static String clip(String s) {
    return clip(s, MAX_WIDTH);
  }

  static String clip(String s, int width) {
    return s.length() <= width
        ? s
        : s.substring(0, width) + " [... " + (s.length() - width) + " more chars]";
  }
}
