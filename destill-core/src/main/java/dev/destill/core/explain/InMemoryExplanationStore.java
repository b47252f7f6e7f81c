package dev.destill.core.explain;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An {@link ExplanationStore} in memory, keeping at most {@code capacity} entries of each kind
 * (least recently used go first). Thread-safe.
 */
public final class InMemoryExplanationStore implements ExplanationStore {
  private final Map<String, Cached> cache;
  private final Map<String, List<SentRequest>> sent;
  private final Map<String, Explanation> attached;

  public InMemoryExplanationStore(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1");
    }
    cache = lru(capacity);
    sent = lru(capacity);
    attached = lru(capacity);
  }

  private static <V> Map<String, V> lru(int capacity) {
    return new LinkedHashMap<>(16, 0.75f, true) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
        return size() > capacity;
      }
    };
  }

  @Override
  public synchronized Optional<Cached> find(String key) {
    return Optional.ofNullable(cache.get(key));
  }

  @Override
  public synchronized void save(String key, String requestId, Explanation explanation) {
    cache.put(key, new Cached(explanation, requestId));
  }

  @Override
  public synchronized void record(SentRequest request) {
    List<SentRequest> list = sent.computeIfAbsent(request.requestId(), k -> new ArrayList<>());
    if (!list.contains(request)) {
      list.add(request);
    }
  }

  @Override
  public synchronized List<SentRequest> sentFor(String requestId) {
    return List.copyOf(sent.getOrDefault(requestId, List.of()));
  }

  @Override
  public synchronized Optional<Explanation> explanationOf(String requestId) {
    return Optional.ofNullable(attached.get(requestId));
  }

  @Override
  public synchronized void attach(String requestId, Explanation explanation) {
    attached.put(requestId, explanation);
  }

  /** How many entries it holds of each kind, for tests of its bounds. */
  public synchronized int size() {
    return Math.max(cache.size(), Math.max(sent.size(), attached.size()));
  }
}
