package dev.destill.core.broker;

import java.time.Duration;

/**
 * A topic-based message broker: in memory for local mode and tests, Kafka for distributed mode.
 * Implementations are thread-safe; a {@link Subscription} is used by one thread at a time.
 */
public interface Broker extends AutoCloseable {

  /**
   * Publishes one message. Messages with the same key on the same topic are delivered in order.
   * Blocks while the broker applies back-pressure.
   *
   * @throws dev.destill.core.DestillException.Retriable when the broker cannot be reached
   */
  void publish(String topic, String key, byte[] value);

  /**
   * Publishes one value that the broker may carry as it is: a broker whose messages leave the
   * process sends {@link Encodable#encode}'s bytes (this default), an in-process one hands the
   * object itself to its consumers ({@link Message#carried}), so that nothing is encoded and
   * decoded again. Otherwise as {@link #publish(String, String, byte[])}.
   */
  default void publish(String topic, String key, Encodable value) {
    publish(topic, key, value.encode());
  }

  /** Flushes what was published so far, waiting up to {@code timeout}. */
  void flush(Duration timeout);

  /**
   * Joins consumer group {@code group} on {@code topic}. Consumers in one group share the topic's
   * messages; each group sees every message.
   */
  default Subscription subscribe(String topic, String group) {
    return subscribe(topic, group, DEFAULT_MAX_POLL);
  }

  /**
   * Joins consumer group {@code group} on {@code topic}, polling at most {@code maxPoll} messages
   * at a time: 1 for consumers of large work items, so that each is committed before the next is
   * taken and the others stay with the group.
   */
  Subscription subscribe(String topic, String group, int maxPoll);

  /**
   * Whether the broker answers now, within {@code timeout}: for a readiness check. An in-process
   * broker always does until closed.
   */
  default boolean reachable(Duration timeout) {
    return true;
  }

  /** How many messages a poll returns at most, unless the subscriber says otherwise. */
  int DEFAULT_MAX_POLL = 100;

  @Override
  void close();
}
