package dev.destill.app.cli;

/** The exit codes of the destill command. */
public final class ExitCodes {
  /** The command ran (an analysis that finds errors still exits 0). */
  public static final int OK = 0;

  /** Something unexpected went wrong inside Destill. */
  public static final int SOFTWARE = 1;

  /** The command line is wrong. */
  public static final int USAGE = 2;

  /** An input (file, URL, report, token, remote service) could not be used. */
  public static final int INPUT = 3;

  /** {@code --fail-on} was given and a finding at or above that confidence was found. */
  public static final int FAILURE_FOUND = 4;

  /** {@code destill rules test}: a rule failed one of its checks. */
  public static final int CHECK_FAILED = 5;

  /** Ctrl-C (SIGINT), in the terminal UI or while printing: 128 + 2, as shells report it. */
  public static final int INTERRUPTED = 130;

  /**
   * An agent stopped on a failure that retrying cannot help: a wrong setting or credential, a
   * schema that does not match, a bug outside any one message (EX_SOFTWARE).
   */
  public static final int AGENT_FAILED = 70;

  /**
   * An agent stopped because a service it needs (Kafka, PostgreSQL) stayed away longer than its
   * retry budget; restarting it later may succeed (EX_TEMPFAIL).
   */
  public static final int AGENT_UNAVAILABLE = 75;

  /**
   * A request that {@code status --wait} waited for finished incomplete: a part of it (a log cut
   * short, a chunk that could not be analyzed) is missing from its findings.
   */
  public static final int REQUEST_INCOMPLETE = 5;

  private ExitCodes() {}
}
