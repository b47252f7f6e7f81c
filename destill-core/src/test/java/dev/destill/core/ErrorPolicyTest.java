package dev.destill.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.destill.core.ErrorPolicy.Budget;
import dev.destill.core.ErrorPolicy.Verdict;
import dev.destill.core.pipeline.PoisonMessageException;
import java.io.UncheckedIOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ErrorPolicyTest {
  private final ErrorPolicy policy = ErrorPolicy.AGENT;

  @Test
  void shouldRetryWhatMayPassAndSetAsideWhatCannotByTheClassOfTheSqlState() {
    assertThat(ErrorPolicy.sqlState("08006")).as("connection failure").isEqualTo(Verdict.RETRY);
    assertThat(ErrorPolicy.sqlState("40001")).as("serialization").isEqualTo(Verdict.RETRY);
    assertThat(ErrorPolicy.sqlState("40P01")).as("deadlock").isEqualTo(Verdict.RETRY);
    assertThat(ErrorPolicy.sqlState("53300")).as("too many connections").isEqualTo(Verdict.RETRY);
    assertThat(ErrorPolicy.sqlState("57P01")).as("admin shutdown").isEqualTo(Verdict.RETRY);
    assertThat(ErrorPolicy.sqlState("55P03")).as("lock not available").isEqualTo(Verdict.RETRY);
    assertThat(ErrorPolicy.sqlState(null)).as("a pool timeout").isEqualTo(Verdict.RETRY);
    assertThat(ErrorPolicy.sqlState("22021")).as("bad UTF-8").isEqualTo(Verdict.DEAD_LETTER);
    assertThat(ErrorPolicy.sqlState("22P05"))
        .as("bad unicode escape")
        .isEqualTo(Verdict.DEAD_LETTER);
    assertThat(ErrorPolicy.sqlState("23505")).as("unique").isEqualTo(Verdict.DEAD_LETTER);
    assertThat(ErrorPolicy.sqlState("54000")).as("program limit").isEqualTo(Verdict.DEAD_LETTER);
    assertThat(ErrorPolicy.sqlState("28P01")).as("bad password").isEqualTo(Verdict.FATAL);
    assertThat(ErrorPolicy.sqlState("42P01")).as("no such table").isEqualTo(Verdict.FATAL);
    assertThat(ErrorPolicy.sqlState("3D000")).as("no such database").isEqualTo(Verdict.FATAL);
  }

  @Test
  void shouldRetryHttpStatusesThatPassAndNotTheOthers() {
    for (int status : new int[] {408, 425, 429, 500, 502, 503, 504}) {
      assertThat(ErrorPolicy.httpStatus(status)).as("%d", status).isEqualTo(Verdict.RETRY);
    }
    assertThat(ErrorPolicy.httpStatus(401)).isEqualTo(Verdict.FATAL);
    assertThat(ErrorPolicy.httpStatus(403)).isEqualTo(Verdict.FATAL);
    assertThat(ErrorPolicy.httpStatus(404)).isEqualTo(Verdict.DEAD_LETTER);
    assertThat(ErrorPolicy.httpStatus(422)).isEqualTo(Verdict.DEAD_LETTER);
    assertThat(ErrorPolicy.kafka(true)).isEqualTo(Verdict.RETRY);
    assertThat(ErrorPolicy.kafka(false)).isEqualTo(Verdict.FATAL);
  }

  @Test
  void shouldClassifyByTheTypeOfTheFailureOrOfItsCause() {
    assertThat(policy.classify(new DestillException.Retriable("Kafka away")))
        .isEqualTo(Verdict.RETRY);
    assertThat(
            policy.classify(
                new IllegalStateException("wrapped", new DestillException.Retriable("x"))))
        .isEqualTo(Verdict.RETRY);
    assertThat(policy.classify(new DestillException.Rejected("refused", null)))
        .isEqualTo(Verdict.DEAD_LETTER);
    assertThat(policy.classify(new PoisonMessageException("not JSON")))
        .isEqualTo(Verdict.DEAD_LETTER);
    assertThat(policy.classify(new DestillException.Fatal("bad password")))
        .isEqualTo(Verdict.FATAL);
    assertThat(policy.classify(new DestillException("broker closed"))).isEqualTo(Verdict.FATAL);
    assertThat(policy.classify(new OutOfMemoryError())).isEqualTo(Verdict.FATAL);
    assertThat(policy.classify(new NullPointerException()))
        .as("a bug")
        .isEqualTo(Verdict.DEAD_LETTER);
    assertThat(policy.classify(new UncheckedIOException(new java.io.IOException("x"))))
        .isEqualTo(Verdict.DEAD_LETTER);
  }

  @Test
  void shouldTryABugSeveralTimesButRefusedDataOnce() {
    assertThat(policy.attempts(new IllegalArgumentException("bug"))).isEqualTo(3);
    assertThat(policy.attempts(new DestillException.Rejected("refused", null))).isEqualTo(1);
    assertThat(policy.attempts(new PoisonMessageException("not JSON"))).isEqualTo(1);
  }

  @Test
  void shouldDoubleTheBackoffUpToItsMaximumAndNotWaitAfterTheLastAttempt() {
    Budget b = new Budget(4, Duration.ofMillis(500), Duration.ofSeconds(1));
    assertThat(b.backoff(1)).isEqualTo(Duration.ofMillis(500));
    assertThat(b.backoff(2)).isEqualTo(Duration.ofSeconds(1));
    assertThat(b.backoff(3)).isEqualTo(Duration.ofSeconds(1));
    assertThat(b.allowsAnother(3)).isTrue();
    assertThat(b.allowsAnother(4)).isFalse();
    // Three waits between four attempts.
    assertThat(b.total()).isEqualTo(Duration.ofMillis(2500));
  }

  @Test
  void shouldGiveAgentsALongerBudgetThanAPersonAtATerminal() {
    Duration agent = ErrorPolicy.AGENT.transientBudget().total();
    Duration terminal = ErrorPolicy.INTERACTIVE.transientBudget().total();
    assertThat(terminal).isLessThanOrEqualTo(Duration.ofSeconds(5));
    assertThat(agent).isBetween(Duration.ofMinutes(2), Duration.ofMinutes(3));
    assertThat(ErrorPolicy.agent(Duration.ofSeconds(10)).transientBudget().total())
        .isBetween(Duration.ofSeconds(5), Duration.ofSeconds(10));
  }

  @Test
  void shouldDescribeAFailureWithoutAJavaClassName() {
    assertThat(ErrorPolicy.describe(new NullPointerException()))
        .doesNotContain("Exception")
        .doesNotContain("java.");
    assertThat(ErrorPolicy.describe(new IllegalStateException()))
        .doesNotContain("Exception")
        .contains("illegal state");
    assertThat(ErrorPolicy.describe(new DestillException("Kafka away\nmore")))
        .isEqualTo("Kafka away");
  }
}
