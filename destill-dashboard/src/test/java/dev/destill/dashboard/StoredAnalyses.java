package dev.destill.dashboard;

import dev.destill.core.store.RecurringFailure;
import dev.destill.server.analysis.Analyses;
import dev.destill.server.analysis.Listing;
import dev.destill.server.analysis.Query;
import dev.destill.server.analysis.Snapshot;
import dev.destill.server.analysis.Submission;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The analysis port over analyses kept in memory, with the queries asked of it recorded: what the
 * dashboard reads, for its tests. It takes no submissions.
 */
final class StoredAnalyses implements Analyses {
  final List<Listing> listings = new CopyOnWriteArrayList<>();
  final Map<String, String> documents = new ConcurrentHashMap<>();
  final Map<String, Snapshot> snapshots = new ConcurrentHashMap<>();
  final List<Query> asked = new CopyOnWriteArrayList<>();

  @Override
  public String submit(Submission submission) {
    throw new dev.destill.core.DestillException.BadInput("this test port analyzes nothing");
  }

  @Override
  public Optional<Snapshot> snapshot(String requestId) {
    return Optional.ofNullable(snapshots.get(requestId));
  }

  @Override
  public Optional<String> document(String requestId, int top) {
    return Optional.ofNullable(documents.get(requestId));
  }

  @Override
  public List<Listing> recent(Query query) {
    asked.add(query);
    List<Listing> all = new ArrayList<>(listings);
    all.sort(Comparator.comparing(Listing::created).reversed());
    return all.stream().filter(query::matches).skip(query.offset()).limit(query.limit()).toList();
  }

  @Override
  public List<RecurringFailure> recurring(int limit) {
    return List.of();
  }

  @Override
  public boolean firstDelivery(String provider, String deliveryId) {
    return true;
  }

  @Override
  public void forgetDelivery(String provider, String deliveryId) {}

  @Override
  public boolean ready() {
    return true;
  }

  @Override
  public int queueDepth() {
    return 0;
  }

  @Override
  public void close() {}
}
