package dev.destill.core.insight;

import dev.destill.core.broker.Broker;
import dev.destill.core.broker.Message;
import dev.destill.core.explain.ExplanationStore;
import dev.destill.core.pipeline.Agent;
import dev.destill.core.pipeline.AgentMetrics;
import dev.destill.core.pipeline.MessageCodec;
import dev.destill.core.pipeline.PipelineMessage;
import dev.destill.core.pipeline.PipelineMessage.Insight;
import dev.destill.core.pipeline.Topics;
import java.util.List;
import java.util.Optional;

/**
 * Stores the explain agent's insights ({@link Topics#INSIGHTS}) in the explanation store: the cache
 * entry of a fresh explanation, each request's explanation, and the record of the request sent.
 * Every write is idempotent, so an insight delivered twice is stored once; the poll is committed
 * after its writes. Thread-safe: {@link #run()} on one thread.
 */
public final class InsightSink extends Agent {
  private final ExplanationStore store;

  public InsightSink(
      Broker broker,
      MessageCodec codec,
      AgentMetrics metrics,
      ExplanationStore store,
      int maxPoll) {
    super(broker, codec, metrics, Topics.INSIGHTS, Topics.INSIGHT_SINK_GROUP, maxPoll);
    this.store = store;
  }

  @Override
  public String name() {
    return "insight-sink";
  }

  @Override
  protected boolean process(List<Message> messages) {
    for (Message m : messages) {
      Optional<PipelineMessage> decoded = decode(m);
      if (decoded.isEmpty()) {
        continue;
      }
      switch (decoded.get()) {
        case Insight i -> store(i);
        case PipelineMessage.AnalysisRequest _,
            PipelineMessage.LogChunk _,
            PipelineMessage.BaselinePart _,
            PipelineMessage.FindingMessage _,
            PipelineMessage.Progress _,
            PipelineMessage.RequestCompleted _ ->
            deadLetter(m, "expected an insight on " + Topics.INSIGHTS);
      }
    }
    return true;
  }

  private void store(Insight i) {
    i.sent().ifPresent(store::record);
    i.explanation()
        .ifPresent(
            e -> {
              if (e.cachedFrom().isEmpty() && !i.cacheKey().isEmpty()) {
                store.save(i.cacheKey(), i.requestId(), e);
              }
              store.attach(i.requestId(), e);
            });
  }
}
