package dev.destill.core.pipeline;

import dev.destill.core.DestillException;

/**
 * A message that can never be processed (bad JSON, an unknown schema version, an impossible value):
 * retrying cannot help, so it goes to the dead-letter topic.
 */
public final class PoisonMessageException extends DestillException.Rejected {
  private static final long serialVersionUID = 1L;

  public PoisonMessageException(String message) {
    super(message, null);
  }

  public PoisonMessageException(String message, Throwable cause) {
    super(message, cause);
  }
}
