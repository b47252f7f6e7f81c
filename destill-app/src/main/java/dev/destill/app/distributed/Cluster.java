package dev.destill.app.distributed;

import dev.destill.core.broker.Broker;
import dev.destill.core.pipeline.Topics;
import dev.destill.core.store.FindingStore;
import dev.destill.kafka.KafkaBroker;
import dev.destill.store.postgres.PostgresFindingStore;
import java.time.Clock;
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
    return KafkaBroker.connect(settings.kafkaBrokers(), topics);
  }

  /** Connects to PostgreSQL and migrates its schema. */
  public static FindingStore store(ClusterSettings settings, Clock clock) {
    return PostgresFindingStore.connect(settings.postgresUrl(), clock);
  }
}
