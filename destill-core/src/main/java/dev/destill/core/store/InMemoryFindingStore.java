package dev.destill.core.store;

import dev.destill.core.engine.StrongestFindings;
import dev.destill.core.model.ChunkRecord;
import dev.destill.core.model.Finding;
import dev.destill.core.model.History;
import dev.destill.core.model.JobRecord;
import dev.destill.core.model.RequestEvent;
import dev.destill.core.store.StoreBatch.RequestFinding;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A {@link FindingStore} in memory: for tests and for processes that keep history only while they
 * run (the MCP server). Thread-safe: every method is synchronized.
 */
public final class InMemoryFindingStore implements FindingStore {
  private final Clock clock;
  private final Map<String, Entry> requests = new LinkedHashMap<>();

  private static final int UNBOUNDED = 0;
  private final int perJob;

  /** A store that keeps every finding. */
  public InMemoryFindingStore(Clock clock) {
    this(clock, UNBOUNDED);
  }

  /**
   * A store that keeps, per request, each job's {@code perJob} strongest distinct findings,
   * duplicates folded ({@link StrongestFindings}): for a local analysis, whose memory must not grow
   * with the log.
   */
  public static InMemoryFindingStore bounded(Clock clock, int perJob) {
    if (perJob < 1) {
      throw new IllegalArgumentException("perJob must be at least 1");
    }
    return new InMemoryFindingStore(clock, perJob);
  }

  private InMemoryFindingStore(Clock clock, int perJob) {
    this.clock = clock;
    this.perJob = perJob;
  }

  /** What the store knows of one request; guarded by the store's lock. */
  private static final class Entry {
    final String id;
    String target = "";
    String buildId = "";
    String title = "";
    String project = "";
    RequestStatus status = RequestStatus.PENDING;
    int chunksTotal;
    int chunksDone;
    String error = "";
    Instant created;
    Instant updated;
    boolean submitted;
    boolean resolved;
    boolean ingested;
    boolean failed;
    final Set<String> incompleteParts = new HashSet<>();
    final List<String> warnings = new ArrayList<>();
    final Map<String, JobRecord> jobs = new LinkedHashMap<>();
    final Map<Chunk, ChunkRecord> chunks = new LinkedHashMap<>();
    Optional<RequestEvent.BaselineChosen> baseline = Optional.empty();
    final Map<String, dev.destill.core.model.LineNovelty> novelty = new LinkedHashMap<>();
    // Every finding by id, or (a bounded store) each job's strongest, folded.
    private final Map<String, Finding> byId;
    private final StrongestFindings strongest;
    // A bounded store folds log findings in chunk order, so that what it keeps does not depend on
    // which analyze agent finished first.
    private final ChunkOrder order;

    private final int perJob;

    Entry(String id, Instant now, int perJob) {
      this.id = id;
      this.perJob = perJob;
      this.created = now;
      this.updated = now;
      this.byId = perJob == UNBOUNDED ? new LinkedHashMap<>() : Map.of();
      this.strongest = perJob == UNBOUNDED ? null : new StrongestFindings(perJob);
      this.order = strongest == null ? null : new ChunkOrder(strongest::add);
    }

    void add(Finding f) {
      if (strongest == null) {
        byId.putIfAbsent(f.id(), f);
      } else {
        order.add(f);
      }
    }

    void announce(String jobId, String jobName) {
      if (order != null) {
        order.announce(jobId, jobName);
      }
    }

    void chunkDone(ChunkRecord chunk) {
      if (order != null) {
        order.chunkDone(chunk);
      }
    }

    void noMoreChunks() {
      if (order != null) {
        order.flush();
      }
    }

    List<Finding> findings() {
      if (strongest == null) {
        return List.copyOf(byId.values());
      }
      if (!order.anyWaiting()) {
        return strongest.kept();
      }
      // Read before every chunk is in: what is kept and what waits, folded together.
      List<Finding> all = new ArrayList<>(strongest.kept());
      all.addAll(order.waiting());
      return dev.destill.core.engine.FindingFold.fold(all, perJob).findings();
    }

    Map<String, Integer> dropped() {
      return strongest == null ? Map.of() : strongest.dropped();
    }

    int findingCount() {
      if (strongest == null) {
        return byId.size();
      }
      return order.anyWaiting() ? findings().size() : strongest.size();
    }

    RequestRecord record() {
      return new RequestRecord(
          id,
          target,
          buildId,
          title,
          status,
          chunksTotal,
          chunksDone,
          findingCount(),
          error,
          created,
          updated,
          warnings);
    }
  }

  private record Chunk(String jobId, int index) {}

  @Override
  public synchronized void apply(StoreBatch batch) {
    Instant now = clock.instant();
    Set<Entry> touched = new LinkedHashSet<>();
    for (RequestFinding rf : batch.findings()) {
      Entry e = entry(rf.requestId(), now);
      e.add(rf.finding());
      touched.add(e);
    }
    for (RequestEvent event : batch.events()) {
      Entry e = entry(event.requestId(), now);
      touched.add(e);
      switch (event) {
        case RequestEvent.Submitted s -> {
          if (!e.submitted) {
            e.submitted = true;
            e.target = s.target();
            e.created = s.at();
          }
        }
        case RequestEvent.Resolved r -> {
          e.resolved = true;
          e.buildId = r.buildId();
          e.title = r.title();
          e.project = r.project();
        }
        case RequestEvent.BaselineChosen b -> {
          if (e.baseline.isEmpty()) {
            e.baseline = Optional.of(b);
          }
        }
        case RequestEvent.JobIngested j -> {
          e.jobs.putIfAbsent(j.job().info().id(), j.job());
          e.announce(j.job().info().id(), j.job().info().name());
        }
        case RequestEvent.Ingested i -> {
          if (!e.ingested) {
            e.warnings.addAll(i.warnings());
          }
          e.ingested = true;
          e.chunksTotal = i.chunksTotal();
        }
        case RequestEvent.ChunkAnalyzed c -> {
          if (e.chunks.putIfAbsent(new Chunk(c.jobId(), c.index()), c.chunk()) == null) {
            e.warnings.addAll(c.warnings());
            c.novelty()
                .ifPresent(
                    n -> e.novelty.merge(c.jobId(), n, dev.destill.core.model.LineNovelty::plus));
            e.chunkDone(c.chunk());
          }
        }
        case RequestEvent.Incomplete i -> {
          if (e.incompleteParts.add(i.part())) {
            e.warnings.add(i.reason());
          }
        }
        case RequestEvent.Failed f -> {
          e.failed = true;
          e.error = e.error.isEmpty() ? f.error() : e.error;
        }
      }
    }
    for (Entry e : touched) {
      e.chunksDone = e.chunks.size();
      if (!e.status.isFinal()) {
        e.status =
            RequestStatus.derive(
                e.failed,
                e.resolved,
                e.ingested,
                e.chunksTotal,
                e.chunksDone,
                !e.incompleteParts.isEmpty());
      }
      if (e.status.isFinal() || e.failed || !e.incompleteParts.isEmpty()) {
        e.noMoreChunks();
      }
      e.updated = now;
    }
  }

  private Entry entry(String requestId, Instant now) {
    return requests.computeIfAbsent(requestId, id -> new Entry(id, now, perJob));
  }

  @Override
  public synchronized Optional<RequestRecord> request(String requestId) {
    return Optional.ofNullable(requests.get(requestId)).map(Entry::record);
  }

  @Override
  public synchronized Optional<RequestStatus> status(String requestId) {
    // A bounded store folds its kept and waiting findings to count them: not for a status.
    return Optional.ofNullable(requests.get(requestId)).map(e -> e.status);
  }

  @Override
  public synchronized List<Finding> findings(String requestId) {
    Entry e = requests.get(requestId);
    return e == null ? List.of() : e.findings();
  }

  /**
   * Per job of a request, how many weaker distinct findings a bounded store only counted; empty for
   * a store that keeps every finding.
   */
  public synchronized Map<String, Integer> dropped(String requestId) {
    Entry e = requests.get(requestId);
    return e == null ? Map.of() : e.dropped();
  }

  @Override
  public synchronized List<JobRecord> jobs(String requestId) {
    Entry e = requests.get(requestId);
    return e == null ? List.of() : List.copyOf(e.jobs.values());
  }

  @Override
  public synchronized List<ChunkRecord> chunks(String requestId) {
    Entry e = requests.get(requestId);
    if (e == null) {
      return List.of();
    }
    List<ChunkRecord> out = new ArrayList<>(e.chunks.values());
    out.sort(Comparator.comparing(ChunkRecord::jobId).thenComparingInt(ChunkRecord::index));
    return out;
  }

  @Override
  public synchronized Optional<BaselineRecord> baseline(String requestId) {
    Entry e = requests.get(requestId);
    if (e == null || e.baseline.isEmpty()) {
      return Optional.empty();
    }
    dev.destill.core.model.LineNovelty lines =
        e.novelty.values().stream()
            .reduce(
                dev.destill.core.model.LineNovelty.NONE, dev.destill.core.model.LineNovelty::plus);
    RequestEvent.BaselineChosen b = e.baseline.get();
    return Optional.of(new BaselineRecord(b.source(), b.note(), e.novelty.size(), lines));
  }

  @Override
  public synchronized List<RequestRecord> recentRequests(int limit) {
    return newestFirst().stream().limit(limit).map(Entry::record).toList();
  }

  @Override
  public synchronized List<String> requestIds(String prefix, int limit) {
    return requests.keySet().stream()
        .filter(id -> id.startsWith(prefix))
        .sorted()
        .limit(limit)
        .toList();
  }

  private List<Entry> newestFirst() {
    List<Entry> list = new ArrayList<>(requests.values());
    list.sort(Comparator.comparing((Entry e) -> e.created).thenComparing(e -> e.id).reversed());
    return list;
  }

  @Override
  public synchronized Map<String, History> history(
      Collection<String> hashes, String excludingBuildId, String project, int window) {
    Map<String, Entry> latestPerBuild = new LinkedHashMap<>();
    for (Entry e : newestFirst()) {
      if (!e.buildId.equals(excludingBuildId) && e.project.equals(project)) {
        latestPerBuild.putIfAbsent(e.buildId, e);
      }
    }
    List<Entry> builds = new ArrayList<>(latestPerBuild.values());
    builds = builds.subList(0, Math.min(window, builds.size()));
    Map<String, History> out = new HashMap<>();
    Instant now = clock.instant();
    for (String hash : hashes) {
      int seen = 0;
      Instant first = null;
      Instant last = null;
      for (Entry b : builds) {
        if (b.findings().stream().anyMatch(f -> f.hash().equals(hash))) {
          seen++;
          first = first == null || b.created.isBefore(first) ? b.created : first;
          last = last == null || b.created.isAfter(last) ? b.created : last;
        }
      }
      out.put(
          hash,
          new History(seen, builds.size(), first == null ? now : first, last == null ? now : last));
    }
    return out;
  }

  @Override
  public synchronized List<RecurringFailure> recurringFailures(int limit) {
    Map<String, List<Map.Entry<Entry, Finding>>> byHash = new LinkedHashMap<>();
    for (Entry e : requests.values()) {
      for (Finding f : e.findings()) {
        byHash.computeIfAbsent(f.hash(), k -> new ArrayList<>()).add(Map.entry(e, f));
      }
    }
    List<RecurringFailure> out = new ArrayList<>();
    for (Map.Entry<String, List<Map.Entry<Entry, Finding>>> group : byHash.entrySet()) {
      Set<String> buildIds = new HashSet<>();
      Instant first = null;
      Instant last = null;
      int occurrences = 0;
      Finding sample = null;
      for (Map.Entry<Entry, Finding> pair : group.getValue()) {
        Entry r = pair.getKey();
        Finding f = pair.getValue();
        buildIds.add(r.buildId);
        occurrences += f.recurrence();
        first = first == null || r.created.isBefore(first) ? r.created : first;
        last = last == null || r.created.isAfter(last) ? r.created : last;
        sample = sample == null || f.confidence() > sample.confidence() ? f : sample;
      }
      out.add(
          new RecurringFailure(
              group.getKey(),
              sample.normalized(),
              sample.message(),
              buildIds.size(),
              occurrences,
              first,
              last));
    }
    out.sort(
        Comparator.comparingInt(RecurringFailure::builds)
            .reversed()
            .thenComparing(Comparator.comparingInt(RecurringFailure::occurrences).reversed()));
    return out.subList(0, Math.min(limit, out.size()));
  }

  @Override
  public void close() {}
}
