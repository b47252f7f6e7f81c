package dev.destill.app.output;

import dev.destill.app.analysis.AnalysisReport;
import dev.destill.app.analysis.JobSummary;
import dev.destill.core.model.Finding;
import dev.destill.core.model.FindingSource;
import dev.destill.core.model.JobState;
import dev.destill.core.model.Severity;
import dev.destill.core.store.StoreBatch;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/** Findings and reports for the output tests. */
final class Reports {
  private Reports() {}

  static Finding finding(int i, int tier, List<String> block) {
    return new Finding(
        "f" + i,
        "h" + i,
        Severity.ERROR,
        0.99 - i * 0.0001,
        tier,
        "build.log",
        "Run mvn -B verify",
        10L * i + 1,
        10L * i + block.size(),
        block.get(0),
        "n" + i,
        block,
        List.of("2024-05-01T10:00:00.0000000Z before 1", "2024-05-01T10:00:00.0000000Z before 2"),
        List.of("after 1", "after 2", "after 3"),
        1,
        FindingSource.LOG,
        Optional.empty(),
        List.of("rule"),
        Optional.empty());
  }

  static AnalysisReport report(List<Finding> findings) {
    return new AnalysisReport(
        "req-20261202-101010-abcdef",
        "build.log",
        "local:/w/build.log",
        "acme/shop #42",
        List.of(new JobSummary("build.log", JobState.FAILED, OptionalInt.empty(), 1000, 50000)),
        findings,
        List.of(),
        Instant.EPOCH,
        new StoreBatch(List.of(), List.of()));
  }
}
