package dev.destill.core.pipeline;

import dev.destill.core.ErrorPolicy;
import dev.destill.core.broker.Broker;
import dev.destill.core.broker.Message;
import dev.destill.core.broker.Subscription;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loop every agent runs: poll a topic in a consumer group, process what arrived, commit. What
 * to do about a failure is {@link ErrorPolicy}'s decision: a message that can never be processed,
 * or whose processing still throws after its attempts, goes to the dead-letter topic with the
 * reason; a transient failure (the broker or the store away) drops the subscription uncommitted, so
 * that what was polled is delivered again, and is retried with backoff within the policy's budget;
 * a fatal failure, or a transient one that outlasts the budget, ends the loop with a {@link
 * #failure()}. {@link #stop()} ends the loop after the message in hand: what was finished of the
 * poll is committed, the rest goes to another consumer of the group. Thread-safe: {@link #run()} on
 * one thread, {@link #stop()} and the queries from any.
 */
public abstract class Agent implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(Agent.class);
  private static final Duration POLL = Duration.ofMillis(200);

  /** A loop that has not polled for this long is not making progress: {@link #ready()} is false. */
  public static final Duration STALL = Duration.ofSeconds(60);

  protected final Broker broker;
  protected final MessageCodec codec;
  protected final AgentMetrics metrics;
  protected final ErrorPolicy policy;
  private final String topic;
  private final String group;
  private final int maxPoll;
  private volatile boolean stopping;
  // Whether the thread was interrupted while it waited for its work: torn down, not stopped.
  private volatile boolean interrupted;
  private volatile boolean subscribed;
  private volatile boolean retrying;
  private volatile long lastPoll = System.nanoTime();
  private volatile Failure failure;
  private int failures; // consecutive transient failures; the agent's thread only
  // Of the poll in hand; written by the worker while the loop waits for it (a Future orders them).
  private final List<Message> finished = java.util.Collections.synchronizedList(new ArrayList<>());
  private java.util.concurrent.ExecutorService worker; // the agent's thread only
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final CountDownLatch stopRequested = new CountDownLatch(1);

  /** Why an agent's loop ended before it was asked to stop. */
  public record Failure(Kind kind, String reason) {
    /** What kind of failure ended the loop. */
    public enum Kind {
      /**
       * Retrying cannot help: a setting, a credential, a closed broker, a bug outside a message.
       */
      FATAL,
      /** A transient failure lasted longer than the retry budget. */
      GAVE_UP
    }

    public Failure {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(reason, "reason");
    }
  }

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
    this(broker, codec, metrics, topic, group, maxPoll, ErrorPolicy.AGENT);
  }

  /**
   * @param maxPoll how many messages one poll takes at most: 1 for large work items
   * @param policy what is retried, for how long, and what is dead-lettered
   */
  protected Agent(
      Broker broker,
      MessageCodec codec,
      AgentMetrics metrics,
      String topic,
      String group,
      int maxPoll,
      ErrorPolicy policy) {
    this.maxPoll = maxPoll;
    this.broker = broker;
    this.codec = codec;
    this.metrics = metrics;
    this.topic = topic;
    this.group = group;
    this.policy = Objects.requireNonNull(policy, "policy");
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
          subscribed = true;
          loop(sub);
        } catch (RuntimeException e) {
          subscribed = false;
          discard();
          if (stopping) {
            break;
          }
          if (!retry(e)) {
            break;
          }
        }
      }
    } catch (RuntimeException | Error e) {
      fail(new Failure(Failure.Kind.FATAL, ErrorPolicy.describe(e)), e);
      throw e;
    } finally {
      subscribed = false;
      if (worker != null) {
        worker.shutdownNow();
      }
      metrics.lag(topic, OptionalLong.empty()); // no longer read
      stopped.countDown();
    }
  }

  /** Decides about a failure of the loop; false when the loop must end. */
  private boolean retry(RuntimeException e) {
    return failure == null && waitOut(e);
  }

  /**
   * Waits out a transient failure {@code e} as the policy says and returns true, so the caller
   * tries again; returns false, with {@link #failure()} set, when {@code e} is fatal or the
   * consecutive failures used up the budget. Marks the agent not ready while it waits.
   */
  protected final boolean waitOut(RuntimeException e) {
    String reason = ErrorPolicy.describe(e);
    if (policy.classify(e) == ErrorPolicy.Verdict.FATAL) {
      fail(new Failure(Failure.Kind.FATAL, reason), e);
      return false;
    }
    failures++;
    ErrorPolicy.Budget budget = policy.transientBudget();
    if (!budget.allowsAnother(failures)) {
      fail(
          new Failure(
              Failure.Kind.GAVE_UP,
              "gave up after "
                  + failures
                  + " attempts over about "
                  + seconds(budget.total())
                  + ": "
                  + reason),
          e);
      return false;
    }
    metrics.error("retriable");
    Duration backoff = budget.backoff(failures);
    LOG.warn("{} agent: {}; retrying in {} ms", name(), reason, backoff.toMillis());
    retrying = true;
    try {
      pause(backoff);
    } finally {
      retrying = false;
    }
    return true;
  }

  private static String seconds(Duration d) {
    return d.toSeconds() + " s";
  }

  private void fail(Failure f, Throwable cause) {
    failure = f;
    LOG.error("{} agent stopped: {}", name(), f.reason());
    LOG.debug("{} agent stopped", name(), cause);
  }

  private void loop(Subscription sub) {
    while (!stopping) {
      List<Message> messages = sub.poll(POLL);
      lastPoll = System.nanoTime();
      metrics.lag(topic, sub.lag());
      if (messages.isEmpty()) {
        idle(sub);
        continue;
      }
      metrics.messagesIn(topic, messages.size());
      long started = System.nanoTime();
      finished.clear();
      if (offLoop() ? processOffLoop(sub, messages) : process(messages)) {
        commit(sub);
        failures = 0;
        metrics.batch(Duration.ofNanos(System.nanoTime() - started));
      } else if (stopping) {
        handBack(sub, messages);
        break;
      }
      afterPoll(sub);
    }
    beforeClose(sub);
  }

  /**
   * Whether {@link #process} may take longer than the broker waits between polls (Kafka's {@code
   * max.poll.interval.ms}): then it runs on a worker thread while this loop keeps polling the
   * paused subscription, so that the consumer keeps its place in the group.
   */
  protected boolean offLoop() {
    return false;
  }

  /** How long a stopping agent lets work off the loop finish before handing it back. */
  public static final Duration STOP_GRACE = Duration.ofSeconds(20);

  private boolean processOffLoop(Subscription sub, List<Message> messages) {
    if (worker == null) {
      worker =
          java.util.concurrent.Executors.newSingleThreadExecutor(
              r -> {
                Thread t = new Thread(r, "destill-" + name() + "-work");
                t.setDaemon(true);
                return t;
              });
    }
    java.util.concurrent.Future<Boolean> work = worker.submit(() -> process(messages));
    sub.pause();
    long stopDeadline = Long.MAX_VALUE;
    try {
      while (!work.isDone()) {
        if (Thread.currentThread().isInterrupted()) {
          // Interrupted (a local analysis that ended): no grace, the work is dropped at once.
          work.cancel(true);
          stopping = true;
          interrupted = true;
          return false;
        }
        List<Message> none = sub.poll(POLL); // paused: keeps the group membership, brings nothing
        lastPoll = System.nanoTime();
        if (!none.isEmpty()) {
          throw new IllegalStateException("a paused subscription delivered messages");
        }
        if (stopping && stopDeadline == Long.MAX_VALUE) {
          stopDeadline = System.nanoTime() + STOP_GRACE.toNanos();
          LOG.debug(
              "{} agent: stopping; letting the work in hand finish for up to {} s",
              name(),
              STOP_GRACE.toSeconds());
        }
        if (System.nanoTime() > stopDeadline) {
          work.cancel(true);
          LOG.warn(
              "{} agent: stopping; the work in hand did not finish within {} s: handing {}/{}@{}"
                  + " back to group {}, where it starts over",
              name(),
              STOP_GRACE.toSeconds(),
              messages.get(0).topic(),
              messages.get(0).partition(),
              messages.get(0).offset(),
              group);
          return false;
        }
      }
      boolean done = work.get();
      if (stopping && done) {
        // Finished in the grace: committed, not handed back.
        finished.clear();
        finished.addAll(messages);
      }
      return done;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stopping = true;
      interrupted = true;
      work.cancel(true);
      return false;
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(e.getCause());
    } finally {
      sub.resume();
    }
  }

  /** Commits what a stopping agent finished of its poll and says what goes back to the group. */
  private void handBack(Subscription sub, List<Message> messages) {
    if (!finished.isEmpty()) {
      broker.flush(Duration.ofSeconds(30));
      sub.commit(List.copyOf(finished));
    }
    int left = messages.size() - finished.size();
    if (left > 0) {
      Message first = messages.get(finished.size());
      // Interrupted, the agent is being torn down with the pipeline it runs in (local mode, once
      // the request is done): nothing will read what it hands back, so that is no news.
      LOG.atLevel(interrupted ? org.slf4j.event.Level.DEBUG : org.slf4j.event.Level.INFO)
          .log(
              "{} agent: stopping; {} of {} message(s) polled were finished and committed, {}"
                  + " handed back to group {} from {}/{}@{}",
              name(),
              finished.size(),
              messages.size(),
              left,
              group,
              first.topic(),
              first.partition(),
              first.offset());
    }
    finished.clear();
  }

  /** Called after each poll's messages were processed. */
  protected void afterPoll(Subscription sub) {}

  /** Called when the loop ends normally, before the subscription closes. */
  protected void beforeClose(Subscription sub) {}

  /** Called when the subscription was lost: what it delivered comes again to the group. */
  protected void discard() {}

  /** Called when a poll brought nothing; the sink writes a batch that has waited long enough. */
  protected void idle(Subscription sub) {
    // A commit that failed before is made good while nothing else happens.
    sub.commit();
  }

  /** Commits what was polled, after flushing what was published for it. */
  protected final void commit(Subscription sub) {
    broker.flush(Duration.ofSeconds(30));
    sub.commit();
    failures = 0;
  }

  /**
   * Hands each message that is a {@code type} to {@code handler}, in order; the others go to the
   * dead-letter topic. A handler that throws is tried again as {@link ErrorPolicy} says, and then
   * its message is dead-lettered; a transient or fatal failure propagates. Returns false, leaving
   * the rest, as soon as the agent is stopping.
   */
  protected final <T extends PipelineMessage> boolean each(
      List<Message> messages, Class<T> type, String what, java.util.function.Consumer<T> handler) {
    for (Message m : messages) {
      if (stopping) {
        return false;
      }
      Optional<PipelineMessage> decoded = decode(m);
      if (decoded.isPresent() && !type.isInstance(decoded.get())) {
        deadLetter(m, "expected " + what + " on " + m.topic());
      } else if (decoded.isPresent()) {
        handle(m, type.cast(decoded.get()), handler);
      }
      finished.add(m);
    }
    return true;
  }

  private <T extends PipelineMessage> void handle(
      Message m, T message, java.util.function.Consumer<T> handler) {
    for (int attempt = 1; ; attempt++) {
      try {
        handler.accept(message);
        return;
      } catch (RuntimeException | StackOverflowError e) {
        if (policy.classify(e) != ErrorPolicy.Verdict.DEAD_LETTER) {
          throw e;
        }
        String reason = ErrorPolicy.describe(e);
        int attempts = policy.attempts(e);
        if (attempt >= attempts || stopping) {
          LOG.debug(
              "{} agent: processing {}/{}@{} failed",
              name(),
              m.topic(),
              m.partition(),
              m.offset(),
              e);
          String why =
              attempts == 1 ? reason : "processing failed " + attempt + " times: " + reason;
          deadLetter(m, why);
          deadLettered(message, why);
          return;
        }
        metrics.error("processing");
        Duration backoff = policy.transientBudget().backoff(attempt);
        LOG.warn(
            "{} agent: processing {}/{}@{} failed ({}); trying again in {} ms",
            name(),
            m.topic(),
            m.partition(),
            m.offset(),
            reason,
            backoff.toMillis());
        pause(backoff);
      }
    }
  }

  /**
   * Called after a message that was read was set aside, so that its request can still finish (as
   * failed, or with a part missing). Runs on the agent's thread; may publish.
   */
  protected void deadLettered(PipelineMessage message, String reason) {}

  /** Decodes a message, sending it to the dead-letter topic when it cannot be read. */
  protected final Optional<PipelineMessage> decode(Message m) {
    if (m.key().isEmpty()) {
      // Every publisher through the port gives a key; without one a record cannot be routed.
      deadLetter(m, "a record without a key on " + m.topic());
      return Optional.empty();
    }
    try {
      return Optional.of(codec.read(m));
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
    String key = m.key().isEmpty() ? m.topic() + "/" + m.partition() + "@" + m.offset() : m.key();
    broker.publish(Topics.DEAD_LETTER, key, codec.deadLetter(m, reason));
    metrics.messagesOut(Topics.DEAD_LETTER, 1);
  }

  protected final void publish(String topic, String key, PipelineMessage message) {
    broker.publish(topic, key, codec.carry(message));
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

  /**
   * True while the agent can make progress: it holds its subscription, is not waiting out a
   * failure, and has polled within {@link #STALL}. Cheap; safe from any thread.
   */
  public boolean ready() {
    return subscribed
        && !retrying
        && failure == null
        && System.nanoTime() - lastPoll < STALL.toNanos();
  }

  /** Marks the agent as waiting out a failure (not ready) while {@code waiting} is true. */
  protected final void retrying(boolean waiting) {
    retrying = waiting;
  }

  /** Why the loop ended on its own; empty while it runs and after a requested stop. */
  public Optional<Failure> failure() {
    return Optional.ofNullable(failure);
  }

  /** Whether the loop has ended. */
  public boolean hasStopped() {
    return stopped.getCount() == 0;
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
