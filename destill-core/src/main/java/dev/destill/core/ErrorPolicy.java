package dev.destill.core;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * The one place that decides what a failure means: {@link Verdict#RETRY} (transient: the same work
 * may succeed later, with backoff and within a {@link Budget}), {@link Verdict#DEAD_LETTER} (this
 * message or this data can never be processed; set it aside with the reason and go on) or {@link
 * Verdict#FATAL} (nothing can go on: stop). Adapters report facts (an SQLState, an HTTP status,
 * whether Kafka calls an error retriable) and throw the exception type this class picks; agents and
 * the HTTP transport ask it how long to keep trying. {@code docs/reliability.md} describes the
 * policy. Immutable and thread-safe.
 *
 * @param transientBudget how long a transient failure is retried before giving up
 * @param processingAttempts how often a message whose processing throws is tried before it is
 *     dead-lettered
 */
public record ErrorPolicy(Budget transientBudget, int processingAttempts) {

  /** At a terminal: a person waits, so a transient failure is given a few seconds. */
  public static final ErrorPolicy INTERACTIVE =
      new ErrorPolicy(new Budget(4, Duration.ofMillis(500), Duration.ofSeconds(4)), 1);

  /**
   * In a long-running agent: a transient failure (a provider's 503, the broker or the database
   * restarting) is retried for about three minutes; a message that trips a bug gets three tries.
   */
  public static final ErrorPolicy AGENT = agent(Duration.ofMinutes(3));

  /** An agent's policy that retries a transient failure for about {@code total}. */
  public static ErrorPolicy agent(Duration total) {
    return new ErrorPolicy(
        Budget.lasting(total, Duration.ofMillis(200), Duration.ofSeconds(30)), 3);
  }

  public ErrorPolicy {
    Objects.requireNonNull(transientBudget, "transientBudget");
    if (processingAttempts < 1) {
      throw new IllegalArgumentException("processingAttempts must be at least 1");
    }
  }

  /** What to do about a failure. */
  public enum Verdict {
    /** Transient: try the same work again after a backoff, within the budget. */
    RETRY,
    /** This message or data can never be processed: set it aside with the reason, go on. */
    DEAD_LETTER,
    /** Nothing can go on: stop, and say why. */
    FATAL
  }

  /**
   * Attempts with exponential backoff: the wait before attempt {@code n + 1} is {@code first * 2^(n
   * - 1)}, at most {@code max}; there is no wait after the last attempt.
   *
   * @param attempts tries in all, the first included
   */
  public record Budget(int attempts, Duration first, Duration max) {
    public Budget {
      if (attempts < 1 || first.isNegative() || max.compareTo(first) < 0) {
        throw new IllegalArgumentException("invalid retry budget");
      }
    }

    /**
     * The budget whose waits add up to about {@code total}, starting at {@code first} and doubling
     * up to {@code max}.
     */
    public static Budget lasting(Duration total, Duration first, Duration max) {
      int attempts = 1;
      Budget b = new Budget(attempts, first, max);
      while (attempts < 10_000
          && new Budget(attempts + 1, first, max).total().compareTo(total) <= 0) {
        attempts++;
        b = new Budget(attempts, first, max);
      }
      return b;
    }

    /** Whether another attempt may follow {@code failed} failed ones. */
    public boolean allowsAnother(int failed) {
      return failed < attempts;
    }

    /** The wait after the {@code failed}-th failed attempt (1-based). */
    public Duration backoff(int failed) {
      Duration d = first;
      for (int i = 1; i < failed && d.compareTo(max) < 0; i++) {
        d = d.multipliedBy(2);
      }
      return d.compareTo(max) > 0 ? max : d;
    }

    /** The longest all the waits of this budget add up to. */
    public Duration total() {
      Duration sum = Duration.ZERO;
      for (int failed = 1; failed < attempts; failed++) {
        sum = sum.plus(backoff(failed));
      }
      return sum;
    }
  }

  /**
   * The verdict on a failure, by its type: {@link DestillException.Retriable} is retried, {@link
   * DestillException.Rejected} (a message that cannot be read among them) and {@link
   * DestillException.BadInput} are dead-lettered, {@link DestillException.Fatal} and a JVM error
   * (out of memory) stop; any other exception is a bug met while processing a message, which is
   * dead-lettered once its {@link #processingAttempts} are used up.
   */
  public Verdict classify(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof DestillException.Retriable) {
        return Verdict.RETRY;
      }
      if (t instanceof DestillException.Fatal || t instanceof VirtualMachineError) {
        return Verdict.FATAL;
      }
      // A message that cannot be read (PoisonMessageException) is a Rejected one.
      if (t instanceof DestillException.Rejected || t instanceof DestillException.BadInput) {
        return Verdict.DEAD_LETTER;
      }
      if (t instanceof DestillException) {
        // A plain DestillException says what went wrong but not that it is transient: the
        // resource is gone (a closed broker) or a setting is wrong.
        return Verdict.FATAL;
      }
    }
    return Verdict.DEAD_LETTER;
  }

  /**
   * The verdict on an SQL failure, by the class of its SQLState (the first two characters): a lost
   * connection (08), a serialization failure or deadlock (40), insufficient resources (53), an
   * operator's intervention such as a restart or a cancelled query (57), a system error (58) or a
   * lock not available (55P03) is retried; a data exception (22), an integrity violation (23) or a
   * program limit (54) refuses the data, which is dead-lettered; everything else (authorization 28,
   * schema 42, a missing database 3D) is fatal. No SQLState (a pool timeout) counts as a lost
   * connection.
   */
  public static Verdict sqlState(String state) {
    if (state == null || state.length() < 2) {
      return Verdict.RETRY;
    }
    String s = state.toUpperCase(Locale.ROOT);
    if (s.equals("55P03")) {
      return Verdict.RETRY;
    }
    return switch (s.substring(0, 2)) {
      case "08", "40", "53", "57", "58" -> Verdict.RETRY;
      case "22", "23", "54" -> Verdict.DEAD_LETTER;
      default -> Verdict.FATAL;
    };
  }

  /**
   * The verdict on an HTTP status: 408, 425, 429 and 5xx are transient; 401 and 403 (a token
   * problem) are fatal; any other 4xx refuses this request only.
   */
  public static Verdict httpStatus(int status) {
    if (status == 408 || status == 425 || status == 429 || status >= 500) {
      return Verdict.RETRY;
    }
    if (status == 401 || status == 403) {
      return Verdict.FATAL;
    }
    return Verdict.DEAD_LETTER;
  }

  /** The verdict on a Kafka failure: transient when Kafka calls it retriable, else fatal. */
  public static Verdict kafka(boolean retriable) {
    return retriable ? Verdict.RETRY : Verdict.FATAL;
  }

  /**
   * How often a message that failed with {@code failure} is tried in all before it is
   * dead-lettered: once when the data was refused or cannot be read (trying it again gives the same
   * answer), {@link #processingAttempts} for anything else (a bug may depend on timing or memory).
   */
  public int attempts(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof DestillException) {
        return 1;
      }
    }
    return processingAttempts;
  }

  /** The exception an adapter throws for a failure of this verdict. */
  public static DestillException exception(Verdict verdict, String message, Throwable cause) {
    return switch (verdict) {
      case RETRY -> new DestillException.Retriable(message, cause);
      case DEAD_LETTER -> new DestillException.Rejected(message, cause);
      case FATAL -> new DestillException.Fatal(message, cause);
    };
  }

  /** A failure as one line for a person: its message, or its kind when it has none. */
  public static String describe(Throwable failure) {
    String m = failure.getMessage();
    if (m == null || m.isBlank()) {
      return switch (failure) {
        case NullPointerException e -> "a value was missing (a bug: rerun with --verbose)";
        case StackOverflowError e -> "the input nests too deeply";
        case OutOfMemoryError e -> "out of memory";
        default -> "an unexpected " + kind(failure) + " (a bug: rerun with --verbose)";
      };
    }
    return m.lines().findFirst().orElse(m).strip();
  }

  private static String kind(Throwable t) {
    // A readable kind without the package: "IllegalStateException" -> "illegal state".
    String n = t.getClass().getSimpleName().replaceAll("(Exception|Error)$", "");
    return n.replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase(Locale.ROOT) + " error";
  }
}
