package dev.destill.app.agent;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * What {@code /ready} answers: whether the agent can make progress. The agent's own state (it holds
 * its subscription, is not waiting out a failure, has polled lately) is asked every time; the
 * services it needs (Kafka, PostgreSQL) are asked at most every {@link #RECHECK}, since each check
 * is a round trip. Thread-safe.
 */
public final class Readiness implements BooleanSupplier {
  /** How long the answer of a service check is reused. */
  public static final Duration RECHECK = Duration.ofSeconds(5);

  /** How long one service check may take. */
  public static final Duration CHECK_TIMEOUT = Duration.ofSeconds(2);

  /** A service the agent needs, and how to ask whether it answers. */
  public record Check(String name, BooleanSupplier answers) {
    public Check {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(answers, "answers");
    }
  }

  private final BooleanSupplier agent;
  private final List<Check> checks;
  private final LongSupplier nanoTime;
  private long checkedAt;
  private boolean servicesAnswer;
  private boolean checked;

  public Readiness(BooleanSupplier agent, List<Check> checks) {
    this(agent, checks, System::nanoTime);
  }

  Readiness(BooleanSupplier agent, List<Check> checks, LongSupplier nanoTime) {
    this.agent = Objects.requireNonNull(agent, "agent");
    this.checks = List.copyOf(checks);
    this.nanoTime = nanoTime;
  }

  @Override
  public boolean getAsBoolean() {
    return agent.getAsBoolean() && servicesAnswer();
  }

  private synchronized boolean servicesAnswer() {
    long now = nanoTime.getAsLong();
    if (!checked || now - checkedAt >= RECHECK.toNanos()) {
      boolean all = true;
      for (Check c : checks) {
        all &= c.answers().getAsBoolean();
      }
      servicesAnswer = all;
      checkedAt = now;
      checked = true;
    }
    return servicesAnswer;
  }
}
