package dev.destill.core.explain;

/**
 * What an explanation may send to a model.
 *
 * @param tokenBudget the most input tokens (estimated) a prompt may hold, system text included
 * @param maskEmails replace e-mail addresses in log text before it is sent
 * @param maskHostnames replace internal host names (names with a dot that are not public top-level
 *     domains of well-known code hosts) before it is sent
 */
public record ExplainOptions(int tokenBudget, boolean maskEmails, boolean maskHostnames) {
  /** The documented default: 4,000 input tokens, e-mails and host names left as they are. */
  public static final ExplainOptions DEFAULTS = new ExplainOptions(4_000, false, false);

  /** The smallest budget that still holds the instructions and one trimmed block. */
  public static final int MIN_BUDGET = 600;

  public ExplainOptions {
    if (tokenBudget < MIN_BUDGET || tokenBudget > 1_000_000) {
      throw new IllegalArgumentException(
          "the token budget must be between " + MIN_BUDGET + " and 1000000, was " + tokenBudget);
    }
  }
}
