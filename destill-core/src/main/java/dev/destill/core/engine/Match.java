package dev.destill.core.engine;

import dev.destill.core.model.Severity;
import java.util.List;
import java.util.Objects;

/**
 * What the rules say of one candidate line.
 *
 * @param kind what sort of line it is
 * @param severity how bad it says it is
 * @param score 0..1 confidence before block, job and build adjustments
 * @param signals names of the rules that fired, for explanations
 */
public record Match(Kind kind, Severity severity, double score, List<String> signals) {
  public Match {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(severity, "severity");
    signals = List.copyOf(signals);
  }
}
