package dev.destill.core.engine;

import dev.destill.core.model.Finding;
import dev.destill.core.model.FindingSource;
import dev.destill.core.model.JobState;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one place where findings fold and are capped, wherever they are collected: the scanner of one
 * log, the findings of a request's chunks, and ranking.
 *
 * <ul>
 *   <li><b>Folding.</b> Two findings of one job are the same when their keys are equal ({@link
 *       #key}: the hash, and whether the finding is an end-of-log candidate). The one with the
 *       lowest line stays; the recurrences add up.
 *   <li><b>Capping.</b> Each job keeps at most {@code perJob} distinct causes, the strongest of
 *       each template family first ({@link FamilyCap}): over capacity, the weakest of the largest
 *       family goes (weaker: a lower confidence, then a later line), so one distinctive error
 *       survives thousands of another kind. Findings that ranking builds on ({@link #builtOn}: test
 *       reports, exit summaries, end-of-log candidates) are capped apart, the first {@code perJob}
 *       by line, so causes never push them out. What goes is only counted ({@link #dropped}).
 *   <li><b>Across jobs</b> ({@link #acrossJobs}): one finding per hash, from a job that did not
 *       pass if there is one, then the likeliest; recurrences of all jobs add up.
 * </ul>
 *
 * <p>An instance takes findings one at a time (bounded memory, however many arrive); {@link #fold}
 * is the same as a pure function over a list. Instances are not thread-safe; the static methods are
 * pure and thread-safe.
 */
public final class FindingFold {
  private static final String ONE_FAMILY = "";
  // Weaker first: the order in which a full cap lets findings go.
  private static final Comparator<Entry> CAUSES =
      Comparator.comparingDouble((Entry e) -> e.confidence)
          .thenComparing(Comparator.comparingLong((Entry e) -> e.line).reversed());
  private static final Comparator<Entry> BUILT_ON =
      Comparator.comparingLong((Entry e) -> e.line).reversed();

  private final int perJob;
  private final Map<String, Entry> byKey = new LinkedHashMap<>();
  private final Map<String, Caps> caps = new HashMap<>();
  private final Map<String, Integer> dropped = new LinkedHashMap<>();

  /** A fold that keeps at most {@code perJob} distinct causes per job (and as many of the rest). */
  public FindingFold(int perJob) {
    if (perJob < 1) {
      throw new IllegalArgumentException("perJob must be at least 1");
    }
    this.perJob = perJob;
  }

  /** What a fold kept, and per job how many distinct findings it only counted (jobs with some). */
  public record Kept(List<Finding> findings, Map<String, Integer> dropped) {
    public Kept {
      findings = List.copyOf(findings);
      dropped = Map.copyOf(dropped);
    }
  }

  /** Folds and caps {@code findings} in their order. Pure. */
  public static Kept fold(List<Finding> findings, int perJob) {
    FindingFold fold = new FindingFold(perJob);
    findings.forEach(fold::add);
    return new Kept(fold.kept(), fold.dropped());
  }

  /** Folds duplicates within each job, with no cap. Pure. */
  public static List<Finding> withinJobs(List<Finding> findings) {
    return fold(findings, Integer.MAX_VALUE).findings();
  }

  /**
   * One finding per hash over all jobs: from a job that did not pass when one has it, then the most
   * confident, then the lower tier; its recurrence is the sum over all jobs. In first-seen order.
   * Pure.
   */
  public static List<Finding> acrossJobs(List<Finding> findings, Map<String, JobState> jobStates) {
    Map<String, Finding> byHash = new LinkedHashMap<>();
    Map<String, Integer> counts = new HashMap<>();
    for (Finding f : findings) {
      counts.merge(f.hash(), f.recurrence(), Integer::sum);
      Finding best = byHash.get(f.hash());
      if (best == null || better(f, best, jobStates)) {
        byHash.put(f.hash(), f);
      }
    }
    List<Finding> out = new ArrayList<>(byHash.size());
    for (Finding f : byHash.values()) {
      out.add(f.withRecurrence(counts.get(f.hash())));
    }
    return out;
  }

  private static boolean better(Finding a, Finding b, Map<String, JobState> states) {
    boolean aPassed = states.getOrDefault(a.job(), JobState.UNKNOWN) == JobState.PASSED;
    boolean bPassed = states.getOrDefault(b.job(), JobState.UNKNOWN) == JobState.PASSED;
    if (aPassed != bPassed) {
      return bPassed;
    }
    if (a.confidence() != b.confidence()) {
      return a.confidence() > b.confidence();
    }
    return a.tier() < b.tier();
  }

  /** The key under which findings of one job fold. */
  public static String key(Finding f) {
    return f.job() + "\u0000" + f.hash() + "\u0000" + (Role.of(f) == Role.END_OF_LOG);
  }

  /** True for findings capped apart from causes, since ranking builds on them. */
  static boolean builtOn(Finding f) {
    return f.source() != FindingSource.LOG || Role.of(f) != Role.CAUSE;
  }

  /** The template family a finding's first line is capped in ({@link FamilyCap#family}). */
  static String family(String text) {
    return FamilyCap.family(text);
  }

  /** Takes one finding under {@link #key}. */
  public void add(Finding f) {
    add(key(f), f);
  }

  /**
   * Takes one finding under {@code key}, which must fold exactly the findings {@link #key} folds
   * (the scanner uses a hash of the unmasked text, so that repeats need not be masked).
   */
  void add(String key, Finding f) {
    add(key, f, builtOn(f) ? ONE_FAMILY : family(f.message()));
  }

  /**
   * Takes one finding under {@code key}, in {@code family} (the scanner's, of its cleaned text).
   */
  void add(String key, Finding f, String family) {
    Entry seen = byKey.get(key);
    if (seen != null) {
      Entry.Queue queue = seen.queue;
      Finding keep = f.line() < seen.finding.line() ? f : seen.finding;
      boolean moved = keep != seen.finding && queue != null;
      if (moved) {
        queue.cap.remove(seen);
      }
      seen.set(keep);
      seen.count += f.recurrence();
      if (moved) {
        queue.cap.add(seen, queue.family);
      }
      return;
    }
    Entry e = new Entry(key, f);
    byKey.put(key, e);
    if (perJob == Integer.MAX_VALUE) {
      return;
    }
    Caps c = caps.computeIfAbsent(f.job(), j -> new Caps(perJob));
    FamilyCap<Entry> cap = builtOn(f) ? c.builtOn : c.causes;
    if (builtOn(f)) {
      family = ONE_FAMILY;
    }
    e.queue = new Entry.Queue(cap, family);
    cap.add(e, family)
        .ifPresent(
            out -> {
              byKey.remove(out.key);
              dropped.merge(f.job(), 1, Integer::sum);
            });
  }

  /** One more occurrence of a finding held under {@code key}; false when none is held. */
  boolean recur(String key) {
    Entry e = byKey.get(key);
    if (e == null) {
      return false;
    }
    e.count++;
    return true;
  }

  /**
   * True, and counted as dropped, when a cause of {@code job} in {@code family} with this
   * confidence at this line would go at once: lets a scanner skip building it.
   */
  boolean dropsAtOnce(String job, String family, double confidence, long line) {
    Caps c = caps.get(job);
    if (c == null || !c.causes.wouldDrop(family, Entry.probe(confidence, line))) {
      return false;
    }
    dropped.merge(job, 1, Integer::sum);
    return true;
  }

  /** What is kept, in the order it first arrived, with its recurrence. */
  public List<Finding> kept() {
    List<Finding> out = new ArrayList<>(byKey.size());
    for (Entry e : byKey.values()) {
      out.add(e.count == e.finding.recurrence() ? e.finding : e.finding.withRecurrence(e.count));
    }
    return out;
  }

  /** Per job, how many distinct findings were only counted (jobs with some). */
  public Map<String, Integer> dropped() {
    return Map.copyOf(dropped);
  }

  /** How many distinct findings {@code job} had to leave out. */
  long dropped(String job) {
    return dropped.getOrDefault(job, 0);
  }

  /** How many distinct findings are held. */
  public int size() {
    return byKey.size();
  }

  private static final class Caps {
    final FamilyCap<Entry> causes;
    final FamilyCap<Entry> builtOn;

    Caps(int perJob) {
      causes = new FamilyCap<>(perJob, CAUSES);
      builtOn = new FamilyCap<>(perJob, BUILT_ON);
    }
  }

  // A held finding; its strength fields change only while it is out of its cap's queue.
  private static final class Entry {
    record Queue(FamilyCap<Entry> cap, String family) {}

    final String key;
    Finding finding;
    double confidence;
    long line;
    int count;
    Queue queue;

    Entry(String key, Finding f) {
      this.key = key;
      set(f);
      this.count = f.recurrence();
    }

    private Entry(double confidence, long line) {
      this.key = "";
      this.confidence = confidence;
      this.line = line;
    }

    static Entry probe(double confidence, long line) {
      return new Entry(confidence, line);
    }

    void set(Finding f) {
      finding = f;
      confidence = f.confidence();
      line = f.line();
    }
  }
}
