package dev.destill.tui;

import dev.destill.core.model.Finding;
import dev.destill.core.model.FindingSource;
import dev.destill.core.model.Severity;
import java.util.List;
import java.util.Optional;

/** Findings for UI tests. */
final class Findings {
  private Findings() {}

  static Finding f(
      String hash, int tier, double confidence, String job, long line, String message) {
    return new Finding(
        "id-" + hash,
        hash,
        tier == 3 ? Severity.WARNING : Severity.ERROR,
        confidence,
        tier,
        job,
        "Run tests",
        line,
        line + 1,
        message,
        message,
        List.of(message, "    at Foo.bar(Foo.java:12)"),
        List.of("before 1", "before 2"),
        List.of("after 1"),
        1,
        FindingSource.LOG,
        Optional.empty(),
        List.of("rule"),
        Optional.empty());
  }
}
