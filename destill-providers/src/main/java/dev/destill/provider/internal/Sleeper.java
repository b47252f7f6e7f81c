package dev.destill.provider.internal;

import java.time.Duration;

/** Waits between retries; tests pass one that records instead of sleeping. */
@FunctionalInterface
public interface Sleeper {
  Sleeper REAL =
      d -> {
        try {
          Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new dev.destill.core.DestillException("interrupted while waiting to retry", e);
        }
      };

  void sleep(Duration duration);
}
