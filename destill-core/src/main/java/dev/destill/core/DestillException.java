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
}
