package dev.destill.core.pipeline;

import dev.destill.core.DestillException;
import dev.destill.core.broker.Broker;
import dev.destill.core.broker.Message;
import dev.destill.core.broker.Subscription;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loop every agent runs: poll a topic in a consumer group, process what arrived, commit. A
 * message that can never be processed goes to the dead-letter topic with the reason; a transient
 * failure (the broker or the store away) drops the subscription uncommitted, so that what was
 * polled is delivered again, and the loop carries on. {@link #stop()} ends the loop after the
 * message in hand; what was polled but not finished is not committed and goes to another consumer
 * of the group. Thread-safe: {@link #run()} on one thread, {@link #stop()} from any.
 */
public abstract class Agent implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(Agent.class);
  private static final Duration POLL = Duration.ofMillis(200);

  protected final Broker broker;
  protected final MessageCodec codec;
  protected final AgentMetrics metrics;
  private final String topic;
  private final String group;
  private final int maxPoll;
  private volatile boolean stopping;
  private volatile boolean ready;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final CountDownLatch stopRequested = new CountDownLatch(1);

  /**
   * @param maxPoll how many messages one poll takes at most: 1 for large work items
   */
  protected Agent(
      Broker broker,
      MessageCodec codec,
      AgentMetrics metrics,
      String topic,
      String group,
      int maxPoll) {
    this.maxPoll = maxPoll;
    this.broker = broker;
    this.codec = codec;
    this.metrics = metrics;
    this.topic = topic;
    this.group = group;
  }

  /** A short name: {@code ingest}, {@code analyze} or {@code sink}. */
  public abstract String name();

  /**
   * Processes the messages of one poll and returns true when they may be committed now. An agent
   * checks {@link #stopping()} between long pieces of work and returns false to leave the poll
   * uncommitted; the sink returns false to commit later, once its batch is stored.
   */
  protected abstract boolean process(List<Message> messages);

  @Override
  public final void run() {
    try {
      while (!stopping) {
        try (Subscription sub = broker.subscribe(topic, group, maxPoll)) {
          ready = true;
          loop(sub);
        } catch (DestillException e) {
          ready = false;
          discard();
          if (stopping) {
            break;
          }
          if (!(e instanceof DestillException.Retriable)) {
            // Not transient (the broker was closed): retrying cannot help.
            LOG.error("{} agent stopped: {}", name(), e.getMessage());
            break;
          }
          metrics.error("retriable");
          LOG.warn("{} agent: {}; retrying", name(), e.getMessage());
          pause(Duration.ofSeconds(1));
        }
      }
    } finally {
      ready = false;
      stopped.countDown();
    }
  }

  private void loop(Subscription sub) {
    while (!stopping) {
      List<Message> messages = sub.poll(POLL);
      metrics.lag(topic, sub.lag());
      if (messages.isEmpty()) {
        idle(sub);
        continue;
      }
      metrics.messagesIn(topic, messages.size());
      long started = System.nanoTime();
      if (process(messages)) {
        commit(sub);
        metrics.batch(Duration.ofNanos(System.nanoTime() - started));
      } else if (stopping) {
        break; // what this poll brought is left uncommitted, for another consumer
      }
      afterPoll(sub);
    }
    beforeClose(sub);
  }

  /** Called after each poll's messages were processed. */
  protected void afterPoll(Subscription sub) {}

  /** Called when the loop ends normally, before the subscription closes. */
  protected void beforeClose(Subscription sub) {}

  /** Called when the subscription was lost: what it delivered comes again to the group. */
  protected void discard() {}

  /** Called when a poll brought nothing; the sink writes a batch that has waited long enough. */
  protected void idle(Subscription sub) {}

  /** Commits what was polled, after flushing what was published for it. */
  protected final void commit(Subscription sub) {
    broker.flush(Duration.ofSeconds(30));
    sub.commit();
  }

  /**
   * Hands each message that is a {@code type} to {@code handler}, in order; the others go to the
   * dead-letter topic. Returns false, leaving the rest, as soon as the agent is stopping.
   */
  protected final <T extends PipelineMessage> boolean each(
      List<Message> messages, Class<T> type, String what, java.util.function.Consumer<T> handler) {
    for (Message m : messages) {
      if (stopping) {
        return false;
      }
      Optional<PipelineMessage> decoded = decode(m);
      if (decoded.isEmpty()) {
        continue;
      }
      if (!type.isInstance(decoded.get())) {
        deadLetter(m, "expected " + what + " on " + m.topic());
        continue;
      }
      handler.accept(type.cast(decoded.get()));
    }
    return true;
  }

  /** Decodes a message, sending it to the dead-letter topic when it cannot be read. */
  protected final Optional<PipelineMessage> decode(Message m) {
    try {
      return Optional.of(codec.decode(m.value()));
    } catch (PoisonMessageException e) {
      deadLetter(m, e.getMessage());
      return Optional.empty();
    }
  }

  /** Sets a message aside on the dead-letter topic, with the reason. */
  protected final void deadLetter(Message m, String reason) {
    LOG.warn(
        "{} agent: message {}/{}@{} set aside on {}: {}",
        name(),
        m.topic(),
        m.partition(),
        m.offset(),
        Topics.DEAD_LETTER,
        reason);
    metrics.error("poison");
    broker.publish(Topics.DEAD_LETTER, m.key(), codec.deadLetter(m, reason));
    metrics.messagesOut(Topics.DEAD_LETTER, 1);
  }

  protected final void publish(String topic, String key, PipelineMessage message) {
    broker.publish(topic, key, codec.encode(message));
    metrics.messagesOut(topic, 1);
  }

  /** Asks the loop to end; returns at once. */
  public void stop() {
    stopping = true;
    stopRequested.countDown();
  }

  protected final boolean stopping() {
    return stopping;
  }

  /** True while the agent holds its subscription and polls. */
  public boolean ready() {
    return ready;
  }

  /** Waits until the loop ended; false on timeout. */
  public boolean awaitStopped(Duration timeout) throws InterruptedException {
    return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Waits without spinning; an interrupt ends the agent. */
  protected final void pause(Duration d) {
    try {
      stopRequested.await(d.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stopping = true;
    }
  }
}
