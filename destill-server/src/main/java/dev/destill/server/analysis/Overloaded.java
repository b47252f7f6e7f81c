package dev.destill.server.analysis;

import dev.destill.core.DestillException;
import java.time.Duration;

/**
 * Refused for now: too much work waiting. The client should try again after {@link #retryAfter}.
 */
public final class Overloaded extends DestillException {
  private final Duration retryAfter;

  public Overloaded(String message, Duration retryAfter) {
    super(message);
    this.retryAfter = retryAfter;
  }

  public Duration retryAfter() {
    return retryAfter;
  }
}
