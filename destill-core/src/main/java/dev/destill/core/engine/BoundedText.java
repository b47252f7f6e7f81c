package dev.destill.core.engine;

/**
 * A line as a regex sees it, with a time budget: once the budget is spent, reading it throws {@link
 * Expired}, which ends a match that backtracks without end. The clock is read only every {@link
 * #CHECK_EVERY} characters, so a normal match pays an increment and a mask per character. Not
 * thread-safe: one match at a time. The engine's rules and the MCP server's log search use it.
 */
public final class BoundedText implements CharSequence {
  /** How many characters are read between two looks at the clock (a power of two). */
  static final int CHECK_EVERY = 1024;

  /** Thrown when a match outlasts its budget; carries no stack trace, so it is cheap. */
  public static final class Expired extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Expired() {
      super("a regular expression ran out of its time budget", null, false, false);
    }
  }

  private final String text;
  private final long deadline;
  private int reads;

  /**
   * @param deadline a {@link System#nanoTime} value
   */
  public BoundedText(String text, long deadline) {
    this.text = text;
    this.deadline = deadline;
  }

  @Override
  public int length() {
    return text.length();
  }

  @Override
  public char charAt(int index) {
    if ((++reads & (CHECK_EVERY - 1)) == 0 && System.nanoTime() - deadline > 0) {
      throw new Expired();
    }
    return text.charAt(index);
  }

  @Override
  public CharSequence subSequence(int start, int end) {
    return new BoundedText(text.substring(start, end), deadline);
  }

  @Override
  public String toString() {
    return text;
  }
}
