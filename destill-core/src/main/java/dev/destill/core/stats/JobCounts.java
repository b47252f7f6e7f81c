package dev.destill.core.stats;

import dev.destill.core.engine.Triage;
import dev.destill.core.model.Finding;
import dev.destill.core.model.FindingSource;
import dev.destill.core.model.Severity;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The counts a CI analysis adds to the statistics for a part of a job's log: each finding's
 * template at its level, as many times as it occurred, and the lines no rule picked out under the
 * empty template (level {@link Level#UNKNOWN}). The engine reads a CI log byte by byte and decodes
 * only the lines its rules may match, so a job's other lines are counted but not sorted by
 * template. Pure.
 */
public final class JobCounts {
  private JobCounts() {}

  /**
   * @param at when the analysis ran: CI logs count in the minute they were analyzed
   * @param source the project of the build ({@code github:OWNER/REPO}, {@code local:/dir})
   * @param job the job's display name, the stream
   * @param lines how many lines the part has
   * @param findings the part's log findings (JUnit findings and end-of-log candidates are not lines
   *     and are left out)
   */
  public static List<LineCount> of(
      Instant at, String source, String job, long lines, List<Finding> findings) {
    Map<String, long[]> byTemplate = new LinkedHashMap<>();
    Map<String, Level> levels = new LinkedHashMap<>();
    long picked = 0;
    for (Finding f : findings) {
      if (f.source() != FindingSource.LOG || f.line() < 1 || Triage.isCandidate(f)) {
        continue;
      }
      String template =
          f.normalized().length() > LineCounter.MAX_TEMPLATE_CHARS
              ? f.normalized().substring(0, LineCounter.MAX_TEMPLATE_CHARS)
              : f.normalized();
      if (template.isEmpty()) {
        continue;
      }
      byTemplate.computeIfAbsent(template, t -> new long[1])[0] += f.recurrence();
      levels.putIfAbsent(template, level(f.severity()));
      picked += f.recurrence();
    }
    List<LineCount> out = new ArrayList<>();
    byTemplate.forEach((t, n) -> out.add(new LineCount(at, source, job, levels.get(t), t, n[0])));
    long rest = lines - picked;
    if (rest > 0) {
      out.add(new LineCount(at, source, job, Level.UNKNOWN, "", rest));
    }
    return out;
  }

  /** A finding's severity as a statistics level. */
  public static Level level(Severity s) {
    return switch (s) {
      case FATAL -> Level.FATAL;
      case ERROR -> Level.ERROR;
      case WARNING -> Level.WARN;
    };
  }
}
