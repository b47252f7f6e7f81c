package dev.destill.app.wiring;

import dev.destill.app.config.Settings;
import dev.destill.app.local.LocalFilesProvider;
import dev.destill.core.DestillException;
import dev.destill.core.ErrorPolicy;
import dev.destill.core.broker.Broker;
import dev.destill.core.model.JobState;
import dev.destill.core.pipeline.MessageCodec;
import dev.destill.core.pipeline.Topics;
import dev.destill.core.provider.CiProvider;
import dev.destill.core.store.FindingStore;
import dev.destill.kafka.KafkaBroker;
import dev.destill.provider.CiProviders;
import dev.destill.store.postgres.PostgresFindingStore;
import dev.destill.store.sqlite.SqliteFindingStore;
import dev.destill.wire.MessageJson;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The composition root: builds, from the {@link Settings}, everything commands use (the clock, the
 * CI providers over one HTTP transport, the message codec, the history and cluster stores, the
 * Kafka broker) and hands it to every command through its constructor. Nothing else calls {@code
 * Clock.systemUTC()} or reads the environment. Thread-safe.
 */
public final class Services {
  /** Every HTTP request to a CI API has this timeout. */
  public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

  private final Settings settings;
  private final Clock clock;
  private final Supplier<InputStream> stdin;
  private final MessageCodec codec = new MessageJson();
  private volatile List<CiProvider> remote;

  /**
   * @param stdin read when a command runs, not before (tests replace {@code System.in} per run)
   */
  public Services(Settings settings, Clock clock, Supplier<InputStream> stdin) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.stdin = Objects.requireNonNull(stdin, "stdin");
  }

  /** The services of the process: its environment, the system clock and standard input. */
  public static Services forProcess(Map<String, String> env) {
    return new Services(Settings.of(env), Clock.systemUTC(), () -> System.in);
  }

  /** The same services with other settings (a command's flags on top). */
  public Services with(Settings other) {
    Services s = new Services(other, clock, stdin);
    s.remote = other.providerEnv().equals(settings.providerEnv()) ? remote : null;
    return s;
  }

  public Settings settings() {
    return settings;
  }

  public Clock clock() {
    return clock;
  }

  /** The codec of pipeline messages, local and distributed. */
  public MessageCodec codec() {
    return codec;
  }

  /**
   * The CI providers alone, for what arrives over the network (distributed mode): a path in a
   * request must never read files of the host that runs the agent.
   */
  public List<CiProvider> remoteProviders() {
    List<CiProvider> r = remote;
    if (r == null) {
      r = CiProviders.remote(settings.providerEnv(), clock, REQUEST_TIMEOUT);
      remote = r;
    }
    return r;
  }

  /**
   * The CI providers alone, whose transient failures (5xx, timeouts) are retried within {@code
   * budget}: an agent waits longer for a provider than a person at a terminal. Not memoized.
   */
  public List<CiProvider> remoteProviders(ErrorPolicy.Budget budget) {
    return CiProviders.remote(settings.providerEnv(), clock, REQUEST_TIMEOUT, budget);
  }

  /**
   * Every provider, most specific first; the local-files provider comes last and takes whatever is
   * not a URL, its logs in state {@code localState}.
   */
  public List<CiProvider> providers(JobState localState) {
    List<CiProvider> all = new ArrayList<>(remoteProviders());
    all.add(new LocalFilesProvider(localState, stdin.get()));
    return List.copyOf(all);
  }

  /**
   * The history: PostgreSQL when {@link Settings#POSTGRES} is set, otherwise the local SQLite file
   * in {@link Settings#dataDir()}. The caller closes it.
   */
  public FindingStore openHistory() {
    if (settings.find(Settings.POSTGRES).isPresent()) {
      return openClusterStore();
    }
    return new SqliteFindingStore(historyFile(), clock);
  }

  /**
   * The history, for commands that only read it ({@code history}, {@code view}): the local file is
   * opened read-only when it cannot be opened for writing (a read-only mount, another user's file).
   */
  public FindingStore openHistoryForReading() {
    if (historyIsPostgres() || !java.nio.file.Files.exists(historyFile())) {
      return openHistory();
    }
    try {
      return new SqliteFindingStore(historyFile(), clock);
    } catch (DestillException e) {
      return SqliteFindingStore.readOnly(historyFile(), clock);
    }
  }

  /** The local history's file. */
  public Path historyFile() {
    return settings.dataDir().resolve("destill.db");
  }

  /** Whether the history is PostgreSQL's rather than the local file. */
  public boolean historyIsPostgres() {
    return settings.find(Settings.POSTGRES).isPresent();
  }

  /**
   * The store of distributed mode: PostgreSQL, its schema migrated. The caller closes it.
   *
   * @throws DestillException.BadInput when PostgreSQL is not configured
   */
  public FindingStore openClusterStore() {
    return PostgresFindingStore.connect(settings.postgresUrl(), clock);
  }

  /** How long the hot statistics keep their counts. */
  public Duration statsRetention() {
    return Duration.ofDays(settings.get(Settings.STATS_RETENTION_DAYS));
  }

  /** The folder of the local statistics files: {@code stats} in {@link Settings#dataDir()}. */
  public Path statsDir() {
    return settings.dataDir().resolve("stats");
  }

  /**
   * The hot statistics of this process: PostgreSQL's when {@link Settings#POSTGRES} is set,
   * otherwise this process's DuckDB file ({@code ROLE-PID.duckdb} in {@link #statsDir()}), which
   * first takes over the files of processes that ended. The caller closes it.
   *
   * @param role what the process is ({@code analyze}, {@code watch}, {@code serve}, {@code stats})
   */
  public dev.destill.core.stats.StatsStore openStats(String role) {
    if (historyIsPostgres()) {
      return dev.destill.store.postgres.PostgresStatsStore.connect(
          settings.postgresUrl(), clock, statsRetention());
    }
    return dev.destill.store.duckdb.DuckDbStatsStore.open(
        statsDir(), role, ProcessHandle.current().pid(), clock, statsRetention());
  }

  /** The codec of the batches of line counts on the statistics topic. */
  public dev.destill.core.pipeline.StatsCodec statsCodec() {
    return new dev.destill.wire.StatsJson();
  }

  /** The settings of {@code destill serve}, read and checked. */
  public dev.destill.server.ServerSettings serverSettings() {
    return new dev.destill.server.ServerSettings(
        settings.get(Settings.SERVER_HOST),
        settings.get(Settings.SERVER_PORT),
        settings.find(Settings.SERVER_TOKEN),
        settings.find(Settings.SERVER_READ_TOKEN),
        settings.get(Settings.SERVER_AUTH_READS),
        settings.find(Settings.GITHUB_WEBHOOK_SECRET),
        settings.find(Settings.BUILDKITE_WEBHOOK_SECRET),
        settings.find(Settings.BUILDKITE_WEBHOOK_TOKEN),
        settings.find(Settings.GITLAB_WEBHOOK_TOKEN),
        Duration.ofSeconds(settings.get(Settings.BUILDKITE_REPLAY_SECONDS)),
        settings.get(Settings.SERVER_MAX_BODY),
        settings.get(Settings.SERVER_MAX_LOG),
        settings.get(Settings.SERVER_MAX_HEADER),
        settings.get(Settings.SERVER_MAX_IN_FLIGHT),
        settings.get(Settings.SERVER_MAX_CONCURRENT),
        settings.get(Settings.SERVER_MAX_QUEUED),
        Duration.ofSeconds(settings.get(Settings.SERVER_DRAIN_SECONDS)),
        settings.find(Settings.SERVER_KEYSTORE).map(Path::of),
        settings.find(Settings.SERVER_KEYSTORE_PASSWORD));
  }

  /** Whether both Kafka and PostgreSQL are configured: distributed mode. */
  public boolean distributed() {
    return settings.find(Settings.KAFKA).isPresent()
        && settings.find(Settings.POSTGRES).isPresent();
  }

  /** Connects to Kafka and creates the pipeline's topics where they are missing. */
  public Broker connectBroker() {
    String brokers = settings.kafkaBrokers();
    int partitions = settings.get(Settings.PARTITIONS);
    Map<String, Integer> topics = new LinkedHashMap<>();
    for (String topic : Topics.ALL) {
      topics.put(topic, partitions);
    }
    // Chunks, baselines and progress matter only while a request runs; findings and requests stay a
    // week.
    Map<String, Duration> retention =
        Map.of(
            Topics.LOGS, Duration.ofHours(1),
            Topics.BASELINES, Duration.ofHours(1),
            Topics.PROGRESS, Duration.ofHours(1),
            Topics.FINDINGS, Duration.ofDays(7),
            Topics.REQUESTS, Duration.ofDays(7),
            Topics.DEAD_LETTER, Duration.ofDays(7),
            Topics.COMPLETED, Duration.ofDays(7),
            Topics.INSIGHTS, Duration.ofDays(7),
            Topics.STATS, Duration.ofDays(1));
    return KafkaBroker.connect(
        brokers, topics, retention, Duration.ofMillis(settings.get(Settings.MAX_POLL_INTERVAL)));
  }
}
