package dev.destill.app.serve;

import dev.destill.app.explain.ExplainRunner;
import dev.destill.app.history.HistoryStore;
import dev.destill.core.broker.InMemoryBroker;
import dev.destill.core.explain.ExplanationStore;
import dev.destill.core.explain.InMemoryExplanationStore;
import dev.destill.core.insight.ExplainAgent;
import dev.destill.core.insight.InsightSink;
import dev.destill.core.pipeline.Agent;
import dev.destill.core.pipeline.AgentMetrics;
import dev.destill.core.pipeline.MessageCodec;
import dev.destill.core.pipeline.PipelineMessage;
import dev.destill.core.pipeline.Topics;
import dev.destill.core.store.FindingStore;
import dev.destill.llm.LlmSettings;
import dev.destill.llm.OpenAiLanguageModel;
import dev.destill.wire.MessageJson;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The explain agent of one-process {@code destill serve}: the same {@link ExplainAgent} and {@link
 * InsightSink} as the distributed explain and sink agents, on threads over an in-memory broker. A
 * completed analysis is announced with {@link #completed}; its explanation lands in the history's
 * explanation store (or one in memory), where {@link #explanations()} reads it. Thread-safe.
 */
final class InProcessExplain implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(InProcessExplain.class);

  /** Requests sent to the model at once, and completed requests batched per poll. */
  private static final int CONCURRENCY = 2;

  private static final int PER_POLL = 16;

  /** Completed requests waiting for the agent before an announcement blocks. */
  private static final int WAITING = 1_000;

  private final InMemoryBroker broker = new InMemoryBroker(1, WAITING);
  private final MessageCodec codec = new MessageJson();
  private final OpenAiLanguageModel model;
  private final ExplanationStore explanations;
  private final List<Agent> agents;
  private final List<Thread> threads;
  private final Clock clock;

  private InProcessExplain(
      LlmSettings settings, Map<String, String> env, FindingStore history, Clock clock) {
    this.clock = clock;
    this.model = new OpenAiLanguageModel(settings, false);
    this.explanations =
        HistoryStore.explanations(history).orElseGet(() -> new InMemoryExplanationStore(1_000));
    ExplainAgent explain =
        new ExplainAgent(
            broker,
            codec,
            AgentMetrics.NONE,
            model,
            explanations,
            id -> HistoryStore.completedAnalysis(history, id),
            ExplainRunner.options(env),
            CONCURRENCY,
            PER_POLL,
            clock);
    InsightSink sink = new InsightSink(broker, codec, AgentMetrics.NONE, explanations, 100);
    this.agents = List.of(explain, sink);
    this.threads =
        agents.stream()
            .map(a -> Thread.ofPlatform().daemon().name("destill-serve-" + a.name()).start(a))
            .toList();
  }

  /**
   * The explain agent for {@code history}, when {@code env} names a model ({@code DESTILL_LLM_URL}
   * and {@code DESTILL_LLM_MODEL}); empty when explanations are off.
   *
   * @throws dev.destill.core.DestillException when the settings are set but invalid
   */
  static Optional<InProcessExplain> start(
      Map<String, String> env, FindingStore history, Clock clock) {
    ExplainRunner.options(env); // invalid budget or masking settings fail at start, not later
    return LlmSettings.fromEnvironment(env).map(s -> new InProcessExplain(s, env, history, clock));
  }

  /** Announces a complete analysis, saved to the history, for the agent to explain. */
  void completed(String requestId) {
    broker.publish(
        Topics.COMPLETED,
        requestId,
        codec.encode(new PipelineMessage.RequestCompleted(requestId, clock.instant())));
  }

  /** Where the explanations are kept. */
  ExplanationStore explanations() {
    return explanations;
  }

  /** Stops the agents (a request being explained is left unexplained) and the model's client. */
  @Override
  public void close() {
    agents.forEach(Agent::stop);
    for (Agent a : agents) {
      try {
        if (!a.awaitStopped(Agent.STOP_GRACE)) {
          LOG.warn("the in-process {} agent did not stop in time", a.name());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    threads.forEach(Thread::interrupt);
    model.close();
    broker.close();
  }
}
