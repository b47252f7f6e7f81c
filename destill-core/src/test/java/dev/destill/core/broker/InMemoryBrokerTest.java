package dev.destill.core.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.destill.core.DestillException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

class InMemoryBrokerTest extends BrokerContractTest {
  @Override
  protected Broker newBroker() {
    return new InMemoryBroker();
  }

  /** Publishes on another thread and returns once that thread is blocked waiting for room. */
  private static CompletableFuture<Void> blockedPublish(Broker broker, String topic) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    Thread publisher =
        new Thread(
            () -> {
              try {
                broker.publish(topic, "late", bytes("late"));
                done.complete(null);
              } catch (RuntimeException e) {
                done.completeExceptionally(e);
              }
            },
            "blocked-publisher");
    publisher.setDaemon(true);
    publisher.start();
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (publisher.getState() != Thread.State.WAITING && !done.isDone()) {
      assertThat(System.nanoTime()).as("publisher blocks").isLessThan(deadline);
      LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
    }
    assertThat(done).as("publish returned although the topic is full").isNotDone();
    return done;
  }

  @Test
  void shouldCarryAnEncodableItselfToEveryGroupWithoutEncodingIt() {
    java.util.concurrent.atomic.AtomicInteger encoded =
        new java.util.concurrent.atomic.AtomicInteger();
    Encodable value =
        () -> {
          encoded.incrementAndGet();
          return bytes("v");
        };
    try (InMemoryBroker b = new InMemoryBroker(2, 8)) {
      Subscription one = b.subscribe("t", "one");
      Subscription two = b.subscribe("t", "two");
      b.publish("t", "k", value);

      Message first = one.poll(Duration.ZERO).get(0);
      Message second = two.poll(Duration.ZERO).get(0);

      assertThat(first.carried()).containsSame(value);
      assertThat(second.carried()).containsSame(value);
      assertThat(encoded).as("nothing asked for bytes").hasValue(0);
      assertThat(first.value()).isEqualTo(bytes("v"));
      assertThat(encoded).as("bytes are made when asked for").hasValue(1);
    }
  }

  @Test
  void shouldCarryBytesAsBytes() {
    try (InMemoryBroker b = new InMemoryBroker(2, 8)) {
      Subscription s = b.subscribe("t", "g");
      b.publish("t", "k", bytes("v"));

      assertThat(s.poll(Duration.ZERO).get(0).carried()).isEmpty();
    }
  }

  @Test
  void shouldBlockPublishAtCapacityUntilTheGroupCommits() throws Exception {
    try (InMemoryBroker small = new InMemoryBroker(2, 3)) {
      Subscription s = small.subscribe("t", "g");
      for (int i = 0; i < 3; i++) {
        small.publish("t", "k" + i, bytes("v" + i));
      }
      CompletableFuture<Void> publish = blockedPublish(small, "t");

      assertThat(s.poll(Duration.ZERO)).hasSize(3);
      assertThat(publish).as("polled is not yet committed").isNotDone();
      s.commit();

      publish.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
      assertThat(s.poll(DEADLINE)).extracting(Message::key).containsExactly("late");
    }
  }

  @Test
  void shouldRetainMessagesUntilTheFirstGroupSubscribes() throws Exception {
    try (InMemoryBroker small = new InMemoryBroker(1, 2)) {
      small.publish("t", "a", bytes("a"));
      small.publish("t", "b", bytes("b"));
      CompletableFuture<Void> publish = blockedPublish(small, "t");

      Subscription s = small.subscribe("t", "g");
      assertThat(s.poll(Duration.ZERO)).extracting(Message::key).containsExactly("a", "b");
      s.commit();

      publish.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    }
  }

  @Test
  void shouldBlockPublishForTheSlowestGroup() {
    try (InMemoryBroker small = new InMemoryBroker(1, 1)) {
      Subscription fast = small.subscribe("t", "fast");
      small.subscribe("t", "slow");
      small.publish("t", "a", bytes("a"));
      fast.poll(Duration.ZERO);
      fast.commit();

      CompletableFuture<Void> publish = blockedPublish(small, "t");
      small.close();
      assertThat(publish).failsWithin(DEADLINE);
    }
  }

  @Test
  void shouldFailBlockedAndLaterPublishesWhenClosed() {
    InMemoryBroker small = new InMemoryBroker(1, 1);
    small.publish("t", "a", bytes("a"));
    CompletableFuture<Void> publish = blockedPublish(small, "t");

    small.close();

    assertThatThrownBy(() -> publish.get(DEADLINE.toSeconds(), TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(DestillException.class)
        .hasMessage("broker closed");
    assertThatThrownBy(() -> small.publish("t", "b", bytes("b"))).hasMessage("broker closed");
  }

  @Test
  void shouldReturnFromPollPromptlyWhenClosed() throws Exception {
    InMemoryBroker b = new InMemoryBroker();
    Subscription s = b.subscribe("t", "g");
    CompletableFuture<List<Message>> poll =
        CompletableFuture.supplyAsync(() -> s.poll(Duration.ofMinutes(5)));

    b.close();

    assertThat(poll.get(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isEmpty();
    assertThat(s.poll(Duration.ofMinutes(5))).isEmpty();
  }

  @Test
  void shouldSendEachKeyToItsPartition() {
    try (InMemoryBroker b = new InMemoryBroker(3, 64)) {
      for (int i = 0; i < 30; i++) {
        b.publish("t", "key-" + i, bytes("v"));
      }
      List<Message> received = b.subscribe("t", "g").poll(Duration.ZERO);

      assertThat(received)
          .hasSize(30)
          .allSatisfy(
              m -> assertThat(m.partition()).isEqualTo(InMemoryBroker.partitionOf(m.key(), 3)));
      assertThat(InMemoryBroker.partitionOf("key-7", 3)).isBetween(0, 2);
    }
  }

  @Test
  void shouldReportLagBeforeTheFirstPoll() {
    try (InMemoryBroker b = new InMemoryBroker(4, 64)) {
      Subscription s = b.subscribe("t", "g");
      for (int i = 0; i < 5; i++) {
        b.publish("t", "key-" + i, bytes("v"));
      }

      assertThat(s.lag()).hasValue(5);
      s.close();
      assertThat(s.lag()).as("a closed subscription reads no lag").isEmpty();
    }
  }

  @Test
  void shouldHandAClosedSubscriptionsPartitionsToTheRestOfTheGroup() {
    try (InMemoryBroker b = new InMemoryBroker(4, 64)) {
      Subscription first = b.subscribe("t", "g");
      Subscription second = b.subscribe("t", "g");
      for (int i = 0; i < 20; i++) {
        b.publish("t", "key-" + i, bytes("v" + i));
      }
      List<Message> firstShare = first.poll(Duration.ZERO);
      List<Message> secondShare = second.poll(Duration.ZERO);
      second.commit();
      assertThat(firstShare).isNotEmpty();
      assertThat(firstShare.size() + secondShare.size()).isEqualTo(20);

      first.close();

      assertThat(second.poll(Duration.ZERO))
          .extracting(Message::offset, Message::partition)
          .containsExactlyInAnyOrderElementsOf(
              firstShare.stream()
                  .map(m -> org.assertj.core.groups.Tuple.tuple(m.offset(), m.partition()))
                  .toList());
    }
  }

  @Test
  void shouldRejectNonPositiveSizes() {
    assertThatThrownBy(() -> new InMemoryBroker(0, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new InMemoryBroker(1, 0)).isInstanceOf(IllegalArgumentException.class);
  }
}
