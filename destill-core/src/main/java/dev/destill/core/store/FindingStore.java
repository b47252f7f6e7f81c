package dev.destill.core.store;

import dev.destill.core.model.Finding;
import dev.destill.core.model.History;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where analyses and their findings are kept: in memory, SQLite (local mode) or PostgreSQL
 * (distributed mode). Implementations are thread-safe.
 */
public interface FindingStore extends AutoCloseable {

  /** Records a new request. Saving the same id again leaves the first record unchanged. */
  void createRequest(RequestRecord request);

  /**
   * Updates a request's progress. Status never moves backwards from a final state, and counts never
   * decrease, so replayed progress messages are harmless.
   */
  void updateRequest(
      String requestId, RequestStatus status, int chunksTotal, int chunksDone, String error);

  /** Stores findings of a request; idempotent on the finding id. */
  void saveFindings(String requestId, List<Finding> findings);

  Optional<RequestRecord> request(String requestId);

  /** The findings of a request in the order they were ranked (by confidence, highest first). */
  List<Finding> findings(String requestId);

  /** The most recent requests, newest first. */
  List<RequestRecord> recentRequests(int limit);

  /**
   * For each hash, what builds other than {@code excludingBuildId} say about it: in how many of the
   * last {@code window} builds it occurred and when it was first and last seen. Hashes never seen
   * before map to a history with {@code buildsSeen == 0}.
   */
  Map<String, History> history(Collection<String> hashes, String excludingBuildId, int window);

  /** The hashes that occurred in the most builds, most first. */
  List<RecurringFailure> recurringFailures(int limit);

  @Override
  void close();
}
