package dev.destill.core.explain;

import dev.destill.core.DestillException;
import dev.destill.core.engine.Hashing;
import dev.destill.core.model.Finding;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Explains an analysis: builds the prompt, reuses a cached explanation of the same fingerprints,
 * asks the model, checks the cited lines against what was sent, caches the answer and records every
 * request sent. Thread-safe when its model and store are.
 */
public final class Explainer {
  /** How an explanation is asked for. */
  public enum Mode {
    /** Reuse a cached explanation when there is one, else ask. */
    NORMAL,
    /** Ask even when a cached explanation exists. */
    REFRESH,
    /** Build the prompt and send nothing. */
    DRY_RUN
  }

  private final LanguageModel model;
  private final ExplanationStore store;
  private final Clock clock;

  public Explainer(LanguageModel model, ExplanationStore store, Clock clock) {
    this.model = Objects.requireNonNull(model, "model");
    this.store = Objects.requireNonNull(store, "store");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** The cache key: the model, the prompt's version and the fingerprints sent, in order. */
  public static String cacheKey(String model, Prompt prompt) {
    return Hashing.sha256Hex(
        model + "\n" + prompt.version() + "\n" + String.join("\n", prompt.fingerprints()));
  }

  /**
   * Explains one analysis.
   *
   * @param requestId the analysis's request id
   * @param title the build's title
   * @param ranked its findings, best first
   * @param options budget and masking
   * @param mode normal, refresh or dry run
   * @param onText receives the answer's text as it streams (only when the model is asked)
   */
  public ExplainOutcome explain(
      String requestId,
      String title,
      List<Finding> ranked,
      ExplainOptions options,
      Mode mode,
      Consumer<String> onText) {
    if (ranked.isEmpty()) {
      return new ExplainOutcome.NothingToExplain();
    }
    Prompt prompt = PromptBuilder.build(title, ranked, options);
    if (mode == Mode.DRY_RUN) {
      return new ExplainOutcome.DryRun(prompt);
    }
    String key = cacheKey(model.model(), prompt);
    if (mode == Mode.NORMAL) {
      Optional<ExplanationStore.Cached> hit = store.find(key);
      if (hit.isPresent()) {
        Explanation e = hit.get().explanation();
        Explanation shown =
            hit.get().requestId().equals(requestId) ? e : e.reusedFrom(hit.get().requestId());
        store.attach(requestId, shown);
        return new ExplainOutcome.Explained(shown, prompt);
      }
    }
    List<String> ids = prompt.sent().stream().map(SentFinding::findingId).toList();
    ModelAnswer answer;
    try {
      answer = model.complete(prompt, onText);
    } catch (DestillException e) {
      store.record(sent(requestId, prompt, ids, e.getMessage()));
      return new ExplainOutcome.Failed(e.getMessage(), prompt);
    }
    if (answer.rootCause().isBlank()) {
      String reason = "the model's answer has no root cause; the findings above are unchanged";
      store.record(sent(requestId, prompt, ids, reason));
      return new ExplainOutcome.Failed(reason, prompt);
    }
    Explanation explanation = check(answer, prompt);
    store.record(sent(requestId, prompt, ids, "ok"));
    store.save(key, requestId, explanation);
    store.attach(requestId, explanation);
    return new ExplainOutcome.Explained(explanation, prompt);
  }

  private ExplanationStore.SentRequest sent(
      String requestId, Prompt prompt, List<String> ids, String outcome) {
    return new ExplanationStore.SentRequest(
        requestId,
        model.model(),
        prompt.version(),
        prompt.characters(),
        prompt.estimatedTokens(),
        ids,
        outcome,
        clock.instant());
  }

  /** Splits the cited lines into those the prompt held and those it did not. */
  Explanation check(ModelAnswer answer, Prompt prompt) {
    List<EvidenceLine> held = new ArrayList<>();
    List<EvidenceLine> rejected = new ArrayList<>();
    for (EvidenceLine cited : answer.evidence()) {
      EvidenceLine resolved = resolve(cited, prompt);
      if (prompt.holds(resolved)) {
        if (!held.contains(resolved)) {
          held.add(resolved);
        }
      } else {
        rejected.add(cited);
      }
    }
    Confidence confidence =
        Confidence.parse(answer.confidence())
            .orElse(held.isEmpty() ? Confidence.INSUFFICIENT : Confidence.LOW);
    String model = answer.model().isBlank() ? this.model.model() : answer.model();
    return new Explanation(
        answer.rootCause().strip(),
        held,
        rejected,
        answer.fix().strip(),
        confidence,
        model,
        prompt.version(),
        Optional.empty(),
        clock.instant());
  }

  /** A line cited without a job (or with a job name the model shortened) when only one fits. */
  private static EvidenceLine resolve(EvidenceLine cited, Prompt prompt) {
    if (prompt.holds(cited)) {
      return cited;
    }
    List<String> jobs =
        prompt.sent().stream()
            .filter(s -> s.lines().contains(cited.line()))
            .map(SentFinding::job)
            .distinct()
            .filter(
                j -> cited.job().isBlank() || j.contains(cited.job()) || cited.job().contains(j))
            .toList();
    return jobs.size() == 1 ? new EvidenceLine(jobs.get(0), cited.line()) : cited;
  }
}
