package dev.destill.core.insight;

import dev.destill.core.DestillException;
import dev.destill.core.broker.Broker;
import dev.destill.core.broker.Message;
import dev.destill.core.explain.ExplainOptions;
import dev.destill.core.explain.ExplainOutcome;
import dev.destill.core.explain.Explainer;
import dev.destill.core.explain.Explanation;
import dev.destill.core.explain.ExplanationStore;
import dev.destill.core.explain.LanguageModel;
import dev.destill.core.explain.Prompt;
import dev.destill.core.explain.PromptBuilder;
import dev.destill.core.model.Finding;
import dev.destill.core.pipeline.Agent;
import dev.destill.core.pipeline.AgentMetrics;
import dev.destill.core.pipeline.MessageCodec;
import dev.destill.core.pipeline.PipelineMessage;
import dev.destill.core.pipeline.PipelineMessage.Insight;
import dev.destill.core.pipeline.PipelineMessage.RequestCompleted;
import dev.destill.core.pipeline.Topics;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The explain agent: takes completed requests ({@link Topics#COMPLETED}), explains each with the
 * model and publishes an {@link Insight} ({@link Topics#INSIGHTS}) for the sink to store.
 *
 * <p>Requests of one poll whose prompts have the same cache key (the same fingerprints) are one
 * batch: the model is asked once and the others reuse the answer. At most {@code concurrency}
 * requests go to the model at once; the model's client retries 429/5xx within its own budget, and a
 * request that still fails gives an insight that records the failure, so nothing is asked for ever.
 * The poll is committed only after its insights are flushed: an agent restarted mid-batch leaves
 * its requests to the next one, and a request explained twice is stored once. Thread-safe: {@link
 * #run()} on one thread.
 */
public final class ExplainAgent extends Agent {
  private static final Logger LOG = LoggerFactory.getLogger(ExplainAgent.class);
  private static final Duration FLUSH = Duration.ofSeconds(30);

  /** A completed analysis as ranking shows it. */
  public record Analysis(String requestId, String title, List<Finding> findings) {
    public Analysis {
      Objects.requireNonNull(requestId, "requestId");
      Objects.requireNonNull(title, "title");
      findings = List.copyOf(findings);
    }
  }

  /** Where completed analyses are read, ranked: the findings store. */
  @FunctionalInterface
  public interface Analyses {
    Optional<Analysis> load(String requestId);
  }

  private final LanguageModel model;
  private final ExplanationStore store;
  private final Analyses analyses;
  private final ExplainOptions options;
  private final Clock clock;
  private final Semaphore slots;

  /**
   * @param store read for cached explanations and for requests already explained; the sink writes
   * @param concurrency how many requests go to the model at once
   * @param maxPoll how many completed requests one poll takes
   */
  public ExplainAgent(
      Broker broker,
      MessageCodec codec,
      AgentMetrics metrics,
      LanguageModel model,
      ExplanationStore store,
      Analyses analyses,
      ExplainOptions options,
      int concurrency,
      int maxPoll,
      Clock clock) {
    super(broker, codec, metrics, Topics.COMPLETED, Topics.EXPLAIN_GROUP, maxPoll);
    if (concurrency < 1 || concurrency > 64) {
      throw new IllegalArgumentException("concurrency must be from 1 to 64, was " + concurrency);
    }
    this.model = model;
    this.store = store;
    this.analyses = analyses;
    this.options = options;
    this.clock = clock;
    this.slots = new Semaphore(concurrency);
  }

  @Override
  public String name() {
    return "explain";
  }

  @Override
  protected boolean process(List<Message> messages) {
    Set<String> ids = new LinkedHashSet<>();
    for (Message m : messages) {
      Optional<PipelineMessage> decoded = decode(m);
      if (decoded.isEmpty()) {
        continue;
      }
      switch (decoded.get()) {
        case RequestCompleted c -> ids.add(c.requestId());
        case PipelineMessage.AnalysisRequest _,
            PipelineMessage.LogChunk _,
            PipelineMessage.BaselinePart _,
            PipelineMessage.FindingMessage _,
            PipelineMessage.Progress _,
            Insight _ ->
            deadLetter(m, "expected a completed request on " + Topics.COMPLETED);
      }
    }
    // One batch per cache key: the same failure in several builds is one request to the model.
    Map<String, List<Analysis>> batches = new LinkedHashMap<>();
    for (String id : ids) {
      if (store.explanationOf(id).isPresent()) {
        continue; // explained already (a completion announced twice)
      }
      Optional<Analysis> a = analyses.load(id);
      if (a.isEmpty() || a.get().findings().isEmpty()) {
        continue;
      }
      Prompt p = PromptBuilder.build(a.get().title(), a.get().findings(), options);
      batches
          .computeIfAbsent(Explainer.cacheKey(model.model(), p), k -> new ArrayList<>())
          .add(a.get());
    }
    List<Future<List<Insight>>> running = new ArrayList<>();
    List<Insight> insights = new ArrayList<>();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (List<Analysis> batch : batches.values()) {
        running.add(pool.submit(() -> bounded(batch)));
      }
      for (Future<List<Insight>> f : running) {
        try {
          insights.addAll(f.get());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        } catch (ExecutionException e) {
          // A bug, not the model: leave the poll uncommitted rather than lose the requests.
          throw new DestillException.Retriable(
              "explaining failed: "
                  + Objects.toString(e.getCause().getMessage(), e.getCause().toString()),
              e.getCause());
        }
      }
    }
    if (stopping()) {
      // Stopped while the model was asked: hand the poll back uncommitted, to be explained again.
      LOG.info("explain agent: stopping; {} completed requests handed back", ids.size());
      return false;
    }
    for (Insight i : insights) {
      broker.publish(Topics.INSIGHTS, i.requestId(), codec.carry(i));
    }
    broker.flush(FLUSH);
    metrics.messagesOut(Topics.INSIGHTS, insights.size());
    return true;
  }

  private List<Insight> bounded(List<Analysis> batch) throws InterruptedException {
    slots.acquire();
    try {
      return explain(batch);
    } finally {
      slots.release();
    }
  }

  /** Asks once for the first request of a batch; the others reuse its explanation. */
  private List<Insight> explain(List<Analysis> batch) {
    Analysis first = batch.get(0);
    CapturingStore capture = new CapturingStore(store);
    ExplainOutcome outcome =
        new Explainer(model, capture, clock)
            .explain(
                first.requestId(),
                first.title(),
                first.findings(),
                options,
                Explainer.Mode.NORMAL,
                t -> {});
    List<Insight> out = new ArrayList<>();
    String key =
        switch (outcome) {
          case ExplainOutcome.Explained e -> Explainer.cacheKey(model.model(), e.prompt());
          case ExplainOutcome.Failed f -> Explainer.cacheKey(model.model(), f.prompt());
          case ExplainOutcome.DryRun d -> Explainer.cacheKey(model.model(), d.prompt());
          case ExplainOutcome.NothingToExplain n -> "";
        };
    if (outcome instanceof ExplainOutcome.Failed f) {
      LOG.warn("explain agent: {}: {}", first.requestId(), f.reason());
      metrics.error("model");
    }
    out.add(new Insight(first.requestId(), key, capture.explanation, capture.sent));
    Optional<Explanation> made = capture.explanation;
    for (Analysis other : batch.subList(1, batch.size())) {
      out.add(
          new Insight(
              other.requestId(),
              key,
              made.map(e -> e.cachedFrom().isPresent() ? e : e.reusedFrom(first.requestId())),
              Optional.empty()));
    }
    return out;
  }
}
