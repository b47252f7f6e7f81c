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
 * Ranks the findings of one build: links consequences ({@code exit code 1}, {@code BUILD
 * FAILURE}) to the errors before them, demotes errors that a passing job of the same build shows
 * too, falls back to the end of a failing step when no line names the failure, folds duplicates by
 * hash with a recurrence count, and orders by confidence. Pure and thread-safe.
 */
public final class Triage {
  static final String CONSEQUENCE = "consequence";

  private Triage() {}

  /** Ranks the findings of scanned jobs plus findings from test reports. */
  public static List<Finding> rank(List<JobScan> scans, List<Finding> testFindings) {
    Map<String, JobState> states = new LinkedHashMap<>();
    List<Finding> all = new ArrayList<>(testFindings);
    for (JobScan scan : scans) {
      states.put(scan.job().name(), scan.job().state());
      all.addAll(scan.findings());
      if (scan.job().failed()) {
        tailFinding(scan, scan.findings()).ifPresent(all::add);
      }
    }
    return rank(all, states);
  }

  /**
   * Ranks findings already produced (for instance chunk by chunk, in another process). {@code
   * jobStates} maps job names to their state; unknown jobs count as {@link JobState#UNKNOWN}.
   */
  public static List<Finding> rank(List<Finding> findings, Map<String, JobState> jobStates) {
    // 1. Fold duplicates within each job (chunks of one job may report the same hash).
    Map<String, Finding> perJobHash = new LinkedHashMap<>();
    for (Finding f : findings) {
      String key = f.job() + "\u0000" + f.hash();
      Finding seen = perJobHash.get(key);
      if (seen == null) {
        perJobHash.put(key, f);
      } else {
        Finding keep = f.line() < seen.line() ? f : seen;
        perJobHash.put(key, keep.withRecurrence(seen.recurrence() + f.recurrence()));
      }
    }
    List<Finding> list = new ArrayList<>(perJobHash.values());

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
      adjusted.addAll(linkConsequences(jobFindings));
    }

    // 4. Tiers, demotions, and folding across jobs.
    Map<String, Finding> byHash = new LinkedHashMap<>();
    Map<String, Integer> counts = new HashMap<>();
    for (Finding f : adjusted) {
      JobState state = stateOf(f, jobStates);
      double c = f.confidence();
      List<String> signals = new ArrayList<>(f.signals());
      if (state != JobState.PASSED && f.source() == FindingSource.LOG && passingHashes.contains(f.hash())) {
        c = Math.max(0.01, c - 0.4);
        signals.add("also-in-passing-job");
      }
      Finding g = withSignals(f.withConfidence(LogScanner.round(c)), signals);
      g = g.withTier(tierOf(g, state, passingHashes));
      counts.merge(g.hash(), g.recurrence(), Integer::sum);
      Finding best = byHash.get(g.hash());
      if (best == null || better(g, best)) {
        byHash.put(g.hash(), g);
      }
    }
    List<Finding> ranked = new ArrayList<>(byHash.size());
    for (Finding f : byHash.values()) {
      ranked.add(f.withRecurrence(counts.get(f.hash())));
    }
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

  private static boolean better(Finding a, Finding b) {
    if (a.confidence() != b.confidence()) {
      return a.confidence() > b.confidence();
    }
    return a.tier() < b.tier();
  }

  private static int tierOf(Finding f, JobState state, Set<String> passingHashes) {
    if (f.source() == FindingSource.JUNIT) {
      return 1;
    }
    if (state == JobState.PASSED
        || f.signals().contains("also-in-passing-job")
        || f.severity() == Severity.WARNING
        || f.confidence() < 0.3) {
      return 3;
    }
    if (f.signals().contains(CONSEQUENCE) || f.confidence() < 0.6) {
      return 2;
    }
    return 1;
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
      if (f.signals().contains(CONSEQUENCE)) {
        firstConsequence = f;
        break;
      }
    }
    boolean seenCause = false;
    List<Finding> out = new ArrayList<>(sorted.size());
    boolean firstInStep = true;
    for (Finding f : sorted) {
      if (f.source() != FindingSource.LOG) {
        out.add(f);
        continue;
      }
      if (f.signals().contains(CONSEQUENCE)) {
        if (seenCause) {
          List<String> s = new ArrayList<>(f.signals());
          s.add("follows-earlier-error");
          out.add(withSignals(f.withConfidence(LogScanner.round(f.confidence() * 0.6)), s));
        } else {
          out.add(f);
        }
        continue;
      }
      if (f.confidence() >= 0.4 && f.severity() != Severity.WARNING) {
        seenCause = true;
      }
      if (firstConsequence != null
          && f.line() < firstConsequence.line()
          && f.step().equals(firstConsequence.step())
          && f.confidence() >= 0.4) {
        List<String> s = new ArrayList<>(f.signals());
        double c = f.confidence() + 0.05;
        s.add("in-failing-step");
        if (firstInStep) {
          c += 0.03;
          s.add("first-error-in-step");
          firstInStep = false;
        }
        out.add(withSignals(f.withConfidence(LogScanner.round(Math.min(0.99, c))), s));
        continue;
      }
      out.add(f);
    }
    return out;
  }

  /**
   * When a failed job has no convincing finding, the lines a reader would look at anyway: those
   * just before the first exit summary, or the end of the log.
   */
  static Optional<Finding> tailFinding(JobScan scan, List<Finding> findings) {
    Finding consequence = null;
    for (Finding f : findings) {
      if (f.signals().contains(CONSEQUENCE) && (consequence == null || f.line() < consequence.line())) {
        consequence = f;
      }
      if (!f.signals().contains(CONSEQUENCE) && f.confidence() >= 0.6 && f.severity() != Severity.WARNING) {
        return Optional.empty();
      }
    }
    List<String> lines;
    long first;
    double confidence;
    if (consequence != null) {
      List<String> pre = consequence.preContext();
      int end = pre.size();
      while (end > 0 && LineCleaner.stripDecorations(pre.get(end - 1)).isEmpty()) {
        end--;
      }
      int start = Math.max(0, end - 8);
      if (end == 0) {
        return Optional.empty();
      }
      lines = pre.subList(start, end);
      first = consequence.line() - pre.size() + start;
      confidence = 0.5;
    } else if (!scan.tail().isEmpty()) {
      int start = Math.max(0, scan.tail().size() - 8);
      lines = scan.tail().subList(start, scan.tail().size());
      first = scan.tailLine() + start;
      confidence = 0.35;
    } else {
      return Optional.empty();
    }
    String message = lines.get(0);
    String normalized = Normalizer.normalize(String.join(" ", lines));
    String hash = Hashing.sha256Hex(normalized);
    String id = Hashing.sha256Hex(scan.job().id() + ":" + first + ":tail").substring(0, 16);
    return Optional.of(
        new Finding(id, hash, Severity.ERROR, confidence, 2, scan.job().name(),
            consequence != null ? consequence.step() : "", first, first + lines.size() - 1, message,
            normalized, lines, List.of(), List.of(), 1, FindingSource.LOG, Optional.empty(),
            List.of(consequence != null ? "output-before-exit" : "end-of-log"), Optional.empty()));
  }

  private static Finding withSignals(Finding f, List<String> signals) {
    return new Finding(f.id(), f.hash(), f.severity(), f.confidence(), f.tier(), f.job(), f.step(),
        f.line(), f.endLine(), f.message(), f.normalized(), f.block(), f.preContext(),
        f.postContext(), f.recurrence(), f.source(), f.test(), signals, f.history());
  }
}
