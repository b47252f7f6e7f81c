package dev.destill.server.analysis;

import dev.destill.core.store.RecurringFailure;
import java.util.List;
import java.util.Optional;

/**
 * What the HTTP layer asks of the analysis side (the port the server is written against): one
 * process running analyses itself, or a replica handing them to the distributed agents.
 * Implementations are thread-safe; every method may be called from many request threads at once.
 */
public interface Analyses extends AutoCloseable {

  /**
   * Accepts a submission and returns its request id at once; the analysis runs afterwards.
   *
   * @throws Overloaded when too many analyses wait or run (the answer is 429)
   * @throws dev.destill.core.DestillException.BadInput when the submission cannot be analyzed
   */
  String submit(Submission submission);

  /** Where a request is, with the findings found so far; empty when unknown. */
  Optional<Snapshot> snapshot(String requestId);

  /**
   * The document of a request as JSON text: the {@code analyze --format json} contract plus {@code
   * request_id} and {@code status}, with at most {@code top} findings; empty when unknown.
   */
  Optional<String> document(String requestId, int top);

  /** A page of recent analyses, newest first. */
  List<Listing> recent(Query query);

  /** The failures that recurred in the most builds. */
  List<RecurringFailure> recurring(int limit);

  /**
   * Records a webhook delivery and tells whether it is the first time it was seen. Bounded in size
   * and age; shared by every replica in distributed mode.
   */
  boolean firstDelivery(String provider, String deliveryId);

  /** Forgets a delivery that was recorded but not acted on, so that its retry is taken. */
  void forgetDelivery(String provider, String deliveryId);

  /** True when submissions can be taken (the broker and store are reachable). */
  boolean ready();

  /** Analyses accepted and not yet finished, as far as this process knows. */
  int queueDepth();

  @Override
  void close();
}
