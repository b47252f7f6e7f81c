package dev.destill.app.mcp;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.destill.app.analysis.AnalysisReport;
import dev.destill.app.analysis.JobSummary;
import dev.destill.core.engine.LineCleaner;
import dev.destill.core.engine.Secrets;
import dev.destill.core.model.Finding;
import java.util.List;

/**
 * Builds what an assistant gets back from an analysis: the build, the top unique failures in full
 * (message, job/step, confidence, recurrence, history, a few lines of context), lower tiers one
 * line each, all within a token budget, saying what was left out and how to get it. Pure.
 */
public final class Manifest {
  static final ObjectMapper JSON = new ObjectMapper();

  /** About four characters make a token in English and code. */
  public static final int CHARS_PER_TOKEN = 4;

  private static final int CONTEXT_LINES = 3;
  private static final int BLOCK_LINES = 12;
  private static final int LINE_CHARS = 240;

  private Manifest() {}

  /** Estimated tokens of a text. */
  public static int tokens(String text) {
    return (text.length() + CHARS_PER_TOKEN - 1) / CHARS_PER_TOKEN;
  }

  public static String build(AnalysisReport report, int limit, int budgetTokens) {
    ObjectNode root = JSON.createObjectNode();
    root.put("request_id", report.requestId());
    ObjectNode build = root.putObject("build");
    build.put("title", report.title());
    build.put("id", report.buildId());
    ArrayNode jobs = build.putArray("jobs");
    int jobsShown = 0;
    for (JobSummary j : report.jobs()) {
      if (jobsShown++ >= 30) {
        build.put("jobs_omitted", report.jobs().size() - 30);
        break;
      }
      ObjectNode o = jobs.addObject();
      o.put("name", j.name());
      o.put("state", j.state().id());
      o.put("lines", j.lines());
    }
    for (String w : report.warnings()) {
      root.withArray("warnings").add(clip(Secrets.mask(w)));
    }
    List<Finding> findings = report.findings();
    root.put("findings_total", findings.size());
    ArrayNode top = root.putArray("top_failures");
    ArrayNode others = root.putArray("other_findings");
    int budgetChars = budgetTokens * CHARS_PER_TOKEN;
    int shownFull = 0;
    int shownBrief = 0;
    int i = 0;
    for (; i < findings.size(); i++) {
      Finding f = findings.get(i);
      boolean full = f.tier() == 1 && shownFull < limit;
      ObjectNode node = full ? fullNode(f, i + 1) : briefNode(f, i + 1);
      ArrayNode target = full ? top : others;
      target.add(node);
      if (size(root) > budgetChars - 400) {
        target.remove(target.size() - 1);
        if (full) {
          // A full entry does not fit: try it as one line.
          ObjectNode brief = briefNode(f, i + 1);
          others.add(brief);
          if (size(root) > budgetChars - 400) {
            others.remove(others.size() - 1);
            break;
          }
          shownBrief++;
          continue;
        }
        break;
      }
      if (full) {
        shownFull++;
      } else {
        shownBrief++;
      }
      if (shownFull + shownBrief >= Math.max(limit, 1) * 4) {
        i++;
        break;
      }
    }
    int omitted = findings.size() - shownFull - shownBrief;
    if (omitted > 0) {
      ObjectNode o = root.putObject("omitted");
      o.put("findings", omitted);
      o.put(
          "how_to_get_them",
          "call get_finding_details with request_id and a finding id, search_log for "
              + "other lines, or analyze again with a larger limit");
    }
    root.put(
        "next_steps",
        "get_finding_details(request_id, finding_id) gives a finding's full block and "
            + "context; search_log(request_id, pattern) searches the fetched logs");
    return root.toString();
  }

  static ObjectNode fullNode(Finding f, int rank) {
    ObjectNode o = briefNode(f, rank);
    o.put("severity", f.severity().id());
    o.put("recurrence_in_build", f.recurrence());
    f.history()
        .ifPresent(
            h ->
                o.put(
                    "history",
                    h.isNew()
                        ? "new in this build"
                        : "seen in "
                            + h.buildsSeen()
                            + " of the last "
                            + h.buildsKnown()
                            + " builds"));
    f.test().ifPresent(t -> o.put("test", t.className() + " > " + t.name()));
    ArrayNode lines = o.putArray("excerpt");
    List<String> pre = f.preContext();
    long n = f.line() - Math.min(CONTEXT_LINES, pre.size());
    for (String l : pre.subList(Math.max(0, pre.size() - CONTEXT_LINES), pre.size())) {
      lines.add(numbered(n++, l, ' '));
    }
    List<String> block =
        f.block().size() > BLOCK_LINES ? f.block().subList(0, BLOCK_LINES) : f.block();
    for (String l : block) {
      lines.add(f.line() > 0 ? numbered(n++, l, '>') : clip(l));
    }
    if (f.block().size() > BLOCK_LINES) {
      lines.add("... " + (f.block().size() - BLOCK_LINES) + " more lines (get_finding_details)");
      n += f.block().size() - BLOCK_LINES;
    }
    List<String> post = f.postContext();
    for (String l : post.subList(0, Math.min(CONTEXT_LINES, post.size()))) {
      lines.add(f.line() > 0 ? numbered(n++, l, ' ') : clip(l));
    }
    return o;
  }

  static ObjectNode briefNode(Finding f, int rank) {
    ObjectNode o = JSON.createObjectNode();
    o.put("rank", rank);
    o.put("id", f.id());
    o.put("tier", f.tier());
    o.put("confidence", f.confidence());
    o.put("job", f.job());
    if (!f.step().isEmpty()) {
      o.put("step", f.step());
    }
    if (f.line() > 0) {
      o.put(
          "lines",
          f.endLine() > f.line() ? f.line() + "-" + f.endLine() : String.valueOf(f.line()));
    }
    o.put("message", clip(LineCleaner.stripDecorations(f.message())));
    if (f.recurrence() > 1) {
      o.put("recurrence_in_build", f.recurrence());
    }
    return o;
  }

  static String numbered(long n, String line, char mark) {
    return n + (mark == '>' ? "> " : ": ") + clip(LineCleaner.stripPrefix(line));
  }

  static String clip(String s) {
    String t = Secrets.mask(LineCleaner.stripAnsi(s));
    return t.length() <= LINE_CHARS
        ? t
        : t.substring(0, LINE_CHARS) + " [... " + (t.length() - LINE_CHARS) + " more chars]";
  }

  private static int size(ObjectNode root) {
    return root.toString().length();
  }
}
