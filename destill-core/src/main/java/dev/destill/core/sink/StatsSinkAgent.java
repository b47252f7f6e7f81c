package dev.destill.core.sink;

import dev.destill.core.broker.Broker;
import dev.destill.core.broker.Message;
import dev.destill.core.pipeline.Agent;
import dev.destill.core.pipeline.AgentMetrics;
import dev.destill.core.pipeline.MessageCodec;
import dev.destill.core.pipeline.PoisonMessageException;
import dev.destill.core.pipeline.StatsCodec;
import dev.destill.core.pipeline.Topics;
import dev.destill.core.stats.StatsSink;
import java.util.List;

/**
 * Consumes {@link Topics#STATS} and adds the counts to a {@link StatsSink} (PostgreSQL in
 * distributed mode), committing a poll once the sink has flushed it. Delivery is at least once: a
 * poll replayed after a crash between the flush and the commit is counted twice. A message that is
 * not a batch of counts goes to the dead-letter topic. Thread-safe as {@link Agent} is.
 */
public final class StatsSinkAgent extends Agent {
  private final StatsCodec stats;
  private final StatsSink sink;

  public StatsSinkAgent(
      Broker broker, MessageCodec codec, AgentMetrics metrics, StatsCodec stats, StatsSink sink) {
    super(broker, codec, metrics, Topics.STATS, Topics.STATS_GROUP, Broker.DEFAULT_MAX_POLL);
    this.stats = stats;
    this.sink = sink;
  }

  @Override
  public String name() {
    return "stats-sink";
  }

  @Override
  protected boolean process(List<Message> messages) {
    for (Message m : messages) {
      try {
        sink.add(stats.decode(m.value()));
      } catch (PoisonMessageException e) {
        deadLetter(m, e.getMessage());
      }
    }
    sink.flush();
    return true;
  }
}
