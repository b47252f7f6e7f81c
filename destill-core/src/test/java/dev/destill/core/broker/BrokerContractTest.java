package dev.destill.core.broker;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link Broker} passes: in memory and Kafka. Each test uses topics and groups
 * of its own (random suffix), so implementations may share one running cluster between tests. Waits
 * use deadlines, never fixed sleeps: a real broker needs a moment to assign partitions.
 */
public abstract class BrokerContractTest {
  /** How long a test waits for something that should happen. */
  protected static final Duration DEADLINE = Duration.ofSeconds(30);

  private static final Duration POLL = Duration.ofMillis(200);
  private static final Duration CHECK_EVERY = Duration.ofMillis(20);

  protected Broker broker;

  /** A fresh broker; it is closed after each test. */
  protected abstract Broker newBroker();

  @BeforeEach
  void openBroker() {
    broker = newBroker();
  }

  @AfterEach
  void closeBroker() {
    broker.close();
  }

  /** {@code name} with a random suffix, so tests never see each other's messages. */
  protected static String unique(String name) {
    return name + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  protected static byte[] bytes(String text) {
    return text.getBytes(UTF_8);
  }

  protected static String text(Message m) {
    return new String(m.value(), UTF_8);
  }

  /** Polls until at least {@code count} messages arrived or the deadline passed. */
  protected static List<Message> pollUntil(Subscription s, int count) {
    List<Message> received = new ArrayList<>();
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (received.size() < count && System.nanoTime() < deadline) {
      received.addAll(s.poll(POLL));
    }
    return received;
  }

  /** Waits until {@code value} returns {@code expected}; returns the last value seen. */
  protected static long eventually(LongSupplier value, long expected) {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    long last = value.getAsLong();
    while (last != expected && System.nanoTime() < deadline) {
      LockSupport.parkNanos(CHECK_EVERY.toNanos());
      last = value.getAsLong();
    }
    return last;
  }

  private void publishAll(String topic, String keyPrefix, int count) {
    for (int i = 0; i < count; i++) {
      broker.publish(topic, keyPrefix + i, bytes("value-" + i));
    }
    broker.flush(DEADLINE);
  }

  private static List<String> values(List<Message> messages) {
    return messages.stream().map(BrokerContractTest::text).toList();
  }

  private static List<String> expectedValues(int from, int to) {
    List<String> values = new ArrayList<>();
    for (int i = from; i < to; i++) {
      values.add("value-" + i);
    }
    return values;
  }

  @Test
  void shouldDeliverPublishedMessagesWithKeyAndValueIntact() {
    String topic = unique("intact");
    byte[] binary = {0, 1, -1, 127, -128, 10, 13};
    broker.publish(topic, "text", bytes("héllo wörld"));
    broker.publish(topic, "binary", binary);
    broker.publish(topic, "empty", new byte[0]);
    broker.flush(DEADLINE);

    try (Subscription s = broker.subscribe(topic, unique("group"))) {
      List<Message> received = pollUntil(s, 3);

      Map<String, byte[]> byKey = new HashMap<>();
      received.forEach(m -> byKey.put(m.key(), m.value()));
      assertThat(received).hasSize(3).allSatisfy(m -> assertThat(m.topic()).isEqualTo(topic));
      assertThat(byKey.get("text")).isEqualTo(bytes("héllo wörld"));
      assertThat(byKey.get("binary")).isEqualTo(binary);
      assertThat(byKey.get("empty")).isEmpty();
    }
  }

  @Test
  void shouldDeliverAnEncodableValueWhoseBytesAreItsEncoding() {
    String topic = unique("encodable");
    Encodable value = () -> bytes("encoded ü");
    broker.publish(topic, "k", value);
    broker.flush(DEADLINE);

    try (Subscription s = broker.subscribe(topic, unique("group"))) {
      List<Message> received = pollUntil(s, 1);

      // In process the object itself may come back; its bytes are the encoding either way.
      assertThat(received).hasSize(1);
      assertThat(received.get(0).key()).isEqualTo("k");
      assertThat(received.get(0).value()).isEqualTo(bytes("encoded ü"));
    }
  }

  @Test
  void shouldKeepTheOrderOfMessagesWithTheSameKey() {
    String topic = unique("order");
    for (int i = 0; i < 25; i++) {
      broker.publish(topic, "build-1", bytes("value-" + i));
      broker.publish(topic, "other-" + i, bytes("noise-" + i));
    }
    broker.flush(DEADLINE);

    try (Subscription s = broker.subscribe(topic, unique("group"))) {
      List<Message> sameKey =
          pollUntil(s, 50).stream().filter(m -> m.key().equals("build-1")).toList();

      assertThat(values(sameKey)).containsExactlyElementsOf(expectedValues(0, 25));
      assertThat(sameKey).extracting(Message::partition).containsOnly(sameKey.get(0).partition());
      assertThat(sameKey).extracting(Message::offset).isSorted();
    }
  }

  @Test
  void shouldDeliverEveryMessageToEachGroup() {
    String topic = unique("groups");
    publishAll(topic, "key-", 20);

    try (Subscription first = broker.subscribe(topic, unique("first"));
        Subscription second = broker.subscribe(topic, unique("second"))) {
      assertThat(values(pollUntil(first, 20)))
          .containsExactlyInAnyOrderElementsOf(expectedValues(0, 20));
      assertThat(values(pollUntil(second, 20)))
          .containsExactlyInAnyOrderElementsOf(expectedValues(0, 20));
    }
  }

  @Test
  void shouldSplitTheMessagesOfOneGroupBetweenItsSubscriptions() throws Exception {
    String topic = unique("split");
    String group = unique("group");
    int count = 40;
    Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();
    List<Set<String>> perSubscription =
        List.of(ConcurrentHashMap.newKeySet(), ConcurrentHashMap.newKeySet());
    List<CountDownLatch> assigned = List.of(new CountDownLatch(1), new CountDownLatch(1));
    AtomicBoolean done = new AtomicBoolean();
    ExecutorService pollers = Executors.newFixedThreadPool(2);
    try {
      List<Future<?>> running = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        int index = i;
        Subscription s = broker.subscribe(topic, group);
        running.add(
            pollers.submit(
                () -> {
                  try (s) {
                    while (!done.get()) {
                      for (Message m : s.poll(POLL)) {
                        if (m.key().startsWith("probe")) {
                          assigned.get(index).countDown();
                        } else {
                          seen.computeIfAbsent(text(m), v -> new AtomicInteger()).incrementAndGet();
                          perSubscription.get(index).add(text(m));
                        }
                      }
                      s.commit();
                    }
                  }
                }));
      }
      // Probes until both subscriptions own partitions: only then is the group in steady state.
      long deadline = System.nanoTime() + DEADLINE.toNanos();
      for (int round = 0; assigned.get(0).getCount() + assigned.get(1).getCount() > 0; round++) {
        assertThat(System.nanoTime()).as("both subscriptions got partitions").isLessThan(deadline);
        publishAll(topic, "probe-" + round + "-", 8);
        assigned.get(0).await(500, TimeUnit.MILLISECONDS);
        assigned.get(1).await(500, TimeUnit.MILLISECONDS);
      }

      publishAll(topic, "key-", count);
      eventually(() -> seen.size(), count);
      done.set(true);
      for (Future<?> f : running) {
        f.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
      }
    } finally {
      done.set(true);
      pollers.shutdownNow();
    }

    assertThat(seen.keySet()).containsExactlyInAnyOrderElementsOf(expectedValues(0, count));
    assertThat(seen.values()).allSatisfy(n -> assertThat(n.get()).as("deliveries").isEqualTo(1));
    assertThat(perSubscription).allSatisfy(values -> assertThat(values).isNotEmpty());
  }

  @Test
  void shouldRedeliverUncommittedMessagesToTheNextSubscriptionOfTheGroup() {
    String topic = unique("redeliver");
    String group = unique("group");
    publishAll(topic, "key-", 10);

    try (Subscription first = broker.subscribe(topic, group)) {
      assertThat(pollUntil(first, 10)).hasSize(10);
    }
    try (Subscription second = broker.subscribe(topic, group)) {
      assertThat(values(pollUntil(second, 10)))
          .containsExactlyInAnyOrderElementsOf(expectedValues(0, 10));
    }
  }

  @Test
  void shouldNotRedeliverCommittedMessages() {
    String topic = unique("committed");
    String group = unique("group");
    publishAll(topic, "key-", 10);

    try (Subscription first = broker.subscribe(topic, group)) {
      assertThat(pollUntil(first, 10)).hasSize(10);
      first.commit();
    }
    for (int i = 10; i < 15; i++) {
      broker.publish(topic, "key-" + i, bytes("value-" + i));
    }
    broker.flush(DEADLINE);
    try (Subscription second = broker.subscribe(topic, group)) {
      List<Message> received = pollUntil(second, 5);
      received.addAll(second.poll(Duration.ofMillis(500)));

      assertThat(values(received)).containsExactlyInAnyOrderElementsOf(expectedValues(10, 15));
    }
  }

  @Test
  void shouldCommitOnlyTheMessagesNamedWhenAPollIsFinishedInPart() {
    String topic = unique("partial");
    String group = unique("group");
    for (int i = 0; i < 10; i++) {
      broker.publish(topic, "one-key", bytes("value-" + i));
    }
    broker.flush(DEADLINE);

    try (Subscription first = broker.subscribe(topic, group)) {
      List<Message> received = pollUntil(first, 10);
      assertThat(values(received)).containsExactlyElementsOf(expectedValues(0, 10));
      first.commit(received.subList(0, 4));
    }
    try (Subscription second = broker.subscribe(topic, group)) {
      assertThat(values(pollUntil(second, 6))).containsExactlyElementsOf(expectedValues(4, 10));
    }
  }

  @Test
  void shouldReturnEmptyAfterTheTimeoutWhenNothingArrives() {
    try (Subscription s = broker.subscribe(unique("quiet"), unique("group"))) {
      long start = System.nanoTime();
      List<Message> received = s.poll(Duration.ofMillis(300));
      Duration took = Duration.ofNanos(System.nanoTime() - start);

      assertThat(received).isEmpty();
      assertThat(took).isBetween(Duration.ofMillis(250), Duration.ofSeconds(10));
    }
  }

  @Test
  void shouldCountUnpolledMessagesAsLag() {
    String topic = unique("lag");
    publishAll(topic, "key-", 5);

    try (Subscription s = broker.subscribe(topic, unique("group"))) {
      List<Message> received = pollUntil(s, 1);
      for (int i = 5; i < 8; i++) {
        broker.publish(topic, "key-" + i, bytes("value-" + i));
      }
      broker.flush(DEADLINE);
      int polled = received.size();

      assertThat(eventually(() -> s.lag().orElse(-1), 8 - polled)).isEqualTo(8 - polled);
      received.addAll(pollUntil(s, 8 - polled));
      assertThat(received).hasSize(8);
      assertThat(eventually(() -> s.lag().orElse(-1), 0)).isZero();
    }
  }
}
