package dev.destill.core.engine;

import dev.destill.core.model.Finding;
import dev.destill.core.model.FindingSource;
import dev.destill.core.model.JobState;
import dev.destill.core.model.Severity;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Ranks the findings of one build: links consequences ({@code exit code 1}, {@code BUILD FAILURE})
 * to the errors before them, demotes errors that a passing job of the same build shows too, falls
 * back to the end of a failing step when no line names the failure, folds duplicates by hash with a
 * recurrence count, and orders by confidence. Pure and thread-safe.
 */
public final class Triage {
  static final String CONSEQUENCE = Role.CONSEQUENCE.signal();
  static final String TAIL = Role.OUTPUT_BEFORE_EXIT.signal();
  static final String END_OF_LOG = Role.END_OF_LOG.signal();
  private static final ScoringPolicy POLICY = ScoringPolicy.DEFAULT;

  private Triage() {}

  /**
   * Folds duplicates within each job and keeps each job's {@code perJob} most likely distinct
   * causes ({@link FindingFold}), as one pass over a whole log would: chunks of a log are analyzed
   * apart, so together they may hold many more. Each finding id counts once. Sorted by job, then
   * line.
   */
  public static FindingFold.Kept strongest(List<Finding> findings, int perJob) {
    StrongestFindings kept = new StrongestFindings(perJob);
    findings.forEach(kept::add);
    List<Finding> list = new ArrayList<>(kept.kept());
    list.sort(Comparator.comparing(Finding::job).thenComparingLong(Finding::line));
    return new FindingFold.Kept(list, kept.dropped());
  }

  /**
   * True for an end-of-log candidate: not a finding until ranking sees that nothing better explains
   * its job's failure.
   */
  public static boolean isCandidate(Finding f) {
    return Role.of(f) == Role.END_OF_LOG;
  }

  /** Ranks the findings of scanned jobs plus findings from test reports. */
  public static List<Finding> rank(List<JobScan> scans, List<Finding> testFindings) {
    Map<String, JobState> states = new LinkedHashMap<>();
    List<Finding> all = new ArrayList<>(testFindings);
    for (JobScan scan : scans) {
      states.put(scan.job().name(), scan.job().state());
      all.addAll(scan.findings());
      if (scan.job().failed()) {
        endOfLog(scan).ifPresent(all::add);
      }
    }
    return rank(all, states);
  }

  /**
   * Ranks findings already produced (for instance chunk by chunk, in other processes), together
   * with the {@link #endOfLog end-of-log candidates} of failed jobs. {@code jobStates} maps job
   * names to their state; unknown jobs count as {@link JobState#UNKNOWN}.
   */
  public static List<Finding> rank(List<Finding> findings, Map<String, JobState> jobStates) {
    // 0. The output before a failed job's exit stands in when no line names the failure.
    List<Finding> input = new ArrayList<>(findings.size() + 4);
    Map<String, Finding> endOfLog = new HashMap<>();
    Map<String, List<Finding>> logFindingsByJob = new LinkedHashMap<>();
    for (Finding f : findings) {
      if (Role.of(f) == Role.END_OF_LOG) {
        endOfLog.merge(f.job(), f, (a, b) -> a.line() >= b.line() ? a : b);
        continue;
      }
      input.add(f);
      if (f.source() == FindingSource.LOG) {
        logFindingsByJob.computeIfAbsent(f.job(), k -> new ArrayList<>()).add(f);
      }
    }
    for (Map.Entry<String, JobState> job : jobStates.entrySet()) {
      if (job.getValue() == JobState.FAILED) {
        tailFinding(
                job.getKey(),
                logFindingsByJob.getOrDefault(job.getKey(), List.of()),
                Optional.ofNullable(endOfLog.get(job.getKey())))
            .ifPresent(input::add);
      }
    }

    // 1. Fold duplicates within each job (chunks of one job may report the same hash).
    List<Finding> list = FindingFold.withinJobs(input);

    // 2. Hashes that a passing job shows too are noise for this failure.
    Set<String> passingHashes = new HashSet<>();
    for (Finding f : list) {
      if (stateOf(f, jobStates) == JobState.PASSED) {
        passingHashes.add(f.hash());
      }
    }

    // 3. Per failed job: consequences link to the errors before them.
    Map<String, List<Finding>> byJob = new LinkedHashMap<>();
    for (Finding f : list) {
      byJob.computeIfAbsent(f.job(), k -> new ArrayList<>()).add(f);
    }
    List<Finding> adjusted = new ArrayList<>(list.size());
    for (List<Finding> jobFindings : byJob.values()) {
      adjusted.addAll(TestDetails.demote(linkConsequences(jobFindings), POLICY));
    }

    // 4. Tiers and demotions, then one finding per hash across jobs.
    List<Finding> tiered = new ArrayList<>(adjusted.size());
    for (Finding f : adjusted) {
      JobState state = stateOf(f, jobStates);
      double c = f.confidence();
      List<String> signals = new ArrayList<>(f.signals());
      if (state != JobState.PASSED
          && f.source() == FindingSource.LOG
          && passingHashes.contains(f.hash())) {
        c = Math.max(0.01, c - POLICY.alsoInPassingPenalty());
        signals.add("also-in-passing-job");
      }
      Finding g = f.withConfidence(LogScanner.round(c)).withSignals(signals);
      tiered.add(g.withTier(tierOf(g, state, passingHashes)));
    }
    List<Finding> ranked = new ArrayList<>(FindingFold.acrossJobs(tiered, jobStates));
    List<String> jobOrder = new ArrayList<>(byJob.keySet());
    ranked.sort(
        Comparator.comparingInt(Finding::tier)
            .thenComparing(Comparator.comparingDouble(Finding::confidence).reversed())
            .thenComparingInt(f -> jobOrder.indexOf(f.job()))
            .thenComparingLong(Finding::line));
    return List.copyOf(ranked);
  }

  private static JobState stateOf(Finding f, Map<String, JobState> states) {
    return states.getOrDefault(f.job(), JobState.UNKNOWN);
  }

  private static int tierOf(Finding f, JobState state, Set<String> passingHashes) {
    if (f.source() == FindingSource.JUNIT) {
      return 1;
    }
    if (state == JobState.PASSED || f.signals().contains("also-in-passing-job")) {
      return 3;
    }
    return POLICY.tier(
        f.confidence(), f.severity() == Severity.WARNING, Role.of(f) == Role.CONSEQUENCE);
  }

  /**
   * In one job: a consequence that follows an error is ranked below it; errors in the step that
   * ended with the consequence are the likely cause, the first of them most of all.
   */
  private static List<Finding> linkConsequences(List<Finding> jobFindings) {
    List<Finding> sorted = new ArrayList<>(jobFindings);
    sorted.sort(Comparator.comparingLong(Finding::line));
    Finding firstConsequence = null;
    for (Finding f : sorted) {
      if (Role.of(f) == Role.CONSEQUENCE) {
        firstConsequence = f;
        break;
      }
    }
    // The failing step is the one that ended with the first exit summary; when the log names its
    // steps, errors elsewhere are less likely to be the cause.
    String failingStep = firstConsequence == null ? "" : firstConsequence.step();
    boolean seenCause = false;
    boolean firstInStep = true;
    List<Finding> out = new ArrayList<>(sorted.size());
    for (Finding f : sorted) {
      if (f.source() != FindingSource.LOG || Role.of(f) == Role.OUTPUT_BEFORE_EXIT) {
        out.add(f);
        continue;
      }
      List<String> s = new ArrayList<>(f.signals());
      double c = f.confidence();
      if (Role.of(f) == Role.CONSEQUENCE) {
        if (seenCause) {
          s.add("follows-earlier-error");
          c *= POLICY.followsErrorFactor();
        }
      } else {
        if (c >= POLICY.causeMin() && f.severity() != Severity.WARNING) {
          seenCause = true;
        }
        if (firstConsequence != null
            && f.line() < firstConsequence.line()
            && f.step().equals(failingStep)) {
          c += POLICY.inFailingStepBonus();
          s.add("in-failing-step");
          if (firstInStep
              && f.confidence() >= POLICY.firstInStepMin()
              && f.severity() != Severity.WARNING) {
            c += POLICY.firstInStepBonus();
            s.add("first-error-in-step");
            firstInStep = false;
          }
        } else if (firstConsequence != null && !failingStep.isEmpty()) {
          c -= POLICY.outsideStepPenalty();
          s.add("outside-failing-step");
        }
      }
      out.add(
          f.withConfidence(LogScanner.round(Math.max(0.01, Math.min(POLICY.maxLogConfidence(), c))))
              .withSignals(s));
    }
    return out;
  }

  /**
   * The last lines of a scanned log, as a candidate finding that {@link #rank(List, Map)} keeps
   * only when nothing better explains the job's failure. Empty when the log has no visible line.
   */
  public static Optional<Finding> endOfLog(JobScan scan) {
    if (scan.tail().isEmpty()) {
      return Optional.empty();
    }
    int start = Math.max(0, scan.tail().size() - POLICY.endOfLogLines());
    List<String> lines = scan.tail().subList(start, scan.tail().size());
    long first = scan.tailLine() + start;
    return Optional.of(
        tail(
            scan.job().id(),
            scan.job().name(),
            "",
            first,
            lines,
            POLICY.endOfLogConfidence(),
            END_OF_LOG));
  }

  /**
   * When a failed job has no convincing finding, the lines a reader would look at anyway: those
   * just before the first exit summary, or the end of the log.
   */
  static Optional<Finding> tailFinding(
      String job, List<Finding> findings, Optional<Finding> endOfLog) {
    Finding consequence = null;
    for (Finding f : findings) {
      if (Role.of(f) == Role.CONSEQUENCE
          && (consequence == null || f.line() < consequence.line())) {
        consequence = f;
      }
    }
    // Is there a convincing finding where it matters: in the failing step, before its exit?
    boolean explained = false;
    for (Finding f : findings) {
      boolean convincing =
          Role.of(f) == Role.CAUSE
              && f.confidence() >= POLICY.convincingMin()
              && f.severity() != Severity.WARNING;
      boolean relevant =
          consequence == null
              || (f.line() < consequence.line() && f.step().equals(consequence.step()));
      if (convincing && relevant) {
        explained = true;
        break;
      }
    }
    if (consequence == null) {
      if (explained) {
        return Optional.empty();
      }
      // A log with no exit summary and not one candidate line is a clean log: no failure found,
      // rather than its last lines dressed up as an error.
      return findings.isEmpty() ? Optional.empty() : endOfLog;
    }
    List<String> pre = consequence.preContext();
    int end = pre.size();
    while (end > 0 && LineCleaner.stripDecorations(pre.get(end - 1)).isEmpty()) {
      end--;
    }
    if (end == 0) {
      return Optional.empty();
    }
    int start = Math.max(0, end - POLICY.outputBeforeExitLines());
    // Stay within the failing command's output when its start is in view.
    for (int i = end - 1; i >= start; i--) {
      String t = LineCleaner.stripDecorations(pre.get(i));
      if (t.startsWith("$ ") || pre.get(i).contains("##[group]")) {
        start = i;
        break;
      }
    }
    long first = consequence.line() - pre.size() + start;
    // The output and the exit line that ends it; a candidate even when a finding explains the
    // failure, then ranked below it.
    // Shown lines, whichever way the consequence reached us (an object keeps its raw context, the
    // wire keeps the displayed one): the hash must not depend on the path.
    List<String> lines = new ArrayList<>(LineCleaner.display(pre.subList(start, pre.size())));
    lines.add(consequence.message());
    double confidence =
        explained
            ? POLICY.outputBeforeExitExplainedConfidence()
            : POLICY.outputBeforeExitConfidence();
    Finding tail = tail(job, job, consequence.step(), first, lines, confidence, TAIL);
    return Optional.of(NoveltyRanking.outputBeforeExit(tail, consequence, POLICY));
  }

  private static Finding tail(
      String jobId,
      String job,
      String step,
      long first,
      List<String> lines,
      double confidence,
      String signal) {
    String normalized = Normalizer.normalize(String.join(" ", lines));
    String hash = Hashing.sha256Hex(normalized);
    String id = Hashing.sha256Hex(jobId + ":" + first + ":tail").substring(0, 16);
    return new Finding(
        id,
        hash,
        Severity.ERROR,
        confidence,
        1,
        job,
        step,
        first,
        first + lines.size() - 1,
        lines.get(0),
        normalized,
        lines,
        List.of(),
        List.of(),
        1,
        FindingSource.LOG,
        Optional.empty(),
        List.of(signal),
        Optional.empty());
  }
}
