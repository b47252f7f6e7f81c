package dev.destill.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FindingTest {
  private static Finding full() {
    return new Finding(
        "f1",
        "abc",
        Severity.ERROR,
        0.8,
        2,
        "build",
        "compile",
        10,
        12,
        "error: boom",
        "error: <n>",
        List.of("error: boom", "  at x", "  at y"),
        List.of("before"),
        List.of("after"),
        3,
        FindingSource.JUNIT,
        Optional.of(new TestCase("adds", "CartTest", "CartTest.java")),
        List.of("error-word"),
        Optional.empty());
  }

  @Test
  void shouldCopyEveryFieldThroughTheBuilder() {
    Finding f = full();

    assertThat(f.toBuilder().build()).isEqualTo(f);
  }

  @Test
  void shouldChangeOnlyTheNamedFieldInEachWithMethod() {
    Finding f = full();
    History h =
        new History(
            4, 20, Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-02-01T00:00:00Z"));

    assertThat(f.withConfidence(0.5)).isEqualTo(f.toBuilder().confidence(0.5).build());
    assertThat(f.withConfidence(0.5).confidence()).isEqualTo(0.5);
    assertThat(f.withTier(Tier.NOISE).tier()).isEqualTo(3);
    assertThat(f.withTier(1).tierLevel()).isEqualTo(Tier.LIKELY_CAUSE);
    assertThat(f.withRecurrence(7).recurrence()).isEqualTo(7);
    assertThat(f.withHistory(h).history()).contains(h);
    assertThat(f.withSignals(List.of("a", "b")).signals()).containsExactly("a", "b");
    assertThat(f.withStep("test").step()).isEqualTo("test");
    assertThat(f.withStep("test").toBuilder().step(f.step()).build()).isEqualTo(f);
  }

  @Test
  void shouldBuildWithEmptyDefaultsAndCheckLikeTheConstructor() {
    Finding f =
        Finding.builder()
            .id("x")
            .hash("h")
            .severity(Severity.ERROR)
            .confidence(0.9)
            .tier(Tier.LIKELY_CAUSE)
            .job("j")
            .line(1)
            .endLine(1)
            .message("m")
            .normalized("m")
            .build();

    assertThat(f.step()).isEmpty();
    assertThat(f.recurrence()).isEqualTo(1);
    assertThat(f.source()).isEqualTo(FindingSource.LOG);
    assertThat(f.block()).isEmpty();
    assertThat(f.test()).isEmpty();
    assertThatThrownBy(() -> f.toBuilder().tier(4).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tier must be 1, 2 or 3");
    assertThatThrownBy(() -> f.toBuilder().endLine(0).build())
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void shouldNumberTiersOneToThree() {
    for (Tier t : Tier.values()) {
      assertThat(Tier.of(t.number())).isEqualTo(t);
    }
    assertThat(Tier.LIKELY_CAUSE.number()).isEqualTo(1);
    assertThatThrownBy(() -> Tier.of(0)).isInstanceOf(IllegalArgumentException.class);
  }
}
