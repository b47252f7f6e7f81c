package dev.destill.core.engine;

import dev.destill.core.model.Finding;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The findings of one analysis as they arrive from its chunks, bounded: each finding id is taken
 * once (a redelivered chunk adds nothing), and the rest is {@link FindingFold}'s: duplicates within
 * a job fold into one, and each job keeps {@code perJob} distinct causes (plus the test failures,
 * exit summaries and end-of-log candidates ranking builds on); a weaker one is only counted. So
 * memory stays bounded however long the log is. The ids of the last {@link #idWindow} findings are
 * remembered (a chunk is redelivered right after its first delivery). Not thread-safe.
 */
public final class StrongestFindings {
  private final Set<String> ids;
  private final int idWindow;
  private final FindingFold fold;

  public StrongestFindings(int perJob) {
    this.fold = new FindingFold(perJob);
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

  /** Takes one finding; false when its id was taken before. */
  public boolean add(Finding f) {
    if (!ids.add(f.id())) {
      return false;
    }
    fold.add(f);
    return true;
  }

  /** What is kept, in the order it first arrived. */
  public List<Finding> kept() {
    return fold.kept();
  }

  /** Per job, how many weaker distinct findings were only counted (jobs with some). */
  public Map<String, Integer> dropped() {
    return fold.dropped();
  }

  public int size() {
    return fold.size();
  }
}
