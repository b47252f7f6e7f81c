package dev.destill.core.broker;

import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;

/**
 * A consumer's view of a topic within its group. Not thread-safe: one thread polls and commits.
 * Messages polled but not committed are delivered again (to this or another consumer of the group)
 * after a restart or a rebalance: at-least-once delivery.
 */
public interface Subscription extends AutoCloseable {

  /** The next messages, waiting up to {@code timeout}; empty when none arrived. */
  List<Message> poll(Duration timeout);

  /**
   * Marks every message returned by {@link #poll} so far as processed.
   *
   * @throws dev.destill.core.DestillException.Retriable when the commit failed in a way that a
   *     later commit can make good; what failed is committed again by the next call
   */
  void commit();

  /**
   * Marks {@code processed} (messages returned by {@link #poll}, each partition's in order) and
   * every earlier message of their partitions as processed, and no other: what a stopping agent
   * finished of a poll.
   */
  void commit(List<Message> processed);

  /**
   * How many messages on this subscription's assigned partitions it has not polled yet; empty when
   * that cannot be read (the broker is away, no partition is assigned yet). May lag behind
   * publishes.
   */
  OptionalLong lag();

  /**
   * Stops delivering messages until {@link #resume}: {@link #poll} returns nothing, but keeps the
   * subscription in its group (and its partitions), so that work taking longer than the broker
   * waits between polls does not cost the subscription its place.
   */
  void pause();

  /** Delivers messages again after {@link #pause}. */
  void resume();

  @Override
  void close();
}
