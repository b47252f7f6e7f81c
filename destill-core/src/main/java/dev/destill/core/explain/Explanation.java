package dev.destill.core.explain;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A model's explanation of a failure, checked against what was sent.
 *
 * @param rootCause the likely root cause, one or two sentences
 * @param evidence the cited lines that the prompt held
 * @param rejectedEvidence cited lines that the prompt did not hold (the model made them up or
 *     misread them); when not empty, the explanation is marked unverified
 * @param fix the suggested fix ({@code ""} when none)
 * @param confidence the model's confidence
 * @param model the model that answered
 * @param promptVersion the prompt's version
 * @param cachedFrom when the explanation was reused: the request it was made for
 * @param createdAt when the model answered
 */
public record Explanation(
    String rootCause,
    List<EvidenceLine> evidence,
    List<EvidenceLine> rejectedEvidence,
    String fix,
    Confidence confidence,
    String model,
    String promptVersion,
    Optional<String> cachedFrom,
    Instant createdAt) {
  public Explanation {
    Objects.requireNonNull(rootCause, "rootCause");
    Objects.requireNonNull(fix, "fix");
    Objects.requireNonNull(confidence, "confidence");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(promptVersion, "promptVersion");
    Objects.requireNonNull(cachedFrom, "cachedFrom");
    Objects.requireNonNull(createdAt, "createdAt");
    evidence = List.copyOf(evidence);
    rejectedEvidence = List.copyOf(rejectedEvidence);
  }

  /** True when it was reused from an earlier build's explanation. */
  public boolean cached() {
    return cachedFrom.isPresent();
  }

  /** True when every line it cites was in the prompt. */
  public boolean verified() {
    return rejectedEvidence.isEmpty();
  }

  /** The same explanation, marked as reused from {@code requestId}. */
  public Explanation reusedFrom(String requestId) {
    return new Explanation(
        rootCause,
        evidence,
        rejectedEvidence,
        fix,
        confidence,
        model,
        promptVersion,
        Optional.of(requestId),
        createdAt);
  }
}
