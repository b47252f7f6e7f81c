package dev.destill.core.explain;

import java.util.List;
import java.util.Objects;

/**
 * Exactly what an explanation sends: the instructions, the user message with the fenced log
 * excerpts, and what it holds.
 *
 * @param version the prompt's version ({@link PromptBuilder#VERSION}); part of the cache key
 * @param system the system message
 * @param user the user message
 * @param sent the findings sent, best first
 * @param left how many findings were left out (same fingerprint or over the budget)
 * @param estimatedTokens the estimated input tokens of both messages
 */
public record Prompt(
    String version,
    String system,
    String user,
    List<SentFinding> sent,
    int left,
    int estimatedTokens) {
  public Prompt {
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(system, "system");
    Objects.requireNonNull(user, "user");
    sent = List.copyOf(sent);
  }

  /** The fingerprints sent, in order: with the model and the version, the cache key. */
  public List<String> fingerprints() {
    return sent.stream().map(SentFinding::hash).toList();
  }

  /** True when the prompt holds this line of this job. */
  public boolean holds(EvidenceLine line) {
    return sent.stream()
        .anyMatch(s -> s.job().equals(line.job()) && s.lines().contains(line.line()));
  }

  /** Total characters of both messages. */
  public int characters() {
    return system.length() + user.length();
  }
}
