package dev.destill.server;

import java.time.Duration;
import java.util.Optional;

/**
 * An HTTP error answer: a status and a one-line reason (JSON {@code {"error": reason}}), with
 * {@code Retry-After} for 429 and 503.
 */
final class HttpProblem extends RuntimeException {
  private final int status;
  private final Optional<Duration> retryAfter;

  HttpProblem(int status, String reason) {
    this(status, reason, Optional.empty());
  }

  HttpProblem(int status, String reason, Optional<Duration> retryAfter) {
    super(reason, null, false, false);
    this.status = status;
    this.retryAfter = retryAfter;
  }

  int status() {
    return status;
  }

  Optional<Duration> retryAfter() {
    return retryAfter;
  }
}
