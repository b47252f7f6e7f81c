package dev.destill.core.explain;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where explanations are cached by key ({@link Explainer#cacheKey}) and each request sent to a
 * model is recorded. Implementations are thread-safe.
 */
public interface ExplanationStore {
  /** A cached explanation and the request it was made for. */
  record Cached(Explanation explanation, String requestId) {
    public Cached {
      Objects.requireNonNull(explanation, "explanation");
      Objects.requireNonNull(requestId, "requestId");
    }
  }

  /**
   * One request that went to a model.
   *
   * @param requestId the analysis it explained
   * @param model the model asked
   * @param promptVersion the prompt's version
   * @param characters characters sent
   * @param estimatedTokens input tokens estimated before sending
   * @param findingIds the findings sent
   * @param outcome {@code ok}, or a one-line reason it failed
   * @param at when it was sent
   */
  record SentRequest(
      String requestId,
      String model,
      String promptVersion,
      int characters,
      int estimatedTokens,
      List<String> findingIds,
      String outcome,
      Instant at) {
    public SentRequest {
      Objects.requireNonNull(requestId, "requestId");
      Objects.requireNonNull(model, "model");
      Objects.requireNonNull(promptVersion, "promptVersion");
      Objects.requireNonNull(outcome, "outcome");
      Objects.requireNonNull(at, "at");
      findingIds = List.copyOf(findingIds);
    }
  }

  Optional<Cached> find(String key);

  void save(String key, String requestId, Explanation explanation);

  void record(SentRequest request);

  /** The requests sent for one analysis, oldest first. */
  List<SentRequest> sentFor(String requestId);

  /** The explanation saved for one analysis (made for it or reused), if any. */
  Optional<Explanation> explanationOf(String requestId);

  /** Remembers that {@code requestId} got {@code explanation} (made for it or reused). */
  void attach(String requestId, Explanation explanation);
}
