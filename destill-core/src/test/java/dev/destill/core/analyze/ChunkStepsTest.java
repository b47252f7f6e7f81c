package dev.destill.core.analyze;

import static org.assertj.core.api.Assertions.assertThat;

import dev.destill.core.model.ChunkRecord;
import dev.destill.core.model.Finding;
import dev.destill.core.model.FindingSource;
import dev.destill.core.model.Severity;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ChunkStepsTest {

  private static Finding at(long line, String step) {
    return new Finding(
        "id" + line,
        "h" + line,
        Severity.ERROR,
        0.9,
        1,
        "build",
        step,
        line,
        line,
        "boom",
        "boom",
        List.of("boom"),
        List.of(),
        List.of(),
        1,
        FindingSource.LOG,
        Optional.empty(),
        List.of(),
        Optional.empty());
  }

  private static ChunkRecord chunk(int index, long from, long to, long firstStep, String exit) {
    return new ChunkRecord("j1", index, from, to, firstStep, Optional.ofNullable(exit));
  }

  @Test
  void shouldGiveFindingsBeforeAChunksFirstMarkerTheStepThePreviousChunkEndedIn() {
    List<ChunkRecord> chunks =
        List.of(
            chunk(0, 1, 100, 10, "compile"),
            chunk(1, 101, 200, Long.MAX_VALUE, null), // no marker: still "compile"
            chunk(2, 201, 300, 250, "test"));
    List<Finding> out =
        ChunkSteps.inherit(
            List.of(at(5, ""), at(150, ""), at(220, ""), at(260, "test"), at(270, "")),
            chunks,
            Map.of("j1", "build"));
    assertThat(out).extracting(Finding::step).containsExactly("", "compile", "compile", "test", "");
  }

  @Test
  void shouldLeaveFindingsOfJobsWithoutChunksAlone() {
    List<Finding> in = List.of(at(5, ""));
    assertThat(ChunkSteps.inherit(in, List.of(), Map.of())).isEqualTo(in);
  }
}
