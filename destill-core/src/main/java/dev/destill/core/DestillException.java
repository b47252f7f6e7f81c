package dev.destill.core;

/**
 * The root of every failure Destill reports. Its message is one line that says what went wrong and
 * what to do about it; the CLI prints it as is.
 */
public class DestillException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public DestillException(String message) {
    super(message);
  }

  public DestillException(String message, Throwable cause) {
    super(message, cause);
  }

  /** A failure that may go away when retried: HTTP 429/5xx, timeouts, a broker unreachable. */
  public static class Retriable extends DestillException {
    private static final long serialVersionUID = 1L;

    public Retriable(String message) {
      super(message);
    }

    public Retriable(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** The input (file, URL, archive, report) is missing, unreadable or not what it claims. */
  public static class BadInput extends DestillException {
    private static final long serialVersionUID = 1L;

    public BadInput(String message) {
      super(message);
    }

    public BadInput(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * The receiving system refused this data (a constraint, an encoding, a value out of range):
   * retrying the same data cannot help, but other data goes through. An agent sets the message
   * aside on the dead-letter topic.
   */
  public static class Rejected extends DestillException {
    private static final long serialVersionUID = 1L;

    public Rejected(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * Retrying cannot help and nothing else can go on: a wrong setting, a refused credential, a
   * schema that does not match. An agent stops with a non-zero exit code.
   */
  public static class Fatal extends DestillException {
    private static final long serialVersionUID = 1L;

    public Fatal(String message) {
      super(message);
    }

    public Fatal(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
