package dev.destill.core.analyze.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.destill.core.pipeline.PipelineMessage.BaselinePart;
import dev.destill.core.store.AbstractFindingStoreTest.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BaselinePartsTest {
  private static final int PART = BaselinePart.MAX_BYTES;
  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-02T10:00:00Z"));

  private static byte[] bytes(int n, int seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  @Test
  void shouldGiveTheWholeSetWhenItsLastPartArrivesAndIgnoreRepeatedParts() {
    BaselineParts parts = new BaselineParts(16L * PART, Duration.ofHours(1), clock);
    byte[] set = bytes(2 * PART + 100, 1);
    List<BaselinePart> cut = BaselinePart.of("req-1", "j1", set);
    assertThat(cut).hasSize(3);

    assertThat(parts.add(cut.get(0))).isEmpty();
    assertThat(parts.add(cut.get(0))).as("delivered twice").isEmpty();
    assertThat(parts.add(cut.get(1))).isEmpty();
    assertThat(parts.pendingBytes()).isEqualTo(2L * PART);
    assertThat(parts.add(cut.get(2))).hasValueSatisfying(b -> assertThat(b).isEqualTo(set));
    assertThat(parts.pendingSets()).isZero();
    assertThat(parts.pendingBytes()).isZero();
  }

  @Test
  void shouldKeepTheSetsOfTwoJobsApartAndStartOverASetCutDifferently() {
    BaselineParts parts = new BaselineParts(16L * PART, Duration.ofHours(1), clock);
    byte[] a = bytes(PART + 1, 2);
    byte[] b = bytes(PART + 2, 3);
    List<BaselinePart> cutA = BaselinePart.of("req-1", "a", a);
    List<BaselinePart> cutB = BaselinePart.of("req-1", "b", b);
    parts.add(cutA.get(0));
    parts.add(cutB.get(0));
    // Job a published again, now as one small set: what was gathered of it is dropped.
    byte[] again = bytes(10, 4);
    assertThat(parts.add(BaselinePart.of("req-1", "a", again).get(0)))
        .hasValueSatisfying(x -> assertThat(x).isEqualTo(again));
    assertThat(parts.add(cutB.get(1))).hasValueSatisfying(x -> assertThat(x).isEqualTo(b));
    assertThat(parts.pendingSets()).isZero();
  }

  @Test
  void shouldDropTheOldestUnfinishedSetToStayWithinItsBytes() {
    BaselineParts parts = new BaselineParts(2L * PART, Duration.ofHours(1), clock);
    List<BaselinePart> old = BaselinePart.of("req-1", "old", bytes(3 * PART, 5));
    List<BaselinePart> young = BaselinePart.of("req-2", "young", bytes(2 * PART, 6));
    parts.add(old.get(0));
    parts.add(old.get(1));
    parts.add(young.get(0));
    assertThat(parts.pendingSets()).isEqualTo(1);
    assertThat(parts.pendingBytes()).isEqualTo(PART);
    assertThat(parts.add(young.get(1))).isPresent();
    // The dropped set cannot finish from its last part alone.
    assertThat(parts.add(old.get(2))).isEmpty();
  }

  @Test
  void shouldForgetAnUnfinishedSetOlderThanAllowed() {
    BaselineParts parts = new BaselineParts(16L * PART, Duration.ofMinutes(10), clock);
    List<BaselinePart> cut = BaselinePart.of("req-1", "j1", bytes(PART + 1, 7));
    parts.add(cut.get(0));
    clock.advance(Duration.ofMinutes(10));
    assertThat(parts.add(cut.get(1))).isEqualTo(Optional.empty());
    assertThat(parts.pendingBytes()).isEqualTo(1);
  }
}
