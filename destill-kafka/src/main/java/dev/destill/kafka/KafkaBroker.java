package dev.destill.kafka;

import dev.destill.core.DestillException;
import dev.destill.core.ErrorPolicy;
import dev.destill.core.broker.Broker;
import dev.destill.core.broker.Subscription;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The {@link Broker} port on Apache Kafka: one producer (one request in flight) shared by all
 * publishers, one consumer per {@link Subscription} (group id = the group, offsets committed by
 * hand). Topics are created on {@link #connect} and on first use when missing.
 *
 * <p>Every Kafka failure surfaces as a {@link DestillException.Retriable} whose message is one line
 * naming the brokers and what to check. Thread-safe; each subscription is used by one thread.
 */
public final class KafkaBroker implements Broker, KafkaSubscription.Owner {
  /** Partitions for a topic that is used but was not declared to {@link #connect}. */
  public static final int DEFAULT_PARTITIONS = 4;

  /** The largest message: a log chunk is about 700 KB. */
  public static final int MAX_MESSAGE_BYTES = 2 * 1024 * 1024;

  static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);
  private static final int API_TIMEOUT_MS = 10_000;
  private static final int REQUEST_TIMEOUT_MS = 5_000;

  /**
   * How long the producer waits for a broker to answer one produce request. Not the 5 s the admin
   * client and the consumers use to notice an absent broker: an idempotent producer that gives up
   * on a request a loaded broker is still appending sends it again behind the batches that follow
   * it, the broker answers {@code OutOfOrderSequenceException}, and the batches go round until
   * their delivery timeout expires them ("Expiring N record(s)"). A produce request is therefore
   * never timed out before the broker can have answered it.
   */
  static final int PRODUCER_REQUEST_TIMEOUT_MS = 30_000;

  /** How long a record may take from {@code send} to its acknowledgement, retries included. */
  static final int DELIVERY_TIMEOUT_MS = 60_000;

  private final String bootstrapServers;
  private final Admin admin;
  private final KafkaProducer<String, byte[]> producer;
  private final Set<String> knownTopics = ConcurrentHashMap.newKeySet();
  private final Set<KafkaSubscription> subscriptions = ConcurrentHashMap.newKeySet();
  private final AtomicReference<Exception> sendFailure = new AtomicReference<>();
  private final Object inFlightLock = new Object();
  private long inFlight; // guarded by inFlightLock
  private volatile boolean closed;
  private final Duration maxPollInterval;

  /** How long a consumer may go between polls before its group drops it, unless told otherwise. */
  public static final Duration DEFAULT_MAX_POLL_INTERVAL = Duration.ofMinutes(2);

  private KafkaBroker(
      String bootstrapServers,
      Admin admin,
      KafkaProducer<String, byte[]> producer,
      Duration maxPollInterval) {
    this.maxPollInterval = maxPollInterval;
    this.bootstrapServers = bootstrapServers;
    this.admin = admin;
    this.producer = producer;
  }

  /**
   * Connects to the Kafka cluster at {@code bootstrapServers} and creates the missing ones among
   * {@code topics} (name to partition count; replication 1). Fails within about 10 seconds when no
   * broker answers.
   *
   * @throws DestillException.Retriable when the cluster cannot be reached or refuses the topics
   */
  public static KafkaBroker connect(String bootstrapServers, Map<String, Integer> topics) {
    return connect(bootstrapServers, topics, Map.of());
  }

  /**
   * Connects, and creates the topics that are missing with their partitions and, for those {@code
   * retention} names, how long they keep messages (others keep the broker's default).
   */
  public static KafkaBroker connect(
      String bootstrapServers, Map<String, Integer> topics, Map<String, Duration> retention) {
    return connect(bootstrapServers, topics, retention, DEFAULT_MAX_POLL_INTERVAL);
  }

  /**
   * Connects as {@link #connect(String, Map, Map)} does; consumers may go {@code maxPollInterval}
   * between polls ({@code max.poll.interval.ms}) before their group drops them.
   */
  public static KafkaBroker connect(
      String bootstrapServers,
      Map<String, Integer> topics,
      Map<String, Duration> retention,
      Duration maxPollInterval) {
    Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    Admin admin = null;
    KafkaProducer<String, byte[]> producer = null;
    try {
      admin = Admin.create(adminConfig(bootstrapServers));
      admin
          .describeCluster()
          .nodes()
          .get(API_TIMEOUT_MS, TimeUnit.MILLISECONDS); // fails fast when nobody listens
      producer = new KafkaProducer<>(producerConfig(bootstrapServers));
      KafkaBroker broker = new KafkaBroker(bootstrapServers, admin, producer, maxPollInterval);
      broker.createTopics(topics, retention);
      return broker;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closeQuietly(admin, producer);
      throw new DestillException.Retriable("interrupted while connecting to Kafka", e);
    } catch (ExecutionException | TimeoutException | KafkaException e) {
      closeQuietly(admin, producer);
      throw unreachable(bootstrapServers, e);
    } catch (RuntimeException e) {
      closeQuietly(admin, producer);
      throw e;
    }
  }

  @Override
  public void publish(String topic, String key, byte[] value) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    ensureOpen();
    throwSendFailure();
    ensureTopic(topic);
    synchronized (inFlightLock) {
      inFlight++;
    }
    try {
      // Blocks while the producer's buffer is full (max.block.ms): that is the back-pressure.
      producer.send(
          new ProducerRecord<>(topic, key, value),
          (metadata, failure) -> {
            if (failure != null) {
              sendFailure.compareAndSet(null, failure);
            }
            synchronized (inFlightLock) {
              inFlight--;
              inFlightLock.notifyAll();
            }
          });
    } catch (KafkaException e) {
      synchronized (inFlightLock) {
        inFlight--;
        inFlightLock.notifyAll();
      }
      throw failure("cannot publish to topic " + topic, e);
    }
  }

  /**
   * Waits until Kafka acknowledged everything published so far.
   *
   * @throws DestillException.Retriable when a message failed or {@code timeout} passed first
   */
  @Override
  public void flush(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    // Sends what lingers at once; it returns when every send completed or failed, which the
    // delivery timeout bounds. The wait below then only checks, within the caller's timeout.
    try {
      producer.flush();
    } catch (KafkaException e) {
      throw failure("cannot flush to Kafka", e);
    }
    synchronized (inFlightLock) {
      while (inFlight > 0) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new DestillException.Retriable(
              "Kafka at "
                  + bootstrapServers
                  + " did not acknowledge "
                  + inFlight
                  + " message(s) within "
                  + timeout.toMillis()
                  + " ms (check that the broker runs and has disk space)");
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(inFlightLock, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new DestillException.Retriable("interrupted while flushing to Kafka", e);
        }
      }
    }
    throwSendFailure();
  }

  @Override
  public Subscription subscribe(String topic, String group, int maxPoll) {
    Objects.requireNonNull(group, "group");
    if (maxPoll < 1) {
      throw new IllegalArgumentException("maxPoll must be at least 1, got " + maxPoll);
    }
    ensureOpen();
    ensureTopic(topic);
    try {
      KafkaSubscription s =
          new KafkaSubscription(
              this,
              topic,
              new KafkaConsumer<>(
                  consumerConfig(bootstrapServers, group, maxPoll, maxPollInterval)));
      subscriptions.add(s);
      return s;
    } catch (KafkaException e) {
      throw failure("cannot subscribe group " + group + " to topic " + topic, e);
    }
  }

  /** Closes every subscription, then the producer, each within a few seconds. Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (KafkaSubscription s : new ArrayList<>(subscriptions)) {
      s.wakeup();
    }
    for (KafkaSubscription s : new ArrayList<>(subscriptions)) {
      s.close();
    }
    closeQuietly(admin, producer);
  }

  @Override
  public boolean isClosed() {
    return closed;
  }

  @Override
  public void forget(KafkaSubscription s) {
    subscriptions.remove(s);
  }

  /**
   * A Kafka failure as the one line a user reads: what failed, where, and what to check. Whether it
   * is transient is {@link ErrorPolicy#kafka}'s decision, from Kafka's own {@link
   * RetriableException} (a timeout counts as one).
   */
  @Override
  public DestillException failure(String what, Exception e) {
    Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
    String reason = ErrorPolicy.describe(cause);
    boolean retriable =
        cause instanceof RetriableException
            || cause instanceof TimeoutException
            || cause instanceof org.apache.kafka.common.errors.InterruptException;
    return ErrorPolicy.exception(
        ErrorPolicy.kafka(retriable),
        what
            + " on Kafka at "
            + bootstrapServers
            + ": "
            + reason
            + " (check DESTILL_KAFKA_BROKERS and that the broker runs)",
        cause);
  }

  /**
   * Whether a broker of the cluster answers within {@code timeout}: for a readiness check, which
   * should ask at most every few seconds.
   */
  @Override
  public boolean reachable(Duration timeout) {
    if (closed) {
      return false;
    }
    try {
      return !admin
          .describeCluster()
          .nodes()
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
          .isEmpty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (ExecutionException | TimeoutException | KafkaException e) {
      return false;
    }
  }

  /**
   * Whether the cluster at {@code bootstrapServers} answers within {@code timeout}: empty when it
   * does, else why not. Creates nothing.
   */
  public static java.util.Optional<String> probe(String bootstrapServers, Duration timeout) {
    Map<String, Object> config = adminConfig(bootstrapServers);
    int ms = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
    config.put(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, ms);
    config.put(CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG, ms);
    try (Admin admin = Admin.create(config)) {
      int nodes = admin.describeCluster().nodes().get(ms, TimeUnit.MILLISECONDS).size();
      return nodes > 0 ? java.util.Optional.empty() : java.util.Optional.of("no broker answered");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return java.util.Optional.of("interrupted");
    } catch (Exception e) {
      return java.util.Optional.of("cannot reach Kafka at " + bootstrapServers);
    }
  }

  private static DestillException.Retriable unreachable(String bootstrapServers, Exception e) {
    return new DestillException.Retriable(
        "cannot reach Kafka at "
            + bootstrapServers
            + " (check DESTILL_KAFKA_BROKERS and that the broker runs)",
        e);
  }

  private void ensureOpen() {
    if (closed) {
      throw new DestillException.Fatal("the connection to Kafka was closed");
    }
  }

  private void throwSendFailure() {
    Exception e = sendFailure.getAndSet(null);
    if (e != null) {
      throw failure("a message was not delivered", e);
    }
  }

  private void ensureTopic(String topic) {
    Objects.requireNonNull(topic, "topic");
    if (!knownTopics.contains(topic)) {
      try {
        createTopics(Map.of(topic, DEFAULT_PARTITIONS), Map.of());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new DestillException.Retriable("interrupted while creating topic " + topic, e);
      } catch (ExecutionException | TimeoutException | KafkaException e) {
        throw failure("cannot create topic " + topic, e);
      }
    }
  }

  private void createTopics(Map<String, Integer> topics, Map<String, Duration> retention)
      throws InterruptedException, ExecutionException, TimeoutException {
    List<NewTopic> missing = new ArrayList<>();
    for (Map.Entry<String, Integer> t : topics.entrySet()) {
      if (!knownTopics.contains(t.getKey())) {
        Map<String, String> configs = new HashMap<>();
        configs.put(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, String.valueOf(MAX_MESSAGE_BYTES));
        Duration keep = retention.get(t.getKey());
        if (keep != null) {
          configs.put(TopicConfig.RETENTION_MS_CONFIG, String.valueOf(keep.toMillis()));
        }
        // The replication factor is the cluster's default: 1 on a single broker, more on others.
        missing.add(
            new NewTopic(t.getKey(), Optional.of(t.getValue()), Optional.empty()).configs(configs));
      }
    }
    if (missing.isEmpty()) {
      return;
    }
    List<String> created = new ArrayList<>();
    for (Map.Entry<String, KafkaFuture<Void>> r : admin.createTopics(missing).values().entrySet()) {
      try {
        r.getValue().get(API_TIMEOUT_MS, TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw e;
        }
      }
      created.add(r.getKey());
    }
    awaitLeaders(created);
    knownTopics.addAll(created);
  }

  /**
   * Waits until every partition of new topics has a leader: an idempotent producer that writes to a
   * partition while its leader is being elected can lose its sequence and expire the batch.
   */
  private void awaitLeaders(List<String> topics)
      throws InterruptedException, ExecutionException, TimeoutException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(API_TIMEOUT_MS);
    while (true) {
      boolean led;
      try {
        led =
            admin
                .describeTopics(topics)
                .allTopicNames()
                .get(API_TIMEOUT_MS, TimeUnit.MILLISECONDS)
                .values()
                .stream()
                .flatMap(d -> d.partitions().stream())
                .allMatch(p -> p.leader() != null && !p.leader().isEmpty());
      } catch (ExecutionException e) {
        // A topic just created may not be in the metadata of the broker that answers yet.
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
          throw e;
        }
        led = false;
      }
      if (led) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new TimeoutException("no leader for the partitions of " + topics);
      }
      TimeUnit.MILLISECONDS.sleep(50); // an election takes a few milliseconds
    }
  }

  private static void closeQuietly(Admin admin, KafkaProducer<String, byte[]> producer) {
    try {
      if (producer != null) {
        producer.close(CLOSE_TIMEOUT);
      }
    } catch (KafkaException e) {
      // Closing is best effort: unsent messages are the publisher's to retry.
    }
    try {
      if (admin != null) {
        admin.close(CLOSE_TIMEOUT);
      }
    } catch (KafkaException e) {
      // Best effort, as above.
    }
  }

  private static Map<String, Object> common(String bootstrapServers) {
    Map<String, Object> config = new HashMap<>();
    config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, REQUEST_TIMEOUT_MS);
    config.put(CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG, API_TIMEOUT_MS);
    config.put(CommonClientConfigs.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1_000);
    return config;
  }

  static Map<String, Object> adminConfig(String bootstrapServers) {
    Map<String, Object> config = common(bootstrapServers);
    config.put(AdminClientConfig.CLIENT_ID_CONFIG, "destill-admin");
    return config;
  }

  static Map<String, Object> producerConfig(String bootstrapServers) {
    Map<String, Object> config = common(bootstrapServers);
    config.remove(CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    // Not idempotent: on a freshly created topic the idempotent producer could lose its sequence
    // ("OutOfOrderSequenceException" on every retry until the batch expired), even with a produce
    // timeout the broker always meets. One request in flight keeps each key's order through
    // retries instead; a retried batch may be written twice, which the consumers already absorb
    // (findings and events carry ids and the store applies them idempotently).
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
    config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
    config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    // A chunk's findings (a few hundred KB) go out in one request rather than many of 16 KB.
    config.put(ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024);
    config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, MAX_MESSAGE_BYTES);
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, API_TIMEOUT_MS);
    config.put(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, PRODUCER_REQUEST_TIMEOUT_MS);
    config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, DELIVERY_TIMEOUT_MS);
    config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    return config;
  }

  static Map<String, Object> consumerConfig(
      String bootstrapServers, String group, int maxPoll, Duration maxPollInterval) {
    Map<String, Object> config = common(bootstrapServers);
    config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxPoll);
    config.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, MAX_MESSAGE_BYTES);
    // A consumer that dies stops heartbeating; its partitions move on after the session timeout.
    config.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 6_000);
    config.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 1_000);
    config.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, (int) maxPollInterval.toMillis());
    config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
    config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    return config;
  }
}
