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

  private static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 20 s");
      }
      Thread.sleep(20);
    }
  }

  private PipelineMessage.LogChunk chunk(String requestId, String text) {
    byte[] data = text.getBytes(StandardCharsets.UTF_8);
    long lines = text.chars().filter(c -> c == '\n').count();
    return new PipelineMessage.LogChunk(
        requestId, "b1", JobInfo.of("build", JobState.FAILED), 0, 1, 1, 1, lines, data);
  }

  private List<Message> drain(String topic, String group, int want) throws InterruptedException {
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
}
