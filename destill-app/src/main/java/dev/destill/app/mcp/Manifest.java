package dev.destill.app.mcp;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.destill.app.analysis.AnalysisReport;
import dev.destill.app.analysis.JobSummary;
import dev.destill.core.engine.LineCleaner;
import dev.destill.core.engine.Secrets;
import dev.destill.core.model.Finding;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
    Map<String, String> shortNames = shortNames(report);
    boolean oneJob = report.jobs().size() == 1;
    int jobsShown = 0;
    for (JobSummary j : report.jobs()) {
      if (jobsShown++ >= 30) {
        build.put("jobs_omitted", report.jobs().size() - 30);
        break;
      }
      ObjectNode o = jobs.addObject();
      o.put("name", j.name());
      String shortName = shortNames.get(j.name());
      if (!oneJob && shortName != null && !shortName.equals(j.name())) {
        o.put("short_name", shortName);
      }
      o.put("state", j.state().id());
      o.put("lines", j.lines());
    }
    report
        .baseline()
        .ifPresent(
            b -> {
              ObjectNode o = root.putObject("baseline");
              if (b.source().isPresent()) {
                o.put("source", clip(b.source().get()));
              } else {
                o.putNull("source");
              }
              o.put("note", clip(b.note()));
              o.put("lines_known", b.known());
              o.put("lines_new", b.fresh());
              o.put(
                  "meaning",
                  b.found()
                      ? "a finding's novelty is new when the baseline (a green build) did not"
                          + " show its lines, known when it did"
                      : "no baseline was compared, so no finding is marked new");
            });
    for (String w : report.warnings()) {
      root.withArray("warnings").add(clip(Secrets.mask(w)));
    }
    List<Finding> findings = report.findings();
    root.put("findings_total", findings.size());
    // With no likely cause, the best candidates are shown in full all the same.
    int fullTier = findings.stream().mapToInt(Finding::tier).min().orElse(1);
    boolean anyTier1 = fullTier == 1;
    if (!findings.isEmpty() && !anyTier1) {
      root.put(
          "note",
          "no line names the failure with confidence (nothing is tier 1); top_failures holds the "
              + "best candidates");
    }
    ArrayNode top = root.putArray("top_failures");
    ArrayNode others = root.putArray("other_findings");
    int budgetChars = budgetTokens * CHARS_PER_TOKEN;
    int shownFull = 0;
    int shownBrief = 0;
    int i = 0;
    for (; i < findings.size(); i++) {
      Finding f = findings.get(i);
      boolean full = f.tier() <= fullTier && shownFull < limit;
      String job = oneJob ? null : shortNames.getOrDefault(f.job(), f.job());
      ObjectNode node = full ? fullNode(f, i + 1, job) : briefNode(f, i + 1, job);
      ArrayNode target = full ? top : others;
      target.add(node);
      if (size(root) > budgetChars - 400) {
        target.remove(target.size() - 1);
        if (full) {
          // A full entry does not fit: try it as one line.
          ObjectNode brief = briefNode(f, i + 1, job);
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

  /**
   * A short name for each job, distinctive within the build: the file name of a local log when no
   * other job has it, otherwise the name as it is. Findings name their job by it.
   */
  public static Map<String, String> shortNames(AnalysisReport report) {
    Map<String, Integer> counts = new HashMap<>();
    for (JobSummary j : report.jobs()) {
      counts.merge(tail(j.name()), 1, Integer::sum);
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (JobSummary j : report.jobs()) {
      String t = tail(j.name());
      out.put(j.name(), counts.get(t) == 1 ? t : j.name());
    }
    return out;
  }

  private static String tail(String name) {
    int slash = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
    return slash >= 0 && slash < name.length() - 1 ? name.substring(slash + 1) : name;
  }

  static ObjectNode fullNode(Finding f, int rank, String job) {
    ObjectNode o = briefNode(f, rank, job);
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
      lines.add(f.line() > 0 ? numbered(n++, l, '>') : clip(LineCleaner.display(l)));
    }
    if (f.block().size() > BLOCK_LINES) {
      lines.add("... " + (f.block().size() - BLOCK_LINES) + " more lines (get_finding_details)");
      n += f.block().size() - BLOCK_LINES;
    }
    List<String> post = f.postContext();
    for (String l : post.subList(0, Math.min(CONTEXT_LINES, post.size()))) {
      lines.add(f.line() > 0 ? numbered(n++, l, ' ') : clip(LineCleaner.display(l)));
    }
    return o;
  }

  /** A finding in one line; {@code job} is how to name its job, or null to leave it out. */
  static ObjectNode briefNode(Finding f, int rank, String job) {
    ObjectNode o = JSON.createObjectNode();
    o.put("rank", rank);
    o.put("id", f.id());
    o.put("tier", f.tier());
    o.put("confidence", f.confidence());
    if (job != null) {
      o.put("job", job);
    }
    if (!f.step().isEmpty()) {
      o.put("step", f.step());
    }
    if (f.line() > 0) {
      o.put(
          "lines",
          f.endLine() > f.line() ? f.line() + "-" + f.endLine() : String.valueOf(f.line()));
    }
    o.put("message", clip(LineCleaner.display(f.message()).strip()));
    if (f.recurrence() > 1) {
      o.put("recurrence_in_build", f.recurrence());
    }
    switch (dev.destill.core.engine.Novelty.of(f)) {
      case NEW -> o.put("novelty", "new");
      case KNOWN -> o.put("novelty", "known");
      case UNKNOWN -> {}
    }
    return o;
  }

  static String numbered(long n, String line, char mark) {
    return n + (mark == '>' ? "> " : ": ") + clip(LineCleaner.display(line));
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
