package dev.destill.app.distributed;

import dev.destill.core.pipeline.AgentMetrics;
import dev.destill.core.pipeline.Topics;
import java.util.concurrent.atomic.AtomicLong;

/** Counts the log chunks an analyze agent took. Thread-safe. */
class CountingMetrics implements AgentMetrics {
  private final AtomicLong chunksIn = new AtomicLong();

  @Override
  public void messagesIn(String topic, int n) {
    if (topic.equals(Topics.LOGS)) {
      chunksIn.addAndGet(n);
    }
  }

  /** How many messages of the logs topic the agent polled. */
  long chunksIn() {
    return chunksIn.get();
  }
}
