package dev.destill.core.stats;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class LineCounterTest {
  private static final Instant T = Instant.parse("2026-03-01T12:00:10Z");

  @Test
  void shouldCountLinesPerMinuteLevelAndTemplate() {
    LineCounter c = new LineCounter("file", 100);
    c.count(T, "build.log", "2026-03-01T12:00:01Z ERROR connection to 10.0.0.1:5432 refused");
    c.count(T, "build.log", "2026-03-01T12:00:02Z ERROR connection to 10.0.0.2:5432 refused");
    c.count(T.plusSeconds(60), "build.log", "[INFO] Building shop 1.2.3");
    assertThat(c.total()).isEqualTo(3);
    assertThat(c.drain())
        .extracting(LineCount::level, LineCount::lines)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(Level.ERROR, 2L),
            org.assertj.core.groups.Tuple.tuple(Level.INFO, 1L));
    assertThat(c.isEmpty()).isTrue();
  }

  @Test
  void shouldCountNewTemplatesBeyondItsBoundAsOther() {
    LineCounter c = new LineCounter("file", 1);
    c.count(T, "s", "first line");
    c.count(T, "s", "second line");
    c.count(T, "s", "third line");
    assertThat(c.drain())
        .extracting(LineCount::template, LineCount::lines)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("first line", 1L),
            org.assertj.core.groups.Tuple.tuple(LineCounter.OTHER, 2L));
  }

  @Test
  void shouldReadLevelWordsButNotCodes() {
    assertThat(LineLevels.of("12:00:01 [warn] disk almost full")).isEqualTo(Level.WARN);
    assertThat(LineLevels.of("level=error msg=boom")).isEqualTo(Level.ERROR);
    assertThat(LineLevels.of("error[E0412]: cannot find type")).isEqualTo(Level.ERROR);
    assertThat(LineLevels.of("E0412 happened")).isEqualTo(Level.UNKNOWN);
    assertThat(LineLevels.of("FATAL: role does not exist")).isEqualTo(Level.FATAL);
    assertThat(LineLevels.of("compiling 12 files")).isEqualTo(Level.UNKNOWN);
  }
}
