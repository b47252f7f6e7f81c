package dev.destill.app.distributed;

import dev.destill.core.broker.Broker;
import dev.destill.core.pipeline.Topics;
import dev.destill.core.store.FindingStore;
import dev.destill.kafka.KafkaBroker;
import dev.destill.store.postgres.PostgresFindingStore;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** Composition root of distributed mode: the Kafka broker and the PostgreSQL store. */
public final class Cluster {
  private Cluster() {}

  /** Connects to Kafka and creates the pipeline's topics where they are missing. */
  public static Broker broker(ClusterSettings settings) {
    Map<String, Integer> topics = new LinkedHashMap<>();
    for (String topic : Topics.ALL) {
      topics.put(topic, settings.partitions());
    }
    // Chunks and progress matter only while a request runs; findings and requests stay a week.
    Map<String, Duration> retention =
        Map.of(
            Topics.LOGS, Duration.ofHours(1),
            Topics.PROGRESS, Duration.ofHours(1),
            Topics.FINDINGS, Duration.ofDays(7),
            Topics.REQUESTS, Duration.ofDays(7),
            Topics.DEAD_LETTER, Duration.ofDays(7));
    return KafkaBroker.connect(
        settings.kafkaBrokers(), topics, retention, settings.maxPollInterval());
  }

  /** Connects to PostgreSQL and migrates its schema. */
  public static FindingStore store(ClusterSettings settings, Clock clock) {
    return PostgresFindingStore.connect(settings.postgresUrl(), clock);
  }
}
