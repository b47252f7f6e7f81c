package dev.destill.app.distributed;

import dev.destill.app.agent.AgentHttpServer;
import dev.destill.app.agent.PrometheusAgentMetrics;
import dev.destill.app.agent.Readiness;
import dev.destill.app.cli.CommonOptions;
import dev.destill.app.cli.ExitCodes;
import dev.destill.app.cli.VersionInfo;
import dev.destill.app.config.Settings;
import dev.destill.app.wiring.Services;
import dev.destill.core.ErrorPolicy;
import dev.destill.core.analyze.AnalyzeAgent;
import dev.destill.core.analyze.BrokerBaselines;
import dev.destill.core.broker.Broker;
import dev.destill.core.ingest.Chunker;
import dev.destill.core.ingest.IngestAgent;
import dev.destill.core.pipeline.Agent;
import dev.destill.core.pipeline.MessageCodec;
import dev.destill.core.sink.SinkAgent;
import dev.destill.core.store.FindingStore;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code destill agent ingest|analyze|sink}: one pipeline agent as a long-lived process. */
@Command(
    name = "agent",
    mixinStandardHelpOptions = true,
    versionProvider = VersionInfo.class,
    description = {
      "Runs one agent of distributed mode until SIGTERM: ingest (fetches builds and cuts logs into"
          + " chunks), analyze (finds the failures in chunks and counts their lines for the"
          + " statistics) or sink (writes findings, insights and the statistics' counts to"
          + " PostgreSQL).",
      "Configured by DESTILL_KAFKA_BROKERS (or REDPANDA_BROKERS), DESTILL_POSTGRES_URL (or"
          + " POSTGRES_DSN; the sink only), DESTILL_KAFKA_PARTITIONS (default 6),"
          + " DESTILL_METRICS_PORT (default 8080), DESTILL_METRICS_HOST (default 0.0.0.0),"
          + " DESTILL_RETRY_SECONDS (how long a transient failure is retried, default 180),"
          + " DESTILL_KAFKA_MAX_POLL_INTERVAL_MS (default 120000), and the CI tokens (the ingest"
          + " agent). Serves /health, /ready (503 while it cannot make progress) and /metrics.",
      "Exit codes: 0 stopped by SIGTERM after a clean drain, 70 stopped on a failure retrying"
          + " cannot help, 75 a service it needs stayed away longer than DESTILL_RETRY_SECONDS."
    })
public final class AgentCommand implements Callable<Integer> {
  /** How long a stopping agent may take to finish or hand back its work. */
  static final Duration GRACE = Duration.ofSeconds(30);

  /** Chunks an analyze agent takes per poll and commits together: a commit is a round trip. */
  static final int CHUNKS_PER_POLL = 4;

  /** Requests the explain agent sends to the model at once. */
  static final int EXPLAIN_CONCURRENCY = 4;

  /** Completed requests the explain agent takes per poll (and batches by fingerprint). */
  static final int EXPLAIN_PER_POLL = 16;

  /** Agents that run beside the main one in the same process (the sink's insight sink). */
  private final List<Agent> companions = new ArrayList<>();

  /** The agents a process can run. */
  public enum Kind {
    INGEST,
    ANALYZE,
    SINK,
    EXPLAIN
  }

  @Spec CommandSpec spec;

  private final Services services;

  public AgentCommand(Services services) {
    this.services = services;
  }

  @Mixin CommonOptions common;

  @Parameters(paramLabel = "KIND", description = "ingest, analyze, sink or explain.")
  Kind kind;

  @Option(
      names = "--metrics-port",
      paramLabel = "PORT",
      description = "Port of /health, /ready and /metrics (overrides DESTILL_METRICS_PORT).")
  Integer metricsPort;

  @Option(
      names = "--parallel",
      paramLabel = "N",
      description = "Ingest: how many job logs to fetch at once (default: the number of cores).")
  int parallel = Runtime.getRuntime().availableProcessors();

  @Override
  public Integer call() throws InterruptedException {
    Services services =
        this.services.with(this.services.settings().withFlag(Settings.METRICS_PORT, metricsPort));
    Settings settings = services.settings();
    // Settings are checked before anything connects, so a missing one is reported at once.
    settings.kafkaBrokers();
    if (kind == Kind.SINK || kind == Kind.EXPLAIN) {
      settings.postgresUrl();
    }
    if (kind == Kind.EXPLAIN
        && dev.destill.llm.LlmSettings.fromEnvironment(settings.llmEnv()).isEmpty()) {
      throw new dev.destill.core.DestillException(
          "the explain agent needs DESTILL_LLM_URL and DESTILL_LLM_MODEL (see docs/explain.md)");
    }
    ErrorPolicy policy =
        ErrorPolicy.agent(Duration.ofSeconds(settings.get(Settings.RETRY_SECONDS)));
    int port = settings.get(Settings.METRICS_PORT);
    String name = kind.name().toLowerCase(Locale.ROOT);
    PrometheusAgentMetrics metrics = new PrometheusAgentMetrics(name);
    List<AutoCloseable> resources = new ArrayList<>();
    PrintWriter err = spec.commandLine().getErr();
    try {
      Broker broker = services.connectBroker();
      resources.add(broker);
      List<Readiness.Check> checks = new ArrayList<>();
      checks.add(new Readiness.Check("kafka", () -> broker.reachable(Readiness.CHECK_TIMEOUT)));
      Agent agent = agent(services, broker, metrics, resources, checks, policy);
      AgentHttpServer http =
          AgentHttpServer.start(
              settings.get(Settings.METRICS_HOST),
              port,
              metrics,
              new Readiness(agent::ready, checks));
      resources.add(0, http);
      Thread worker = new Thread(agent, "destill-" + name);
      worker.setUncaughtExceptionHandler((t, e) -> {}); // the agent's failure() says why
      Runnable stop = onTerminate(agent);
      err.println(
          "destill: "
              + name
              + " agent running; /health, /ready and /metrics on port "
              + http.port()
              + "; stop it with SIGTERM");
      err.flush();
      worker.start();
      List<Thread> beside = new ArrayList<>();
      for (Agent c : companions) {
        Thread t = new Thread(c, "destill-" + c.name());
        t.setUncaughtExceptionHandler((th, e) -> {});
        beside.add(t);
        t.start();
      }
      worker.join();
      for (int i = 0; i < companions.size(); i++) {
        companions.get(i).stop();
        beside.get(i).join(GRACE.toMillis());
      }
      stop.run();
      return agent
          .failure()
          .map(
              f -> {
                err.println("destill: " + name + " agent stopped: " + f.reason());
                err.flush();
                return f.kind() == Agent.Failure.Kind.GAVE_UP
                    ? ExitCodes.AGENT_UNAVAILABLE
                    : ExitCodes.AGENT_FAILED;
              })
          .orElse(ExitCodes.OK);
    } finally {
      for (AutoCloseable r : resources) {
        try {
          r.close();
        } catch (Exception e) {
          // Closing on the way out: nothing left to save.
        }
      }
    }
  }

  /**
   * Makes SIGTERM and SIGINT stop the agent and let {@link #call} return its exit code: 0 after a
   * clean drain. A JVM shutdown hook would exit 143 whatever the drain did, so the signals are
   * handled directly where the JVM allows it; elsewhere a hook stops the agent. Returns what
   * removes the hook once the agent stopped on its own.
   */
  private static Runnable onTerminate(Agent agent) {
    try {
      for (String signal : List.of("TERM", "INT")) {
        sun.misc.Signal.handle(new sun.misc.Signal(signal), s -> agent.stop());
      }
      return () -> {};
    } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError e) {
      Thread hook =
          new Thread(
              () -> {
                agent.stop();
                try {
                  agent.awaitStopped(GRACE);
                } catch (InterruptedException ie) {
                  Thread.currentThread().interrupt();
                }
              },
              "destill-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      return () -> {
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
          // The hook runs already.
        }
      };
    }
  }

  /**
   * The baselines the ingest agents publish, read by this process in a consumer group of its own on
   * a daemon thread until closed: every analyze process sees every baseline.
   */
  static BrokerBaselines startBaselines(Services services, Broker broker) {
    BrokerBaselines baselines =
        new BrokerBaselines(
            broker,
            services.codec(),
            "destill-baselines-" + java.util.UUID.randomUUID(),
            BrokerBaselines.Settings.DEFAULT,
            services.clock());
    Thread reader = new Thread(baselines, "destill-baselines");
    reader.setDaemon(true);
    reader.setUncaughtExceptionHandler((t, e) -> {}); // logged by the reader
    reader.start();
    return baselines;
  }

  private Agent agent(
      Services services,
      Broker broker,
      PrometheusAgentMetrics metrics,
      List<AutoCloseable> resources,
      List<Readiness.Check> checks,
      ErrorPolicy policy) {
    MessageCodec codec = services.codec();
    switch (kind) {
      case INGEST -> {
        return new IngestAgent(
            broker,
            codec,
            metrics,
            services.remoteProviders(policy.transientBudget()),
            new IngestAgent.Settings(
                Chunker.DEFAULT_TARGET_BYTES,
                Math.max(1, parallel),
                IngestAgent.ChunkKeys.BY_CHUNK,
                true),
            event -> {},
            policy);
      }
      case ANALYZE -> {
        BrokerBaselines baselines = startBaselines(services, broker);
        resources.add(0, baselines);
        checks.add(new Readiness.Check("baselines reader", baselines::reading));
        // Each chunk's line counts go to the statistics topic, for the sink process to store.
        return new AnalyzeAgent(
            broker,
            codec,
            metrics,
            AgentCommand.CHUNKS_PER_POLL,
            true,
            dev.destill.core.engine.Rules.standard(),
            policy,
            java.util.Optional.of(
                new dev.destill.core.pipeline.BrokerStatsSink(broker, services.statsCodec())),
            services.clock(),
            baselines);
      }
      case EXPLAIN -> {
        FindingStore store = services.openClusterStore();
        resources.add(store);
        checks.add(
            new Readiness.Check("postgresql", () -> store.reachable(Readiness.CHECK_TIMEOUT)));
        dev.destill.llm.OpenAiLanguageModel model =
            new dev.destill.llm.OpenAiLanguageModel(
                dev.destill.llm.LlmSettings.fromEnvironment(services.settings().llmEnv())
                    .orElseThrow(),
                false);
        resources.add(model);
        return new dev.destill.core.insight.ExplainAgent(
            broker,
            codec,
            metrics,
            model,
            dev.destill.app.history.HistoryStore.explanations(store).orElseThrow(),
            id -> dev.destill.app.history.HistoryStore.completedAnalysis(store, id),
            dev.destill.app.explain.ExplainRunner.options(services.settings().llmEnv()),
            EXPLAIN_CONCURRENCY,
            EXPLAIN_PER_POLL,
            services.clock());
      }
      case SINK -> {
        FindingStore store = services.openClusterStore();
        resources.add(store);
        checks.add(
            new Readiness.Check("postgresql", () -> store.reachable(Readiness.CHECK_TIMEOUT)));
        // The sink process also stores the statistics' counts in PostgreSQL.
        dev.destill.store.postgres.PostgresStatsStore stats =
            dev.destill.store.postgres.PostgresStatsStore.connect(
                services.settings().postgresUrl(), services.clock(), services.statsRetention());
        resources.add(stats);
        companions.add(
            new dev.destill.core.sink.StatsSinkAgent(
                broker, codec, metrics, services.statsCodec(), stats));
        // The sink process also stores the explain agent's insights, on a thread of its own.
        companions.add(
            new dev.destill.core.insight.InsightSink(
                broker,
                codec,
                metrics,
                dev.destill.app.history.HistoryStore.explanations(store).orElseThrow(),
                100));
        return new SinkAgent(
            broker,
            codec,
            metrics,
            store,
            SinkAgent.Settings.DEFAULT,
            services.clock(),
            new dev.destill.core.insight.CompletionAnnouncer(
                broker, codec, store, services.clock()),
            policy);
      }
    }
    throw new IllegalStateException("unknown agent " + kind);
  }
}
