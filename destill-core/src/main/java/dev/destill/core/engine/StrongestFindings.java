package dev.destill.core.engine;

import dev.destill.core.model.Finding;
import dev.destill.core.model.FindingSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The findings of one analysis as they arrive from its chunks, bounded: each finding id is taken
 * once (a redelivered chunk adds nothing), duplicates within a job fold into one (the lowest line
 * stays, counts add up), and each job keeps {@code perJob} distinct findings, the strongest of each
 * template family first ({@link FamilyCap}); a weaker one is only counted. Test failures, exit
 * summaries and end-of-log candidates are always kept, since ranking builds on them. So memory
 * stays bounded however long the log is. The ids of the last {@link #idWindow} findings are
 * remembered (a chunk is redelivered right after its first delivery). Not thread-safe.
 */
public final class StrongestFindings {
  private final int perJob;
  private final Set<String> ids;
  private final int idWindow;
  private final Map<String, Finding> byKey = new LinkedHashMap<>();
  private final Map<String, FamilyCap<String>> weakest = new HashMap<>();
  private final Map<String, Integer> dropped = new LinkedHashMap<>();

  public StrongestFindings(int perJob) {
    if (perJob < 1) {
      throw new IllegalArgumentException("perJob must be at least 1");
    }
    this.perJob = perJob;
    // Far more than the findings of the few chunks that can be in flight at once.
    this.idWindow = Math.max(1024, 16 * perJob);
    this.ids =
        java.util.Collections.newSetFromMap(
            new LinkedHashMap<>() {
              private static final long serialVersionUID = 1L;

              @Override
              protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > idWindow;
              }
            });
  }

  /** How many recent finding ids are remembered to ignore a redelivery. */
  public int idWindow() {
    return idWindow;
  }

  /** How many finding ids are remembered now: at most {@link #idWindow}. */
  public int idsRemembered() {
    return ids.size();
  }

  private static String key(Finding f) {
    return f.job() + "\u0000" + f.hash() + "\u0000" + f.signals().contains(Triage.END_OF_LOG);
  }

  private static boolean alwaysKept(Finding f) {
    return f.source() != FindingSource.LOG
        || f.signals().contains(Triage.CONSEQUENCE)
        || f.signals().contains(Triage.END_OF_LOG);
  }

  /** Takes one finding; false when its id was taken before. */
  public boolean add(Finding f) {
    if (!ids.add(f.id())) {
      return false;
    }
    String key = key(f);
    Finding seen = byKey.get(key);
    if (seen != null) {
      Finding keep = f.line() < seen.line() ? f : seen;
      FamilyCap<String> cap = weakest.get(f.job());
      // The cap orders by what byKey holds: take the key out while its finding changes.
      String family = cap == null ? null : cap.familyOf(key);
      boolean requeue = family != null && keep.confidence() != seen.confidence() && cap.remove(key);
      byKey.put(key, keep.withRecurrence(seen.recurrence() + f.recurrence()));
      if (requeue) {
        cap.add(key, family);
      }
      return true;
    }
    byKey.put(key, f);
    if (!alwaysKept(f)) {
      FamilyCap<String> cap =
          weakest.computeIfAbsent(
              f.job(),
              j ->
                  new FamilyCap<>(
                      perJob,
                      Comparator.comparingDouble((String k) -> byKey.get(k).confidence())
                          .thenComparing(
                              Comparator.comparingLong((String k) -> byKey.get(k).line())
                                  .reversed())));
      cap.add(key, FamilyCap.family(f.message()))
          .ifPresent(
              out -> {
                byKey.remove(out);
                dropped.merge(f.job(), 1, Integer::sum);
              });
    }
    return true;
  }

  /** What is kept, in the order it first arrived. */
  public List<Finding> kept() {
    return new ArrayList<>(byKey.values());
  }

  /** Per job, how many weaker distinct findings were only counted (jobs with some). */
  public Map<String, Integer> dropped() {
    return Map.copyOf(dropped);
  }

  public int size() {
    return byKey.size();
  }
}
