package dev.destill.kafka;

import dev.destill.core.broker.Message;
import dev.destill.core.broker.Subscription;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.WakeupException;

/**
 * One {@link KafkaConsumer} in a consumer group. Not thread-safe, like the consumer: one thread
 * polls and commits; only {@link KafkaBroker#close} reaches in from another thread, through {@link
 * #wakeup} and then {@link #close} under {@link #lock}.
 */
final class KafkaSubscription implements Subscription {

  private final KafkaBroker broker;
  private final KafkaConsumer<String, byte[]> consumer;
  // Held while the consumer is in use, so the broker's close waits for a poll to end.
  private final ReentrantLock lock = new ReentrantLock();
  // The next offset of each partition this subscription polled from but has not committed.
  private final Map<TopicPartition, OffsetAndMetadata> polled = new HashMap<>();
  // What commit() handed to the broker so far, made sure of on close.
  private final Map<TopicPartition, OffsetAndMetadata> committed = new HashMap<>();
  private static final Duration LAG_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration LAG_REFRESH = Duration.ofSeconds(1);
  private long lag;
  private long lagAt = System.nanoTime() - LAG_REFRESH.toNanos();
  private boolean closed;

  KafkaSubscription(KafkaBroker broker, String topic, KafkaConsumer<String, byte[]> consumer) {
    this.broker = broker;
    this.consumer = consumer;
    consumer.subscribe(
        List.of(topic),
        new ConsumerRebalanceListener() {
          @Override
          public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            // Not committed: the next owner starts at the last commit (at-least-once).
            partitions.forEach(polled::remove);
          }

          @Override
          public void onPartitionsAssigned(Collection<TopicPartition> partitions) {}
        });
  }

  @Override
  public List<Message> poll(Duration timeout) {
    lock.lock();
    try {
      if (closed || broker.isClosed()) {
        return List.of();
      }
      List<Message> messages = new ArrayList<>();
      for (ConsumerRecord<String, byte[]> r : consumer.poll(timeout)) {
        if (r.key() == null || r.value() == null) {
          continue; // not published through the port; nothing to hand on
        }
        messages.add(new Message(r.topic(), r.partition(), r.offset(), r.key(), r.value()));
        polled.put(
            new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
      }
      return messages;
    } catch (WakeupException e) {
      return List.of(); // the broker is closing
    } catch (KafkaException e) {
      throw broker.failure("cannot poll", e);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void commit() {
    lock.lock();
    try {
      if (closed || broker.isClosed() || polled.isEmpty()) {
        return;
      }
      // Asynchronous: the agent goes on with its next message while the broker records this.
      // A commit that fails (a rebalance) only means those messages are delivered again, which
      // the pipeline is built for; close() waits for the last one.
      Map<TopicPartition, OffsetAndMetadata> offsets = Map.copyOf(polled);
      consumer.commitAsync(offsets, (done, failure) -> {});
      committed.putAll(offsets);
      polled.clear();
    } catch (CommitFailedException | RebalanceInProgressException e) {
      // The partitions moved to another consumer, which gets these messages again.
      polled.clear();
    } catch (WakeupException e) {
      // The broker is closing; uncommitted messages are delivered again later.
    } catch (KafkaException e) {
      throw broker.failure("cannot commit", e);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public long lag() {
    lock.lock();
    try {
      if (closed || broker.isClosed()) {
        return 0;
      }
      Set<TopicPartition> assigned = consumer.assignment();
      if (assigned.isEmpty()) {
        return 0;
      }
      // Asking the broker for the partitions' ends costs a round trip: agents report lag after
      // every poll, so it is asked at most once a second.
      long now = System.nanoTime();
      if (now - lagAt < LAG_REFRESH.toNanos()) {
        return lag;
      }
      Map<TopicPartition, Long> ends = consumer.endOffsets(assigned, LAG_TIMEOUT);
      long sum = 0;
      for (TopicPartition tp : assigned) {
        Long end = ends.get(tp);
        if (end != null) {
          sum += Math.max(0, end - consumer.position(tp, LAG_TIMEOUT));
        }
      }
      lag = sum;
      lagAt = now;
      return lag;
    } catch (KafkaException e) {
      return 0; // unknown
    } finally {
      lock.unlock();
    }
  }

  /** Interrupts a poll in progress; safe from any thread. */
  void wakeup() {
    consumer.wakeup();
  }

  /** Leaves the group (its partitions go to the others at once) and closes the consumer. */
  @Override
  public void close() {
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      if (!committed.isEmpty() && !broker.isClosed()) {
        try {
          consumer.commitSync(Map.copyOf(committed), KafkaBroker.CLOSE_TIMEOUT);
        } catch (KafkaException e) {
          // Best effort: the messages after the last recorded commit come again.
        }
      }
      consumer.close(KafkaBroker.CLOSE_TIMEOUT);
    } catch (KafkaException e) {
      // Best effort: the group drops this member after its session timeout anyway.
    } finally {
      lock.unlock();
      broker.forget(this);
    }
  }
}
