package dev.destill.core.broker;

import java.time.Duration;
import java.util.List;

/**
 * A consumer's view of a topic within its group. Not thread-safe: one thread polls and commits.
 * Messages polled but not committed are delivered again (to this or another consumer of the group)
 * after a restart or a rebalance: at-least-once delivery.
 */
public interface Subscription extends AutoCloseable {

  /** The next messages, waiting up to {@code timeout}; empty when none arrived. */
  List<Message> poll(Duration timeout);

  /** Marks every message returned by {@link #poll} so far as processed. */
  void commit();

  /**
   * How many messages on this subscription's assigned partitions it has not polled yet; 0 when
   * unknown (for instance before the group assigned it any partition). May lag behind publishes.
   */
  long lag();

  @Override
  void close();
}
