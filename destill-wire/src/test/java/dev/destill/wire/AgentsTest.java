package dev.destill.wire;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.destill.core.DestillException;
import dev.destill.core.analyze.AnalyzeAgent;
import dev.destill.core.broker.InMemoryBroker;
import dev.destill.core.broker.Message;
import dev.destill.core.broker.Subscription;
import dev.destill.core.model.JobInfo;
import dev.destill.core.model.JobState;
import dev.destill.core.model.RequestEvent;
import dev.destill.core.pipeline.Agent;
import dev.destill.core.pipeline.AgentMetrics;
import dev.destill.core.pipeline.PipelineMessage;
import dev.destill.core.pipeline.Topics;
import dev.destill.core.sink.SinkAgent;
import dev.destill.core.store.FindingStore;
import dev.destill.core.store.InMemoryFindingStore;
import dev.destill.core.store.RequestStatus;
import dev.destill.core.store.StoreBatch;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The agents over the in-memory broker: poison messages, a store that goes away, stopping. */
class AgentsTest {
  private final MessageJson codec = new MessageJson();
  private final InMemoryBroker broker = new InMemoryBroker(2, 100);
  private final List<Agent> agents = new ArrayList<>();

  @AfterEach
  void stop() throws InterruptedException {
    for (Agent a : agents) {
      a.stop();
      a.awaitStopped(Duration.ofSeconds(10));
    }
    broker.close();
  }

  private void start(Agent agent) {
    agents.add(agent);
    Thread t = new Thread(agent, "test-" + agent.name());
    t.setDaemon(true);
    t.start();
  }

  private static void await(BooleanSupplier condition) {
    Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(20))
        .until(condition::getAsBoolean);
  }

  private PipelineMessage.LogChunk chunk(String requestId, String text) {
    byte[] data = text.getBytes(StandardCharsets.UTF_8);
    long lines = text.chars().filter(c -> c == '\n').count();
    return new PipelineMessage.LogChunk(
        requestId, "b1", JobInfo.of("build", JobState.FAILED), 0, 1, 1, 1, lines, data);
  }

  private List<Message> drain(String topic, String group, int want) {
    List<Message> out = new ArrayList<>();
    try (Subscription s = broker.subscribe(topic, group)) {
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (out.size() < want && System.nanoTime() < deadline) {
        out.addAll(s.poll(Duration.ofMillis(100)));
      }
      s.commit();
    }
    return out;
  }

  /** A codec that counts what it encodes and decodes. */
  private static final class CountingCodec implements dev.destill.core.pipeline.MessageCodec {
    final MessageJson json = new MessageJson();
    final AtomicInteger encoded = new AtomicInteger();
    final AtomicInteger decoded = new AtomicInteger();

    @Override
    public byte[] encode(PipelineMessage message) {
      encoded.incrementAndGet();
      return json.encode(message);
    }

    @Override
    public PipelineMessage decode(byte[] bytes) {
      decoded.incrementAndGet();
      return json.decode(bytes);
    }

    @Override
    public byte[] deadLetter(Message original, String reason) {
      return json.deadLetter(original, reason);
    }
  }

  @Test
  void shouldPassMessagesInMemoryWithoutEncodingThem() {
    CountingCodec counting = new CountingCodec();
    InMemoryFindingStore store = new InMemoryFindingStore(Clock.systemUTC());
    start(new AnalyzeAgent(broker, counting, AgentMetrics.NONE, 1, false));
    start(
        new SinkAgent(
            broker,
            counting,
            AgentMetrics.NONE,
            store,
            new SinkAgent.Settings(10, Duration.ZERO),
            Clock.systemUTC(),
            b -> {}));
    broker.publish(
        Topics.FINDINGS,
        "req-mem",
        counting.carry(
            new PipelineMessage.Progress(new RequestEvent.Ingested("req-mem", 1, List.of()))));
    broker.publish(Topics.LOGS, "k", counting.carry(chunk("req-mem", "ok\nERROR: disk full\n")));

    await(() -> store.request("req-mem").map(r -> r.chunksDone() == 1).orElse(false));
    assertThat(store.findings("req-mem")).isNotEmpty();
    assertThat(counting.encoded).as("messages encoded").hasValue(0);
    assertThat(counting.decoded).as("messages decoded").hasValue(0);
  }

  @Test
  void shouldSetPoisonMessagesAsideWithTheReasonAndGoOn() throws Exception {
    start(new AnalyzeAgent(broker, codec, AgentMetrics.NONE, 1, false));
    broker.publish(Topics.LOGS, "k1", "{not json".getBytes(StandardCharsets.UTF_8));
    broker.publish(
        Topics.LOGS,
        "k2",
        "{\"schema_version\":7,\"type\":\"log_chunk\",\"request_id\":\"r\"}"
            .getBytes(StandardCharsets.UTF_8));
    broker.publish(Topics.LOGS, "k3", codec.encode(chunk("req-1", "ok\nERROR: disk full\n")));

    List<Message> dead = drain(Topics.DEAD_LETTER, "test", 2);
    assertThat(dead).hasSize(2);
    ObjectMapper json = new ObjectMapper();
    // Keys may sit on different partitions: find each dead letter by its key.
    Message k1 = dead.stream().filter(m -> m.key().equals("k1")).findFirst().orElseThrow();
    Message k2 = dead.stream().filter(m -> m.key().equals("k2")).findFirst().orElseThrow();
    JsonNode first = json.readTree(k1.value());
    JsonNode second = json.readTree(k2.value());
    assertThat(first.get("reason").asText()).startsWith("not JSON");
    assertThat(new String(first.get("value").binaryValue(), StandardCharsets.UTF_8))
        .isEqualTo("{not json");
    assertThat(second.get("reason").asText()).contains("unknown schema_version 7");

    // The good chunk behind them was analyzed: its findings (the error, and the end of the log
    // the last chunk of a failed job offers), then its completion came out.
    List<Message> out = drain(Topics.FINDINGS, "test", 3);
    List<PipelineMessage> decoded = out.stream().map(m -> codec.decode(m.value())).toList();
    assertThat(decoded).hasSize(3);
    assertThat(((PipelineMessage.FindingMessage) decoded.get(0)).finding().message())
        .contains("disk full");
    assertThat(((PipelineMessage.FindingMessage) decoded.get(1)).finding().signals())
        .contains("end-of-log");
    assertThat(((PipelineMessage.Progress) decoded.get(2)).event())
        .isInstanceOf(RequestEvent.ChunkAnalyzed.class);
  }

  /** A store whose writes fail while {@code down} is positive, counting down. */
  private static FindingStore flaky(FindingStore real, AtomicInteger down) {
    return (FindingStore)
        Proxy.newProxyInstance(
            FindingStore.class.getClassLoader(),
            new Class<?>[] {FindingStore.class},
            (proxy, method, args) -> {
              if (method.getName().equals("apply") && down.getAndDecrement() > 0) {
                throw new DestillException.Retriable("PostgreSQL went away");
              }
              try {
                return method.invoke(real, args);
              } catch (java.lang.reflect.InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }

  @Test
  void shouldHoldABatchUntilTheStoreIsBackAndLoseNothing() throws Exception {
    InMemoryFindingStore real = new InMemoryFindingStore(Clock.systemUTC());
    AtomicInteger down = new AtomicInteger(3);
    List<StoreBatch> applied = new ArrayList<>();
    start(
        new SinkAgent(
            broker,
            codec,
            AgentMetrics.NONE,
            flaky(real, down),
            new SinkAgent.Settings(100, Duration.ofMillis(20)),
            Clock.systemUTC(),
            b -> {
              synchronized (applied) {
                applied.add(b);
              }
            }));
    Instant now = Instant.now();
    for (RequestEvent e :
        List.of(
            new RequestEvent.Submitted("req-1", "https://ci/1", now),
            new RequestEvent.Resolved("req-1", "b1", "build 1"),
            new RequestEvent.Ingested("req-1", 0, List.of()))) {
      broker.publish(Topics.FINDINGS, "req-1", codec.encode(new PipelineMessage.Progress(e)));
    }
    await(() -> real.request("req-1").map(r -> r.status() == RequestStatus.COMPLETE).orElse(false));
    assertThat(down.get()).isNegative();
    assertThat(real.request("req-1").get().target()).isEqualTo("https://ci/1");
    // Committed only once stored: a new sink of the group gets nothing again.
    try (Subscription s = broker.subscribe(Topics.FINDINGS, Topics.SINK_GROUP)) {
      assertThat(s.poll(Duration.ofMillis(200))).isEmpty();
    }
  }

  @Test
  void shouldLeaveWhatItDidNotFinishToTheNextAgentOfItsGroup() throws Exception {
    AnalyzeAgent first = new AnalyzeAgent(broker, codec, AgentMetrics.NONE, 1, false);
    first.stop(); // stops before it takes anything
    first.run();
    broker.publish(Topics.LOGS, "k", codec.encode(chunk("req-2", "FATAL: boom\n")));
    start(new AnalyzeAgent(broker, codec, AgentMetrics.NONE, 1, false));
    List<Message> out = drain(Topics.FINDINGS, "test", 3);
    assertThat(out).hasSize(3);
  }

  /** What the agents reported as errors, by kind. */
  static final class Errors implements AgentMetrics {
    final java.util.Map<String, Integer> byKind = new java.util.concurrent.ConcurrentHashMap<>();

    @Override
    public void error(String kind) {
      byKind.merge(kind, 1, Integer::sum);
    }
  }

  private static String reason(Message deadLetter) {
    try {
      return new ObjectMapper().readTree(deadLetter.value()).get("reason").asText();
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void shouldDeadLetterARecordWithoutAKeyWithItsReasonAndCountIt() {
    Errors errors = new Errors();
    start(
        new dev.destill.core.ingest.IngestAgent(
            broker,
            codec,
            errors,
            List.of(),
            new dev.destill.core.ingest.IngestAgent.Settings(
                1024, 1, dev.destill.core.ingest.IngestAgent.ChunkKeys.BY_BUILD, false),
            e -> {}));
    broker.publish(Topics.REQUESTS, "", "{}".getBytes(StandardCharsets.UTF_8));

    List<Message> dead = drain(Topics.DEAD_LETTER, "test", 1);
    assertThat(dead).hasSize(1);
    assertThat(reason(dead.get(0))).isEqualTo("a record without a key on " + Topics.REQUESTS);
    assertThat(dead.get(0).key()).as("keyed by where it was").startsWith(Topics.REQUESTS + "/");
    assertThat(errors.byKind).containsEntry("poison", 1);
    // Committed: the group does not get it again.
    await(() -> broker.subscribe(Topics.REQUESTS, "probe").lag().orElse(-1) >= 0);
    try (Subscription s = broker.subscribe(Topics.REQUESTS, Topics.INGEST_GROUP)) {
      assertThat(s.poll(Duration.ofMillis(200))).isEmpty();
    }
  }

  /**
   * A broker on which publishing a finding whose message contains {@code poison} throws, as a bug
   * in the analysis of that chunk would; it counts the tries.
   */
  private dev.destill.core.broker.Broker poisoning(String poison, AtomicInteger tries) {
    return new dev.destill.core.broker.Broker() {
      @Override
      public void publish(String topic, String key, byte[] value) {
        if (topic.equals(Topics.FINDINGS)
            && codec.decode(value) instanceof PipelineMessage.FindingMessage f
            && f.finding().message().contains(poison)) {
          tries.incrementAndGet();
          throw new IllegalStateException("simulated bug in the analysis of " + poison);
        }
        broker.publish(topic, key, value);
      }

      @Override
      public void flush(Duration timeout) {
        broker.flush(timeout);
      }

      @Override
      public Subscription subscribe(String topic, String group, int maxPoll) {
        return broker.subscribe(topic, group, maxPoll);
      }

      @Override
      public void close() {}
    };
  }

  @Test
  void shouldRetryAChunkWhoseAnalysisThrowsThenDeadLetterItAndFinishTheRequest() {
    AtomicInteger tries = new AtomicInteger();
    start(
        new AnalyzeAgent(
            poisoning("poisoned", tries),
            codec,
            AgentMetrics.NONE,
            1,
            false,
            new dev.destill.core.ErrorPolicy(
                new dev.destill.core.ErrorPolicy.Budget(
                    3, Duration.ofMillis(1), Duration.ofMillis(5)),
                3)));
    broker.publish(Topics.LOGS, "k1", codec.encode(chunk("req-1", "FATAL: poisoned\n")));
    broker.publish(Topics.LOGS, "k2", codec.encode(chunk("req-2", "FATAL: healthy\n")));

    List<Message> dead = drain(Topics.DEAD_LETTER, "test", 1);
    assertThat(dead).hasSize(1);
    assertThat(tries).hasValue(3);
    assertThat(reason(dead.get(0)))
        .isEqualTo("processing failed 3 times: simulated bug in the analysis of poisoned");
    // The poisoned chunk still counts as done, with the reason; the other was analyzed.
    InMemoryFindingStore store = new InMemoryFindingStore(Clock.systemUTC());
    List<Message> out = drain(Topics.FINDINGS, "test", 5);
    List<RequestEvent> events = new ArrayList<>();
    for (Message m : out) {
      if (codec.decode(m.value()) instanceof PipelineMessage.Progress p) {
        events.add(p.event());
      } else if (codec.decode(m.value()) instanceof PipelineMessage.FindingMessage f) {
        store.apply(
            new StoreBatch(
                List.of(new StoreBatch.RequestFinding(f.requestId(), f.finding())), List.of()));
      }
    }
    events.add(new RequestEvent.Ingested("req-1", 1, List.of()));
    events.add(new RequestEvent.Ingested("req-2", 1, List.of()));
    store.apply(new StoreBatch(List.of(), events));
    assertThat(store.request("req-1").orElseThrow().status()).isEqualTo(RequestStatus.INCOMPLETE);
    assertThat(store.request("req-1").orElseThrow().warnings())
        .singleElement()
        .asString()
        .contains("could not be analyzed (processing failed 3 times");
    assertThat(store.findings("req-1")).isEmpty();
    assertThat(store.request("req-2").orElseThrow().status()).isEqualTo(RequestStatus.COMPLETE);
    assertThat(store.findings("req-2")).isNotEmpty();
  }

  /** A store that refuses every batch holding a finding whose id is {@code refused}. */
  private static FindingStore refusing(FindingStore real, String refused, AtomicInteger applies) {
    return (FindingStore)
        Proxy.newProxyInstance(
            FindingStore.class.getClassLoader(),
            new Class<?>[] {FindingStore.class},
            (proxy, method, args) -> {
              if (method.getName().equals("apply")) {
                applies.incrementAndGet();
                StoreBatch b = (StoreBatch) args[0];
                if (b.findings().stream().anyMatch(f -> f.finding().id().equals(refused))) {
                  throw new DestillException.Rejected(
                      "PostgreSQL refused it: invalid byte sequence for encoding \"UTF8\": 0x00",
                      null);
                }
              }
              try {
                return method.invoke(real, args);
              } catch (java.lang.reflect.InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }

  private static dev.destill.core.model.Finding finding(String id) {
    return new dev.destill.core.model.Finding(
        id,
        "hash-" + id,
        dev.destill.core.model.Severity.ERROR,
        0.9,
        1,
        "unit tests",
        "Run tests",
        12,
        12,
        "error: " + id,
        "error: <id>",
        List.of("error: " + id),
        List.of(),
        List.of(),
        1,
        dev.destill.core.model.FindingSource.LOG,
        java.util.Optional.empty(),
        List.of("error-level"),
        java.util.Optional.empty());
  }

  @Test
  void shouldSplitABatchTheStoreRefusesAndDeadLetterOnlyTheMessagesItRefuses() {
    InMemoryFindingStore real = new InMemoryFindingStore(Clock.systemUTC());
    AtomicInteger applies = new AtomicInteger();
    // Everything is published before the sink starts, so that it comes in one batch.
    for (String id : List.of("f1", "f2", "bad", "f3", "f4")) {
      broker.publish(
          Topics.FINDINGS,
          "req-1",
          codec.encode(new PipelineMessage.FindingMessage("req-1", finding(id))));
    }
    broker.publish(
        Topics.FINDINGS,
        "req-2",
        codec.encode(new PipelineMessage.FindingMessage("req-2", finding("g1"))));
    start(
        new SinkAgent(
            broker,
            codec,
            AgentMetrics.NONE,
            refusing(real, "bad", applies),
            new SinkAgent.Settings(100, Duration.ofMillis(20)),
            Clock.systemUTC(),
            b -> {}));

    List<Message> dead = drain(Topics.DEAD_LETTER, "test", 1);
    assertThat(dead).hasSize(1);
    assertThat(reason(dead.get(0))).startsWith("the store refused it: PostgreSQL refused it");
    assertThat(
            ((PipelineMessage.FindingMessage)
                    codec.decode(
                        new ObjectMapper()
                            .convertValue(readTree(dead.get(0)).get("value"), byte[].class)))
                .finding()
                .id())
        .isEqualTo("bad");
    await(() -> real.findings("req-1").size() == 4);
    assertThat(real.findings("req-1"))
        .extracting(dev.destill.core.model.Finding::id)
        .containsExactly("f1", "f2", "f3", "f4");
    assertThat(real.findings("req-2")).hasSize(1);
    // Halving 6 messages finds the one refused in a few more writes, not one per message.
    assertThat(applies.get()).isLessThanOrEqualTo(7);
    try (Subscription s = broker.subscribe(Topics.FINDINGS, Topics.SINK_GROUP)) {
      assertThat(s.poll(Duration.ofMillis(200))).as("all committed").isEmpty();
    }
  }

  private static JsonNode readTree(Message m) {
    try {
      return new ObjectMapper().readTree(m.value());
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void shouldStopWithTheReasonWhenTheStoreStaysAwayLongerThanTheBudget() {
    AtomicInteger down = new AtomicInteger(Integer.MAX_VALUE);
    SinkAgent sink =
        new SinkAgent(
            broker,
            codec,
            AgentMetrics.NONE,
            flaky(new InMemoryFindingStore(Clock.systemUTC()), down),
            new SinkAgent.Settings(100, Duration.ofMillis(1)),
            Clock.systemUTC(),
            b -> {},
            dev.destill.core.ErrorPolicy.agent(Duration.ofMillis(700)));
    start(sink);
    broker.publish(
        Topics.FINDINGS,
        "req-1",
        codec.encode(new PipelineMessage.Progress(new RequestEvent.Failed("req-1", "x"))));

    await(sink::hasStopped);
    assertThat(sink.failure())
        .get()
        .extracting(Agent.Failure::kind)
        .isEqualTo(Agent.Failure.Kind.GAVE_UP);
    assertThat(sink.failure().get().reason())
        .startsWith("gave up after 3 attempts over about 0 s: PostgreSQL went away");
    assertThat(sink.ready()).isFalse();
  }

  @Test
  void shouldStopAtOnceOnAFailureThatRetryingCannotHelp() {
    FindingStore locked =
        (FindingStore)
            Proxy.newProxyInstance(
                FindingStore.class.getClassLoader(),
                new Class<?>[] {FindingStore.class},
                (proxy, method, args) -> {
                  throw new DestillException.Fatal("password authentication failed");
                });
    SinkAgent sink =
        new SinkAgent(
            broker,
            codec,
            AgentMetrics.NONE,
            locked,
            new SinkAgent.Settings(100, Duration.ofMillis(1)),
            Clock.systemUTC(),
            b -> {});
    start(sink);
    broker.publish(
        Topics.FINDINGS,
        "req-1",
        codec.encode(new PipelineMessage.Progress(new RequestEvent.Failed("req-1", "x"))));

    await(sink::hasStopped);
    assertThat(sink.failure())
        .get()
        .isEqualTo(new Agent.Failure(Agent.Failure.Kind.FATAL, "password authentication failed"));
  }

  @Test
  void shouldCommitTheChunksItFinishedWhenStoppedMidPoll() {
    AtomicInteger out = new AtomicInteger();
    AnalyzeAgent[] self = new AnalyzeAgent[1];
    AgentMetrics stopAfterTwoChunks =
        new AgentMetrics() {
          @Override
          public void messagesOut(String topic, int n) {
            // Each chunk gives a finding, an end-of-log candidate and its completion.
            if (out.addAndGet(n) == 6) {
              self[0].stop();
            }
          }
        };
    for (int i = 0; i < 4; i++) {
      broker.publish(
          Topics.LOGS, "one-key", codec.encode(chunk("req-" + i, "FATAL: boom " + i + "\n")));
    }
    self[0] = new AnalyzeAgent(broker, codec, stopAfterTwoChunks, 4, false);
    start(self[0]);
    await(self[0]::hasStopped);

    // The next agent of the group gets only the two chunks the first did not finish.
    try (Subscription s = broker.subscribe(Topics.LOGS, Topics.ANALYZE_GROUP)) {
      List<Message> left = new ArrayList<>();
      Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> left.addAll(s.poll(Duration.ofMillis(50))) && left.size() >= 2);
      left.addAll(s.poll(Duration.ofMillis(200)));
      assertThat(left)
          .extracting(m -> ((PipelineMessage.LogChunk) codec.decode(m.value())).requestId())
          .containsExactly("req-2", "req-3");
    }
  }
}
