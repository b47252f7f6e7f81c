package dev.destill.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.destill.app.analysis.AnalysisReport;
import dev.destill.app.analysis.JobSummary;
import dev.destill.core.model.JobState;
import dev.destill.core.model.ProgressEvent;
import dev.destill.core.store.StoreBatch;
import java.time.Instant;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class ViewCommandTest {
  @Test
  void shouldCountTheFailedJobsOfAStoredBuild() {
    AnalysisReport report =
        new AnalysisReport(
            "req-1",
            "build.log",
            "local:build.log",
            "build.log",
            List.of(
                new JobSummary("build.log", JobState.FAILED, OptionalInt.of(1), 10, 100),
                new JobSummary("lint.log", JobState.PASSED, OptionalInt.of(0), 10, 100)),
            List.of(),
            List.of(),
            Instant.EPOCH,
            new StoreBatch(List.of(), List.of()));
    assertThat(ViewCommand.resolved(report))
        .isEqualTo(new ProgressEvent.BuildResolved("local:build.log", "build.log", 2, 1));
  }
}
