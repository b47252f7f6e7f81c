package dev.destill.app.distributed;

import dev.destill.core.DestillException;
import java.util.Map;
import java.util.Optional;

/**
 * The settings of distributed mode, each read from the environment in one place. Errors name the
 * variable to set.
 */
public final class ClusterSettings {
  /** Kafka (or Redpanda) bootstrap servers, {@code host:port[,host:port...]}. */
  public static final String KAFKA = "DESTILL_KAFKA_BROKERS";

  /** The same, under the original design's name. */
  public static final String KAFKA_ALIAS = "REDPANDA_BROKERS";

  /** PostgreSQL, as {@code jdbc:postgresql://...} or {@code postgres://user:pass@host/db}. */
  public static final String POSTGRES = "DESTILL_POSTGRES_URL";

  /** The same, under the original design's name. */
  public static final String POSTGRES_ALIAS = "POSTGRES_DSN";

  /** Partitions of each topic the agents create when it is missing (default 6). */
  public static final String PARTITIONS = "DESTILL_KAFKA_PARTITIONS";

  /** The port of an agent's /health, /ready and /metrics (default 8080; 0 picks a free one). */
  public static final String METRICS_PORT = "DESTILL_METRICS_PORT";

  /** The address those endpoints listen on (default 0.0.0.0). */
  public static final String METRICS_HOST = "DESTILL_METRICS_HOST";

  /**
   * How long an agent retries a transient failure (Kafka or PostgreSQL away, a provider's 5xx)
   * before it exits with code 75, in seconds (default 180).
   */
  public static final String RETRY_SECONDS = "DESTILL_RETRY_SECONDS";

  /**
   * How long a consumer may go between polls before its group drops it, in milliseconds (Kafka's
   * {@code max.poll.interval.ms}; default 120000).
   */
  public static final String MAX_POLL_INTERVAL = "DESTILL_KAFKA_MAX_POLL_INTERVAL_MS";

  private final Map<String, String> env;

  public ClusterSettings(Map<String, String> env) {
    this.env = Map.copyOf(env);
  }

  public String kafkaBrokers() {
    return first(KAFKA, KAFKA_ALIAS)
        .orElseThrow(
            () ->
                new DestillException.BadInput(
                    "set "
                        + KAFKA
                        + " (or "
                        + KAFKA_ALIAS
                        + ") to the Kafka bootstrap servers, for example 127.0.0.1:9092"
                        + " (scripts/dev-cluster.sh start runs one)"));
  }

  public String postgresUrl() {
    return first(POSTGRES, POSTGRES_ALIAS)
        .orElseThrow(
            () ->
                new DestillException.BadInput(
                    "set "
                        + POSTGRES
                        + " (or "
                        + POSTGRES_ALIAS
                        + ") to the PostgreSQL database, for example"
                        + " jdbc:postgresql://127.0.0.1:5432/destill?user=destill"));
  }

  public int partitions() {
    return integer(PARTITIONS, 6, 1, 1000);
  }

  public int metricsPort() {
    return integer(METRICS_PORT, 8080, 0, 65535);
  }

  public java.time.Duration retryFor() {
    return java.time.Duration.ofSeconds(integer(RETRY_SECONDS, 180, 1, 86_400));
  }

  public java.time.Duration maxPollInterval() {
    return java.time.Duration.ofMillis(integer(MAX_POLL_INTERVAL, 120_000, 1_000, 3_600_000));
  }

  public String metricsHost() {
    return first(METRICS_HOST).orElse("0.0.0.0");
  }

  private Optional<String> first(String... names) {
    for (String name : names) {
      String v = env.getOrDefault(name, "").trim();
      if (!v.isEmpty()) {
        return Optional.of(v);
      }
    }
    return Optional.empty();
  }

  private int integer(String name, int fallback, int min, int max) {
    Optional<String> v = first(name);
    if (v.isEmpty()) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(v.get());
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new DestillException.BadInput(
        name + " must be a number from " + min + " to " + max + ", was '" + v.get() + "'");
  }
}
