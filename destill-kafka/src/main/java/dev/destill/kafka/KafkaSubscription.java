package dev.destill.kafka;

import dev.destill.core.broker.Message;
import dev.destill.core.broker.Subscription;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@link KafkaConsumer} in a consumer group. Not thread-safe, like the consumer: one thread
 * polls and commits; only {@link KafkaBroker#close} reaches in from another thread, through {@link
 * #wakeup} and then {@link #close} under {@link #lock}.
 *
 * <p>Commits are asynchronous; one that fails is not forgotten: a retriable failure puts its
 * offsets back, to be committed by the next {@link #commit} (the agent commits when idle too), and
 * any failure is logged and counted. {@link #close} commits synchronously what is left.
 */
final class KafkaSubscription implements Subscription {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaSubscription.class);

  /** What a subscription needs of the broker that made it. */
  interface Owner {
    boolean isClosed();

    /** A Kafka failure as the exception the error policy picks for it. */
    dev.destill.core.DestillException failure(String what, Exception e);

    /** The subscription closed. */
    void forget(KafkaSubscription s);
  }

  private final Owner broker;
  private final Consumer<String, byte[]> consumer;
  // Held while the consumer is in use, so the broker's close waits for a poll to end.
  private final ReentrantLock lock = new ReentrantLock();
  // The next offset of each partition this subscription polled from but has not committed.
  private final Map<TopicPartition, OffsetAndMetadata> polled = new HashMap<>();
  // What commit() handed to the broker so far, made sure of on close.
  private final Map<TopicPartition, OffsetAndMetadata> committed = new HashMap<>();
  // Offsets whose asynchronous commit failed and may be committed again; the callback (which runs
  // on the polling thread, inside poll or commit) and commit() share it under the lock.
  private final Map<TopicPartition, OffsetAndMetadata> failedCommits = new HashMap<>();
  private final AtomicLong commitFailures = new AtomicLong();
  private static final Duration LAG_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration LAG_REFRESH = Duration.ofSeconds(1);
  private OptionalLong lag = OptionalLong.empty();
  private long lagAt = System.nanoTime() - LAG_REFRESH.toNanos();
  private boolean paused;
  private boolean closed;

  KafkaSubscription(Owner broker, String topic, Consumer<String, byte[]> consumer) {
    this.broker = broker;
    this.consumer = consumer;
    consumer.subscribe(
        List.of(topic),
        new ConsumerRebalanceListener() {
          @Override
          public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            // Not committed: the next owner starts at the last commit (at-least-once).
            partitions.forEach(polled::remove);
            partitions.forEach(failedCommits::remove);
          }

          @Override
          public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (paused) {
              consumer.pause(partitions); // what is assigned during long work waits for it too
            }
          }
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
        // A record not published through the port may lack a key or a value: it is handed on
        // as it is (an empty key), for the agent to set aside with the reason.
        String key = r.key() == null ? "" : r.key();
        byte[] value = r.value() == null ? new byte[0] : r.value();
        messages.add(new Message(r.topic(), r.partition(), r.offset(), key, value));
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
      Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>(failedCommits);
      offsets.putAll(polled);
      send(offsets);
      polled.clear();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void commit(List<Message> processed) {
    lock.lock();
    try {
      Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>(failedCommits);
      for (Message m : processed) {
        TopicPartition tp = new TopicPartition(m.topic(), m.partition());
        OffsetAndMetadata next = new OffsetAndMetadata(m.offset() + 1);
        OffsetAndMetadata had = offsets.get(tp);
        if (had == null || had.offset() < next.offset()) {
          offsets.put(tp, next);
        }
      }
      send(offsets);
    } finally {
      lock.unlock();
    }
  }

  /** Commits {@code offsets} asynchronously; the lock is held. */
  private void send(Map<TopicPartition, OffsetAndMetadata> offsets) {
    if (closed || broker.isClosed() || offsets.isEmpty()) {
      return;
    }
    failedCommits.keySet().removeAll(offsets.keySet());
    Map<TopicPartition, OffsetAndMetadata> copy = Map.copyOf(offsets);
    try {
      // Asynchronous: the agent goes on with its next message while the broker records this.
      consumer.commitAsync(copy, (done, failure) -> committedOrNot(copy, failure));
      committed.putAll(copy);
    } catch (CommitFailedException | RebalanceInProgressException e) {
      // The partitions moved to another consumer, which gets these messages again.
      commitFailures.incrementAndGet();
      LOG.warn("commit of {} failed, those messages come again: {}", copy, e.getMessage());
    } catch (WakeupException e) {
      // The broker is closing; uncommitted messages are delivered again later.
    } catch (KafkaException e) {
      throw broker.failure("cannot commit", e);
    }
  }

  /** The callback of an asynchronous commit: a retriable failure is committed again later. */
  private void committedOrNot(Map<TopicPartition, OffsetAndMetadata> offsets, Exception failure) {
    if (failure == null) {
      return;
    }
    commitFailures.incrementAndGet();
    if (failure instanceof RetriableException) {
      for (Map.Entry<TopicPartition, OffsetAndMetadata> e : offsets.entrySet()) {
        // A later commit of the same partition, already sent, supersedes this one.
        OffsetAndMetadata later = committed.get(e.getKey());
        if (later == null || later.offset() <= e.getValue().offset()) {
          failedCommits.merge(e.getKey(), e.getValue(), (a, b) -> a.offset() >= b.offset() ? a : b);
        }
      }
      LOG.warn("commit of {} failed, committing again: {}", offsets, failure.getMessage());
    } else {
      LOG.warn("commit of {} failed, those messages come again: {}", offsets, failure.getMessage());
    }
  }

  /** How many commits failed so far. */
  long commitFailures() {
    return commitFailures.get();
  }

  @Override
  public void pause() {
    lock.lock();
    try {
      paused = true;
      if (!closed && !broker.isClosed()) {
        consumer.pause(consumer.assignment());
      }
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void resume() {
    lock.lock();
    try {
      paused = false;
      if (!closed && !broker.isClosed()) {
        consumer.resume(consumer.paused());
      }
    } finally {
      lock.unlock();
    }
  }

  @Override
  public OptionalLong lag() {
    lock.lock();
    try {
      if (closed || broker.isClosed()) {
        return OptionalLong.empty();
      }
      Set<TopicPartition> assigned = consumer.assignment();
      if (assigned.isEmpty()) {
        return OptionalLong.empty();
      }
      // Asking the broker for the partitions' ends costs a round trip: agents report lag after
      // every poll, so it is asked at most once a second.
      long now = System.nanoTime();
      if (now - lagAt < LAG_REFRESH.toNanos()) {
        return lag;
      }
      lagAt = now;
      Map<TopicPartition, Long> ends = consumer.endOffsets(assigned, LAG_TIMEOUT);
      long sum = 0;
      for (TopicPartition tp : assigned) {
        Long end = ends.get(tp);
        if (end == null) {
          lag = OptionalLong.empty();
          return lag;
        }
        sum += Math.max(0, end - consumer.position(tp, LAG_TIMEOUT));
      }
      lag = OptionalLong.of(sum);
      return lag;
    } catch (KafkaException e) {
      lag = OptionalLong.empty(); // unknown, not 0, and not the last value either
      return lag;
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
      Map<TopicPartition, OffsetAndMetadata> last = new HashMap<>(committed);
      last.putAll(failedCommits);
      if (!last.isEmpty() && !broker.isClosed()) {
        try {
          consumer.commitSync(last, KafkaBroker.CLOSE_TIMEOUT);
        } catch (KafkaException e) {
          // The messages after the last recorded commit come again.
          LOG.warn(
              "final commit of {} failed, those messages come again: {}", last, e.getMessage());
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
