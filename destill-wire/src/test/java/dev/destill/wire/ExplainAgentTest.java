package dev.destill.wire;

import static org.assertj.core.api.Assertions.assertThat;

import dev.destill.core.broker.InMemoryBroker;
import dev.destill.core.explain.EvidenceLine;
import dev.destill.core.explain.ExplainOptions;
import dev.destill.core.explain.InMemoryExplanationStore;
import dev.destill.core.explain.LanguageModel;
import dev.destill.core.explain.ModelAnswer;
import dev.destill.core.explain.Prompt;
import dev.destill.core.explain.ScriptedLanguageModel;
import dev.destill.core.insight.ExplainAgent;
import dev.destill.core.insight.InsightSink;
import dev.destill.core.model.Finding;
import dev.destill.core.model.FindingSource;
import dev.destill.core.model.Severity;
import dev.destill.core.pipeline.Agent;
import dev.destill.core.pipeline.AgentMetrics;
import dev.destill.core.pipeline.PipelineMessage;
import dev.destill.core.pipeline.Topics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The explain agent and the insight sink over the in-memory broker. */
class ExplainAgentTest {
  private final MessageJson codec = new MessageJson();
  private final InMemoryBroker broker = new InMemoryBroker(2, 100);
  private final InMemoryExplanationStore store = new InMemoryExplanationStore(100);
  private final Map<String, ExplainAgent.Analysis> analyses = new ConcurrentHashMap<>();
  private final List<Agent> agents = new ArrayList<>();
  private final Clock clock = Clock.systemUTC();

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

  private static Finding finding(String hash, String text) {
    return new Finding(
        "f-" + hash,
        hash,
        Severity.ERROR,
        0.9,
        1,
        "build",
        "",
        10,
        10,
        text,
        text,
        List.of(text),
        List.of(),
        List.of(),
        1,
        FindingSource.LOG,
        Optional.empty(),
        List.of(),
        Optional.empty());
  }

  private void completed(String requestId, String hash) {
    analyses.put(
        requestId,
        new ExplainAgent.Analysis(
            requestId, "build " + requestId, List.of(finding(hash, "error: " + hash))));
    broker.publish(
        Topics.COMPLETED,
        requestId,
        codec.encode(new PipelineMessage.RequestCompleted(requestId, Instant.now())));
  }

  private ExplainAgent explainAgent(LanguageModel model) {
    return new ExplainAgent(
        broker,
        codec,
        new AgentMetrics() {},
        model,
        store,
        id -> Optional.ofNullable(analyses.get(id)),
        ExplainOptions.DEFAULTS,
        2,
        16,
        clock);
  }

  private static ModelAnswer answer(String cause) {
    return new ModelAnswer(cause, List.of(new EvidenceLine("build", 10)), "", "high", "", -1, -1);
  }

  @Test
  void shouldAskOncePerFingerprintAndStoreAnInsightForEveryRequest() throws Exception {
    ScriptedLanguageModel model =
        new ScriptedLanguageModel("m")
            .answer(p -> answer("disk full"))
            .answer(p -> answer("timeout"));
    completed("req-1", "disk");
    completed("req-2", "disk");
    completed("req-3", "net");

    start(explainAgent(model));
    start(new InsightSink(broker, codec, new AgentMetrics() {}, store, 100));
    await(
        () ->
            store.explanationOf("req-1").isPresent()
                && store.explanationOf("req-2").isPresent()
                && store.explanationOf("req-3").isPresent());

    assertThat(model.received()).hasSize(2);
    assertThat(store.explanationOf("req-3").orElseThrow().rootCause()).isEqualTo("timeout");
    String first =
        store.explanationOf("req-1").orElseThrow().cachedFrom().isPresent() ? "req-2" : "req-1";
    String other = first.equals("req-1") ? "req-2" : "req-1";
    assertThat(store.explanationOf(other).orElseThrow().cachedFrom()).contains(first);
    assertThat(store.sentFor(first))
        .singleElement()
        .satisfies(s -> assertThat(s.outcome()).isEqualTo("ok"));

    // Announced again (a sink restarted after storing its batch): nothing more is asked.
    completed("req-1", "disk");
    completed("req-9", "disk");
    await(() -> store.explanationOf("req-9").isPresent());
    assertThat(model.received()).hasSize(2);
    assertThat(store.explanationOf("req-9").orElseThrow().cachedFrom()).contains(first);
  }

  @Test
  void shouldRecordAFailedRequestOnceAndMoveOn() throws Exception {
    ScriptedLanguageModel model =
        new ScriptedLanguageModel("m").fail("the model server at x returned 503 after 3 retries");
    completed("req-1", "disk");

    start(explainAgent(model));
    start(new InsightSink(broker, codec, new AgentMetrics() {}, store, 100));
    await(() -> !store.sentFor("req-1").isEmpty());

    assertThat(store.sentFor("req-1").get(0).outcome()).contains("503");
    assertThat(store.explanationOf("req-1")).isEmpty();
  }

  @Test
  void shouldLoseNoRequestWhenRestartedMidBatch() throws Exception {
    CountDownLatch asked = new CountDownLatch(1);
    CountDownLatch never = new CountDownLatch(1);
    LanguageModel stuck =
        new LanguageModel() {
          @Override
          public String model() {
            return "m";
          }

          @Override
          public ModelAnswer complete(Prompt prompt, Consumer<String> onText) {
            asked.countDown();
            try {
              never.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            throw new dev.destill.core.DestillException("stopped");
          }
        };
    completed("req-1", "disk");
    completed("req-2", "net");
    ExplainAgent first = explainAgent(stuck);
    start(first);
    asked.await();
    first.stop();
    never.countDown();
    first.awaitStopped(Duration.ofSeconds(10));

    AtomicInteger calls = new AtomicInteger();
    ScriptedLanguageModel model =
        new ScriptedLanguageModel("m")
            .answer(
                p -> {
                  calls.incrementAndGet();
                  return answer("a");
                })
            .answer(
                p -> {
                  calls.incrementAndGet();
                  return answer("b");
                });
    start(explainAgent(model));
    start(new InsightSink(broker, codec, new AgentMetrics() {}, store, 100));
    await(
        () -> store.explanationOf("req-1").isPresent() && store.explanationOf("req-2").isPresent());
    assertThat(calls.get()).isEqualTo(2);
  }

  @Test
  void shouldRoundTripTheNewMessages() {
    PipelineMessage.Insight insight =
        new PipelineMessage.Insight(
            "req-1",
            "key",
            Optional.of(
                new dev.destill.core.explain.Explanation(
                    "cause",
                    List.of(new EvidenceLine("build", 3)),
                    List.of(),
                    "fix",
                    dev.destill.core.explain.Confidence.LOW,
                    "m",
                    "explain-v1",
                    Optional.of("req-0"),
                    Instant.parse("2026-12-01T00:00:00Z"))),
            Optional.of(
                new dev.destill.core.explain.ExplanationStore.SentRequest(
                    "req-1",
                    "m",
                    "explain-v1",
                    10,
                    3,
                    List.of("f1"),
                    "ok",
                    Instant.parse("2026-12-01T00:00:00Z"))));
    assertThat(codec.decode(codec.encode(insight))).isEqualTo(insight);
    PipelineMessage.RequestCompleted done =
        new PipelineMessage.RequestCompleted("req-1", Instant.parse("2026-12-01T00:00:00Z"));
    assertThat(codec.decode(codec.encode(done))).isEqualTo(done);
  }
}
