package dev.destill.core.explain;

import java.util.List;
import java.util.Objects;

/**
 * A model's answer as it came back, parsed from the structured reply but not yet checked against
 * what was sent.
 *
 * @param rootCause the likely root cause, in the model's words
 * @param evidence the lines it cites
 * @param fix the suggested fix ({@code ""} when none)
 * @param confidence the model's confidence word ({@code ""} when missing)
 * @param model the model that answered, as the server names it
 * @param inputTokens input tokens the server counted, or -1 when it did not say
 * @param outputTokens output tokens the server counted, or -1 when it did not say
 */
public record ModelAnswer(
    String rootCause,
    List<EvidenceLine> evidence,
    String fix,
    String confidence,
    String model,
    long inputTokens,
    long outputTokens) {
  public ModelAnswer {
    Objects.requireNonNull(rootCause, "rootCause");
    Objects.requireNonNull(fix, "fix");
    Objects.requireNonNull(confidence, "confidence");
    Objects.requireNonNull(model, "model");
    evidence = List.copyOf(evidence);
  }
}
