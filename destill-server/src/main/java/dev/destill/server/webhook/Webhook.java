package dev.destill.server.webhook;

import java.util.Map;

/**
 * One CI provider's webhook: checks that a delivery is authentic, then reads what it is about.
 * Implementations are thread-safe and do no I/O.
 */
public interface Webhook {
  /** {@code github}, {@code buildkite} or {@code gitlab}: the route and the metric label. */
  String provider();

  /**
   * Judges one delivery.
   *
   * @param headers the request headers, names in lower case
   * @param body the raw body, exactly as received (signatures are over these bytes)
   */
  Verdict judge(Map<String, String> headers, byte[] body);
}
