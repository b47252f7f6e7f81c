package dev.destill.core.explain;

import java.util.List;
import java.util.Objects;

/**
 * One finding a prompt holds.
 *
 * @param findingId the finding's id in the analysis
 * @param hash its fingerprint
 * @param job its job
 * @param lines the log line numbers of the lines sent (block and context), ascending
 */
public record SentFinding(String findingId, String hash, String job, List<Long> lines) {
  public SentFinding {
    Objects.requireNonNull(findingId, "findingId");
    Objects.requireNonNull(hash, "hash");
    Objects.requireNonNull(job, "job");
    lines = List.copyOf(lines);
  }
}
