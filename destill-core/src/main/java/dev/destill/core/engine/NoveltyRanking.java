package dev.destill.core.engine;

import dev.destill.core.model.Finding;
import dev.destill.core.model.FindingSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a baseline changes in ranking, before {@link Triage#rank}: findings made only of lines the
 * baseline shows too lose confidence (they stay, lower), findings with a new line gain a little,
 * and of the runs of new lines ({@link NoveltyScan}) each job keeps the few that end just before
 * its failure and that no finding covers already. Findings with no novelty mark pass unchanged, so
 * without a baseline ranking is what it was. Pure and thread-safe.
 */
public final class NoveltyRanking {
  private NoveltyRanking() {}

  /** The findings of a request, adjusted by their novelty with the default policy. */
  public static List<Finding> adjust(List<Finding> findings) {
    return adjust(findings, ScoringPolicy.DEFAULT);
  }

  /** The findings of a request, adjusted by their novelty as {@code policy} says. */
  public static List<Finding> adjust(List<Finding> findings, ScoringPolicy policy) {
    ScoringPolicy.Baseline b = policy.baseline();
    Map<String, List<Finding>> byJob = new LinkedHashMap<>();
    for (Finding f : findings) {
      byJob.computeIfAbsent(f.job(), k -> new ArrayList<>()).add(f);
    }
    List<Finding> out = new ArrayList<>(findings.size());
    for (List<Finding> job : byJob.values()) {
      List<Finding> runs = new ArrayList<>();
      List<Finding> others = new ArrayList<>();
      for (Finding f : job) {
        (NoveltyScan.isNewLines(f) ? runs : others).add(f);
      }
      long anchor = anchor(others);
      for (Finding f : others) {
        out.add(adjusted(f, b, policy.maxLogConfidence()));
      }
      List<Finding> near = new ArrayList<>();
      for (Finding r : runs) {
        uncovered(r, others, b)
            .filter(u -> u.line() <= anchor && anchor - u.endLine() <= b.newLinesWindow())
            .ifPresent(near::add);
      }
      near.sort(Comparator.comparingLong((Finding r) -> anchor - r.endLine()));
      for (Finding r : near.subList(0, Math.min(b.newLinesMax(), near.size()))) {
        out.add(r.withStep(stepAt(r, others)));
      }
    }
    return out;
  }

  /**
   * The runs of new lines of one chunk that {@link #adjust} could keep: those a failure can be
   * anchored after. A job's anchor is the line or last line of one of its log findings, and a run
   * is kept when the anchor falls within it or at most {@code newLinesWindow} lines after it; the
   * anchor is in this chunk ({@code findings}) or past its last line {@code ownTo}. The others
   * would only cost the sink and the store, so a chunk does not send them.
   */
  public static List<Finding> reachable(
      List<Finding> runs, List<Finding> findings, long ownTo, ScoringPolicy policy) {
    int window = policy.baseline().newLinesWindow();
    List<Finding> out = new ArrayList<>(runs.size());
    for (Finding r : runs) {
      long from = r.line();
      long to = r.endLine() + window;
      boolean reach = to > ownTo;
      for (int i = 0; i < findings.size() && !reach; i++) {
        Finding f = findings.get(i);
        reach =
            f.source() == FindingSource.LOG
                && !NoveltyScan.isNewLines(f)
                && ((f.line() >= from && f.line() <= to)
                    || (f.endLine() >= from && f.endLine() <= to));
      }
      if (reach) {
        out.add(r);
      }
    }
    return out;
  }

  /**
   * The output before an exit, as {@link Triage} made it from {@code consequence}: known, and
   * lower, when the baseline printed that output too.
   */
  static Finding outputBeforeExit(Finding tail, Finding consequence, ScoringPolicy policy) {
    if (!consequence.signals().contains(Novelty.CONTEXT_KNOWN)) {
      return tail;
    }
    List<String> s = new ArrayList<>(tail.signals());
    s.add(Novelty.KNOWN.signal());
    return tail.withSignals(s)
        .withConfidence(
            LogScanner.round(Math.max(0.01, tail.confidence() - policy.baseline().knownPenalty())));
  }

  private static Finding adjusted(Finding f, ScoringPolicy.Baseline b, double max) {
    if (f.source() != FindingSource.LOG || Triage.isCandidate(f)) {
      return f;
    }
    double c =
        switch (Novelty.of(f)) {
          case KNOWN -> Math.max(0.01, f.confidence() - b.knownPenalty());
          case NEW -> Math.min(max, Math.max(f.confidence(), f.confidence() + b.newBonus()));
          case UNKNOWN -> f.confidence();
        };
    return c == f.confidence() ? f : f.withConfidence(LogScanner.round(c));
  }

  /**
   * Where a job failed: its first exit summary, else the end of what was found (the end-of-log
   * candidate is the last lines of the log).
   */
  private static long anchor(List<Finding> findings) {
    long consequence = Long.MAX_VALUE;
    long last = 0;
    for (Finding f : findings) {
      if (f.source() != FindingSource.LOG) {
        continue;
      }
      if (Role.of(f) == Role.CONSEQUENCE) {
        consequence = Math.min(consequence, f.line());
      }
      last = Math.max(last, f.endLine());
    }
    return consequence != Long.MAX_VALUE ? consequence : last == 0 ? Long.MAX_VALUE : last;
  }

  /**
   * The part of a run before the first finding that covers one of its lines (a rule matched it: it
   * is shown already), when that part still has enough lines with text.
   */
  private static java.util.Optional<Finding> uncovered(
      Finding run, List<Finding> others, ScoringPolicy.Baseline b) {
    long end = run.endLine();
    for (Finding f : others) {
      if (f.source() == FindingSource.LOG
          && !Triage.isCandidate(f)
          && Role.of(f) != Role.OUTPUT_BEFORE_EXIT
          && f.line() <= end
          && run.line() <= f.endLine()) {
        end = Math.min(end, f.line() - 1);
      }
    }
    if (end == run.endLine()) {
      return java.util.Optional.of(run);
    }
    if (end < run.line()) {
      return java.util.Optional.empty();
    }
    List<String> lines = run.block().subList(0, (int) (end - run.line() + 1));
    long text = lines.stream().filter(l -> !l.isBlank()).count();
    return text < b.newLinesMinLines()
        ? java.util.Optional.empty()
        : java.util.Optional.of(NoveltyScan.candidate(run, lines));
  }

  // A run has no step of its own: it is in the step of the first finding after it.
  private static String stepAt(Finding run, List<Finding> others) {
    Finding next = null;
    for (Finding f : others) {
      if (f.source() == FindingSource.LOG
          && f.line() > run.endLine()
          && !f.step().isEmpty()
          && (next == null || f.line() < next.line())) {
        next = f;
      }
    }
    return next == null ? run.step() : next.step();
  }
}
