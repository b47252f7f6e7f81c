package dev.destill.core.store;

import dev.destill.core.model.ChunkRecord;
import dev.destill.core.model.Finding;
import dev.destill.core.model.History;
import dev.destill.core.model.JobRecord;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where analyses and their findings are kept: in memory, SQLite (local mode) or PostgreSQL
 * (distributed mode). Implementations are thread-safe.
 */
public interface FindingStore extends AutoCloseable {

  /**
   * Applies what a sink consumed, in one transaction: all of it or, on failure, none of it (then it
   * throws {@link dev.destill.core.DestillException.Retriable}). Delivery is at least once and
   * events of one request come in any order, so applying is idempotent and order-independent:
   *
   * <ul>
   *   <li>an event or finding of an unknown request first creates it (empty target, build id and
   *       title, pending, created now);
   *   <li>the first {@code Submitted} sets target and created; {@code Resolved} sets build id and
   *       title; {@code Failed} marks it failed, and the first error wins;
   *   <li>a job (on its id), an analyzed chunk (on job and index, with the lines it counted against
   *       the baseline), a finding (on its id) and the warnings of an {@code Ingested} or {@code
   *       ChunkAnalyzed} event are stored once, in the order they first arrived; the first {@code
   *       BaselineChosen} names the request's baseline.
   * </ul>
   *
   * Afterwards each touched request's chunks done and findings are recounted and its status is
   * {@link RequestStatus#derive derived}; a final status never changes.
   */
  void apply(StoreBatch batch);

  /** The request, or empty when unknown. */
  Optional<RequestRecord> request(String requestId);

  /**
   * The request's status, or empty when unknown: what {@link #request} says, without counting its
   * findings (agents ask after every batch whether a request is done).
   */
  default Optional<RequestStatus> status(String requestId) {
    return request(requestId).map(RequestRecord::status);
  }

  /**
   * The findings of a request in the order they first arrived; empty when unknown. Callers rank
   * them.
   */
  List<Finding> findings(String requestId);

  /** The jobs of a request in the order they first arrived; empty when unknown. */
  List<JobRecord> jobs(String requestId);

  /** The analyzed chunks of a request, by job and index; empty for an unknown request. */
  List<ChunkRecord> chunks(String requestId);

  /**
   * The baseline the request was compared with and the lines its chunks counted against it (each
   * analyzed chunk once); empty when the request is unknown or no baseline was chosen for it.
   */
  Optional<BaselineRecord> baseline(String requestId);

  /** The most recent requests, newest first. */
  List<RequestRecord> recentRequests(int limit);

  /** The ids of at most {@code limit} requests that start with {@code prefix}, in id order. */
  List<String> requestIds(String prefix, int limit);

  /**
   * For each hash (of the current {@link dev.destill.core.model.Finding#FINGERPRINT} version), what
   * the other builds of {@code project} say about it: in how many of the project's last {@code
   * window} builds other than {@code excludingBuildId} it occurred (a build analyzed several times
   * counts once, by its latest analysis) and when it was first and last seen. Hashes never seen
   * before map to a history with {@code buildsSeen == 0}.
   */
  Map<String, History> history(
      Collection<String> hashes, String excludingBuildId, String project, int window);

  /** The hashes that occurred in the most builds, most first. */
  List<RecurringFailure> recurringFailures(int limit);

  /**
   * Whether the store answers now, within about {@code timeout}: for a readiness check. An
   * in-memory store always does.
   */
  default boolean reachable(java.time.Duration timeout) {
    return true;
  }

  @Override
  void close();
}
