package dev.destill.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.destill.core.DestillException;
import dev.destill.core.broker.Message;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetCommitCallback;
import org.apache.kafka.clients.consumer.RetriableCommitFailedException;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** The subscription over Kafka's MockConsumer: what a real cluster rarely shows on demand. */
class KafkaSubscriptionTest {
  private static final String TOPIC = "t";
  private static final TopicPartition P0 = new TopicPartition(TOPIC, 0);

  /** A consumer whose asynchronous commits fail retriably while {@code failing} is positive. */
  static final class FlakyCommits extends MockConsumer<String, byte[]> {
    final AtomicInteger failing = new AtomicInteger();

    FlakyCommits() {
      super("earliest");
    }

    @Override
    public synchronized void commitAsync(
        Map<TopicPartition, OffsetAndMetadata> offsets, OffsetCommitCallback callback) {
      if (failing.getAndDecrement() > 0) {
        callback.onComplete(offsets, new RetriableCommitFailedException("coordinator moving"));
        return;
      }
      super.commitAsync(offsets, callback);
    }
  }

  private final FlakyCommits consumer = new FlakyCommits();
  private final KafkaSubscription.Owner owner =
      new KafkaSubscription.Owner() {
        @Override
        public boolean isClosed() {
          return false;
        }

        @Override
        public DestillException failure(String what, Exception e) {
          return new DestillException.Retriable(what, e);
        }

        @Override
        public void forget(KafkaSubscription s) {}
      };

  private KafkaSubscription subscribed() {
    KafkaSubscription s = new KafkaSubscription(owner, TOPIC, consumer);
    consumer.rebalance(List.of(P0));
    Map<TopicPartition, Long> begin = new HashMap<>();
    begin.put(P0, 0L);
    consumer.updateBeginningOffsets(begin);
    return s;
  }

  private void arrive(long offset, String key) {
    consumer.addRecord(new ConsumerRecord<>(TOPIC, 0, offset, key, ("v" + offset).getBytes()));
  }

  @Test
  void shouldCommitAgainWhatAFailedAsynchronousCommitLeftOut() {
    KafkaSubscription s = subscribed();
    for (long o = 0; o < 5; o++) {
      arrive(o, "k");
    }
    assertThat(s.poll(Duration.ofMillis(10))).hasSize(5);
    consumer.failing.set(1);
    s.commit(); // the burst's last offsets: this commit fails

    assertThat(consumer.committed(java.util.Set.of(P0))).doesNotContainKey(P0);
    assertThat(s.commitFailures()).isEqualTo(1);
    s.commit(); // an idle agent commits again: nothing new polled, the failed offsets go
    assertThat(consumer.committed(java.util.Set.of(P0)).get(P0).offset()).isEqualTo(5);
  }

  @Test
  void shouldHandOnARecordWithoutAKeySoThatItCanBeSetAside() {
    KafkaSubscription s = subscribed();
    arrive(0, null);
    arrive(1, "k");

    List<Message> polled = s.poll(Duration.ofMillis(10));
    assertThat(polled).extracting(Message::key).containsExactly("", "k");
    s.commit();
    assertThat(consumer.committed(java.util.Set.of(P0)).get(P0).offset()).isEqualTo(2);
  }

  @Test
  void shouldCommitOnlyTheMessagesNamed() {
    KafkaSubscription s = subscribed();
    for (long o = 0; o < 4; o++) {
      arrive(o, "k");
    }
    List<Message> polled = s.poll(Duration.ofMillis(10));
    s.commit(polled.subList(0, 2));
    assertThat(consumer.committed(java.util.Set.of(P0)).get(P0).offset()).isEqualTo(2);
  }

  @Test
  void shouldReadNoLagWhenItCannotBeRead() {
    KafkaSubscription s = new KafkaSubscription(owner, TOPIC, consumer);
    assertThat(s.lag()).as("no partition assigned yet").isEmpty();
  }

  @Test
  void shouldDeliverNothingWhilePausedAndKeepPartitionsAssignedMeanwhilePaused() {
    KafkaSubscription s = subscribed();
    arrive(0, "k");
    s.pause();
    assertThat(s.poll(Duration.ofMillis(10))).isEmpty();
    TopicPartition p1 = new TopicPartition(TOPIC, 1);
    consumer.updateBeginningOffsets(Map.of(p1, 0L));
    consumer.rebalance(List.of(P0, p1));
    assertThat(consumer.paused()).as("assigned during long work").contains(p1);
    s.resume();
    consumer.addRecord(new ConsumerRecord<>(TOPIC, 1, 0, "k", "v".getBytes()));
    assertThat(s.poll(Duration.ofMillis(10))).extracting(Message::partition).contains(1);
  }
}
