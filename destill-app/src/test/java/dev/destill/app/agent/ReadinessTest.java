package dev.destill.app.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ReadinessTest {
  private final AtomicBoolean agent = new AtomicBoolean(true);
  private final AtomicBoolean kafka = new AtomicBoolean(true);
  private final AtomicInteger asked = new AtomicInteger();
  private final AtomicLong now = new AtomicLong();
  private final Readiness ready =
      new Readiness(
          agent::get,
          List.of(
              new Readiness.Check(
                  "kafka",
                  () -> {
                    asked.incrementAndGet();
                    return kafka.get();
                  })),
          now::get);

  @Test
  void shouldBeReadyOnlyWhileTheAgentAndEveryServiceItNeedsCanGoOn() {
    assertThat(ready.getAsBoolean()).isTrue();
    agent.set(false);
    assertThat(ready.getAsBoolean()).as("agent stuck").isFalse();
    agent.set(true);
    kafka.set(false);
    now.addAndGet(Readiness.RECHECK.toNanos());
    assertThat(ready.getAsBoolean()).as("Kafka away").isFalse();
  }

  @Test
  void shouldAskTheServicesAtMostOncePerRecheck() {
    for (int i = 0; i < 10; i++) {
      ready.getAsBoolean();
    }
    assertThat(asked).hasValue(1);
    kafka.set(false);
    assertThat(ready.getAsBoolean()).as("the last answer, until the recheck").isTrue();
    now.addAndGet(Readiness.RECHECK.toNanos());
    assertThat(ready.getAsBoolean()).isFalse();
    assertThat(asked).hasValue(2);
  }
}
