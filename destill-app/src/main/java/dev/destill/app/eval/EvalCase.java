package dev.destill.app.eval;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One labeled failed log: its id and source, the log (gzipped or plain, relative to the cases
 * file), an optional passing log of the same job, and the gold line ranges that explain the failure
 * (1-based, inclusive).
 */
public record EvalCase(
    String id, String source, String log, Optional<String> baseline, List<long[]> gold) {
  public EvalCase {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(log, "log");
    Objects.requireNonNull(baseline, "baseline");
    gold = List.copyOf(gold);
  }
}
