package dev.destill.core.store;

import dev.destill.core.model.Finding;
import dev.destill.core.model.History;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A {@link FindingStore} in memory: for tests and for processes that keep history only while they
 * run (the MCP server). Thread-safe: every method is synchronized.
 */
public final class InMemoryFindingStore implements FindingStore {
  private final Clock clock;
  private final Map<String, RequestRecord> requests = new LinkedHashMap<>();
  private final Map<String, Map<String, Finding>> findings = new HashMap<>();

  public InMemoryFindingStore(Clock clock) {
    this.clock = clock;
  }

  @Override
  public synchronized void createRequest(RequestRecord request) {
    requests.putIfAbsent(request.id(), request);
    findings.putIfAbsent(request.id(), new LinkedHashMap<>());
  }

  @Override
  public synchronized void updateRequest(
      String requestId, RequestStatus status, int chunksTotal, int chunksDone, String error) {
    RequestRecord r = requests.get(requestId);
    if (r == null) {
      return;
    }
    RequestStatus next = r.status().isFinal() ? r.status() : status;
    requests.put(
        requestId,
        new RequestRecord(
            r.id(),
            r.target(),
            r.buildId(),
            r.title(),
            next,
            Math.max(r.chunksTotal(), chunksTotal),
            Math.max(r.chunksDone(), chunksDone),
            findings.getOrDefault(requestId, Map.of()).size(),
            error.isEmpty() ? r.error() : error,
            r.created(),
            clock.instant()));
  }

  @Override
  public synchronized void saveFindings(String requestId, List<Finding> list) {
    Map<String, Finding> byId = findings.computeIfAbsent(requestId, k -> new LinkedHashMap<>());
    for (Finding f : list) {
      byId.putIfAbsent(f.id(), f);
    }
    RequestRecord r = requests.get(requestId);
    if (r != null) {
      requests.put(
          requestId,
          new RequestRecord(
              r.id(),
              r.target(),
              r.buildId(),
              r.title(),
              r.status(),
              r.chunksTotal(),
              r.chunksDone(),
              byId.size(),
              r.error(),
              r.created(),
              clock.instant()));
    }
  }

  @Override
  public synchronized Optional<RequestRecord> request(String requestId) {
    return Optional.ofNullable(requests.get(requestId));
  }

  @Override
  public synchronized List<Finding> findings(String requestId) {
    List<Finding> list = new ArrayList<>(findings.getOrDefault(requestId, Map.of()).values());
    list.sort(
        Comparator.comparingInt(Finding::tier)
            .thenComparing(Comparator.comparingDouble(Finding::confidence).reversed()));
    return list;
  }

  @Override
  public synchronized List<RequestRecord> recentRequests(int limit) {
    List<RequestRecord> list = new ArrayList<>(requests.values());
    list.sort(Comparator.comparing(RequestRecord::created).reversed());
    return list.subList(0, Math.min(limit, list.size()));
  }

  @Override
  public synchronized Map<String, History> history(
      Collection<String> hashes, String excludingBuildId, int window) {
    List<RequestRecord> builds = new ArrayList<>();
    Map<String, RequestRecord> latestPerBuild = new LinkedHashMap<>();
    for (RequestRecord r : recentRequests(Integer.MAX_VALUE)) {
      if (!r.buildId().equals(excludingBuildId)) {
        latestPerBuild.putIfAbsent(r.buildId(), r);
      }
    }
    builds.addAll(latestPerBuild.values());
    builds = builds.subList(0, Math.min(window, builds.size()));
    Map<String, History> out = new HashMap<>();
    Instant now = clock.instant();
    for (String hash : hashes) {
      int seen = 0;
      Instant first = null;
      Instant last = null;
      for (RequestRecord b : builds) {
        boolean has =
            findings.getOrDefault(b.id(), Map.of()).values().stream()
                .anyMatch(f -> f.hash().equals(hash));
        if (has) {
          seen++;
          first = first == null || b.created().isBefore(first) ? b.created() : first;
          last = last == null || b.created().isAfter(last) ? b.created() : last;
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
    Map<String, List<Object[]>> byHash = new LinkedHashMap<>();
    for (RequestRecord r : requests.values()) {
      for (Finding f : findings.getOrDefault(r.id(), Map.of()).values()) {
        byHash.computeIfAbsent(f.hash(), k -> new ArrayList<>()).add(new Object[] {r, f});
      }
    }
    List<RecurringFailure> out = new ArrayList<>();
    for (Map.Entry<String, List<Object[]>> e : byHash.entrySet()) {
      java.util.Set<String> buildIds = new java.util.HashSet<>();
      Instant first = null;
      Instant last = null;
      int occurrences = 0;
      Finding sample = null;
      for (Object[] pair : e.getValue()) {
        RequestRecord r = (RequestRecord) pair[0];
        Finding f = (Finding) pair[1];
        buildIds.add(r.buildId());
        occurrences += f.recurrence();
        first = first == null || r.created().isBefore(first) ? r.created() : first;
        last = last == null || r.created().isAfter(last) ? r.created() : last;
        sample = sample == null || f.confidence() > sample.confidence() ? f : sample;
      }
      out.add(
          new RecurringFailure(
              e.getKey(),
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
