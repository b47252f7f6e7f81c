package dev.destill.core.store;

import dev.destill.core.model.ChunkRecord;
import dev.destill.core.model.Finding;
import dev.destill.core.model.FindingSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Hands a bounded fold the log findings of one request in chunk order, whatever order the analyze
 * agents finished their chunks in. A full bounded fold lets the weakest of the largest family go,
 * so what it keeps depends on the order findings arrive; with chunks analyzed in parallel that
 * order changed from run to run, and so did the top of a log with many errors.
 *
 * <p>A log finding waits until the chunk that owns its line is accounted for and every earlier
 * chunk of its job has been handed on. Findings name their job, chunks carry the job's id: the two
 * are tied by the job's announcement, or, before it, when exactly one job name and one job id are
 * not yet tied. Test reports and findings of chunks already handed on pass at once. What waits is
 * what the chunks in flight found, and never more than {@link #MAX_WAITING}: past that (or when no
 * more chunks will come) everything waiting is handed on by line. Not thread-safe.
 */
final class ChunkOrder {
  static final int MAX_WAITING = 50_000;
  private static final Comparator<Finding> BY_LINE =
      Comparator.comparingLong(Finding::line).thenComparing(Finding::id);

  private final Consumer<Finding> next;
  private final Map<String, List<Finding>> waiting = new HashMap<>(); // by job name
  private final Map<String, Finding> arrivals = new java.util.LinkedHashMap<>(); // waiting, by id
  private final Map<String, TreeMap<Integer, ChunkRecord>> ready = new HashMap<>(); // by job id
  private final Map<String, Integer> nextIndex = new HashMap<>();
  private final Map<String, Long> handedThrough = new HashMap<>();
  private final Map<String, String> nameOf = new HashMap<>();
  private final Map<String, String> idOf = new HashMap<>();

  ChunkOrder(Consumer<Finding> next) {
    this.next = next;
  }

  /** Job {@code jobId} is named {@code jobName}. */
  void announce(String jobId, String jobName) {
    if (jobName.equals(nameOf.get(jobId))) {
      return;
    }
    tie(jobId, jobName);
    advance(jobId);
  }

  /** Takes a finding: handed on now, or when its chunk's turn comes. */
  void add(Finding f) {
    String id = idOf.get(f.job());
    if (f.source() != FindingSource.LOG
        || (id != null && f.line() <= handedThrough.getOrDefault(id, -1L))) {
      next.accept(f);
      return;
    }
    if (arrivals.putIfAbsent(f.id(), f) != null) {
      return; // a redelivery of one that waits
    }
    waiting.computeIfAbsent(f.job(), j -> new ArrayList<>()).add(f);
    if (arrivals.size() > MAX_WAITING) {
      flush();
    }
  }

  /** A chunk is accounted for: hands on what is now in order. */
  void chunkDone(ChunkRecord chunk) {
    ready.computeIfAbsent(chunk.jobId(), j -> new TreeMap<>()).put(chunk.index(), chunk);
    if (!nameOf.containsKey(chunk.jobId())) {
      List<String> names = waiting.keySet().stream().filter(n -> !idOf.containsKey(n)).toList();
      List<String> ids = ready.keySet().stream().filter(i -> !nameOf.containsKey(i)).toList();
      if (names.size() == 1 && ids.size() == 1) {
        tie(ids.get(0), names.get(0));
      }
    }
    advance(chunk.jobId());
  }

  /** Hands on everything still waiting, by job and line: when no more chunks will come. */
  void flush() {
    for (String job : new ArrayList<>(waiting.keySet())) {
      handOn(job, f -> true);
    }
  }

  /** What waits, in arrival order: for a read before the chunks are all in. */
  List<Finding> waiting() {
    return new ArrayList<>(arrivals.values());
  }

  boolean anyWaiting() {
    return !arrivals.isEmpty();
  }

  private void tie(String jobId, String jobName) {
    String oldName = nameOf.put(jobId, jobName);
    if (oldName != null) {
      idOf.remove(oldName);
    }
    idOf.put(jobName, jobId);
  }

  private void advance(String jobId) {
    String name = nameOf.get(jobId);
    TreeMap<Integer, ChunkRecord> r = ready.get(jobId);
    if (name == null || r == null) {
      return;
    }
    int index = nextIndex.getOrDefault(jobId, 0);
    long through = handedThrough.getOrDefault(jobId, -1L);
    while (!r.isEmpty() && r.firstKey() <= index) {
      ChunkRecord c = r.pollFirstEntry().getValue();
      index = Math.max(index, c.index() + 1);
      through = Math.max(through, c.ownTo());
    }
    nextIndex.put(jobId, index);
    handedThrough.put(jobId, through);
    long due = through;
    handOn(name, f -> f.line() <= due);
  }

  private void handOn(String job, Predicate<Finding> due) {
    List<Finding> w = waiting.get(job);
    if (w == null) {
      return;
    }
    List<Finding> now = new ArrayList<>();
    List<Finding> later = new ArrayList<>();
    for (Finding f : w) {
      (due.test(f) ? now : later).add(f);
    }
    if (later.isEmpty()) {
      waiting.remove(job);
    } else {
      waiting.put(job, later);
    }
    now.forEach(f -> arrivals.remove(f.id()));
    now.sort(BY_LINE);
    now.forEach(next);
  }
}
