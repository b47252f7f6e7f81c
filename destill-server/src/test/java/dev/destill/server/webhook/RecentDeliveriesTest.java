package dev.destill.server.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class RecentDeliveriesTest {
  /** A clock the test moves. */
  static final class MovingClock extends Clock {
    Instant now = Instant.ofEpochSecond(1_800_000_000);

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  @Test
  void shouldKnowARedeliveryUntilItsTimeIsUp() {
    MovingClock clock = new MovingClock();
    RecentDeliveries seen = new RecentDeliveries(10, Duration.ofHours(1), clock);

    assertThat(seen.firstTime("github", "d-1")).isTrue();
    assertThat(seen.firstTime("github", "d-1")).isFalse();
    assertThat(seen.firstTime("gitlab", "d-1")).as("per provider").isTrue();
    clock.now = clock.now.plus(Duration.ofMinutes(61));
    assertThat(seen.firstTime("github", "d-1")).isTrue();
  }

  @Test
  void shouldHoldAtMostItsCapacityDroppingTheOldest() {
    RecentDeliveries seen = new RecentDeliveries(3, Duration.ofDays(1), new MovingClock());
    for (int i = 0; i < 5; i++) {
      seen.firstTime("github", "d-" + i);
    }

    assertThat(seen.size()).isEqualTo(3);
    assertThat(seen.firstTime("github", "d-0")).as("dropped").isTrue();
    assertThat(seen.firstTime("github", "d-4")).isFalse();
  }

  @Test
  void shouldTakeAForgottenDeliveryAgain() {
    RecentDeliveries seen = new RecentDeliveries(3, Duration.ofDays(1), new MovingClock());
    seen.firstTime("buildkite", "x");
    seen.forget("buildkite", "x");
    assertThat(seen.firstTime("buildkite", "x")).isTrue();
  }
}
