package dev.destill.live;

import dev.destill.live.window.WindowPolicy;
import java.time.Duration;
import java.util.Objects;

/**
 * The limits of live ingestion, as values (the application declares them with their variables).
 *
 * @param queueRecords records accepted and not yet processed; past it senders are told to retry
 *     (OTLP/gRPC {@code RESOURCE_EXHAUSTED}, HTTP 503 with {@code Retry-After}, syslog over TCP
 *     waits, over UDP drops and counts)
 * @param workers threads that process records; a stream always goes to the same one
 * @param windows the window limits (of each worker)
 * @param statsFlush how often line counts go to the stats sink
 * @param retryAfter what senders are told to wait when the queue is full
 */
public record LiveSettings(
    int queueRecords, int workers, WindowPolicy windows, Duration statsFlush, Duration retryAfter) {
  public LiveSettings {
    Objects.requireNonNull(windows, "windows");
    Objects.requireNonNull(statsFlush, "statsFlush");
    Objects.requireNonNull(retryAfter, "retryAfter");
    if (queueRecords < 1 || workers < 1) {
      throw new IllegalArgumentException("queueRecords and workers must be positive");
    }
  }

  /** 200,000 queued records, 2 workers, the default windows, counts flushed each second. */
  public static LiveSettings defaults() {
    return new LiveSettings(
        200_000, 2, WindowPolicy.defaults(), Duration.ofSeconds(1), Duration.ofSeconds(2));
  }

  public LiveSettings withQueue(int records) {
    return new LiveSettings(records, workers, windows, statsFlush, retryAfter);
  }

  public LiveSettings withWindows(WindowPolicy w) {
    return new LiveSettings(queueRecords, workers, w, statsFlush, retryAfter);
  }

  public LiveSettings withWorkers(int n) {
    return new LiveSettings(queueRecords, n, windows, statsFlush, retryAfter);
  }
}
