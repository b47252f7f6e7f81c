package dev.destill.core.insight;

import dev.destill.core.explain.Explanation;
import dev.destill.core.explain.ExplanationStore;
import java.util.List;
import java.util.Optional;

/**
 * Reads the cache from the real store and keeps what an explanation would write, so that the
 * explain agent can publish it as an insight for the sink to store. Not thread-safe: one per
 * explanation.
 */
final class CapturingStore implements ExplanationStore {
  private final ExplanationStore lookup;
  Optional<String> key = Optional.empty();
  Optional<Explanation> explanation = Optional.empty();
  Optional<SentRequest> sent = Optional.empty();

  CapturingStore(ExplanationStore lookup) {
    this.lookup = lookup;
  }

  @Override
  public Optional<Cached> find(String k) {
    return lookup.find(k);
  }

  @Override
  public void save(String k, String requestId, Explanation e) {
    key = Optional.of(k);
  }

  @Override
  public void record(SentRequest request) {
    sent = Optional.of(request);
  }

  @Override
  public List<SentRequest> sentFor(String requestId) {
    return lookup.sentFor(requestId);
  }

  @Override
  public Optional<Explanation> explanationOf(String requestId) {
    return lookup.explanationOf(requestId);
  }

  @Override
  public void attach(String requestId, Explanation e) {
    explanation = Optional.of(e);
  }
}
