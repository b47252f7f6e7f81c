package dev.destill.core.sink;

import dev.destill.core.ErrorPolicy;
import dev.destill.core.broker.Broker;
import dev.destill.core.broker.Message;
import dev.destill.core.broker.Subscription;
import dev.destill.core.model.RequestEvent;
import dev.destill.core.pipeline.Agent;
import dev.destill.core.pipeline.AgentMetrics;
import dev.destill.core.pipeline.MessageCodec;
import dev.destill.core.pipeline.PipelineMessage;
import dev.destill.core.pipeline.PipelineMessage.FindingMessage;
import dev.destill.core.pipeline.PipelineMessage.Progress;
import dev.destill.core.pipeline.Topics;
import dev.destill.core.store.FindingStore;
import dev.destill.core.store.StoreBatch;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes the findings topic and writes what it holds to a {@link FindingStore} in batches: when
 * {@link Settings#maxMessages} messages have gathered or the oldest has waited {@link
 * Settings#maxWait}. Offsets are committed only after the store committed the batch; a store that
 * is away is retried with backoff within the {@link ErrorPolicy}'s budget, holding the batch, so
 * nothing is lost and nothing is written twice (the store is idempotent on finding ids). A batch
 * the store refuses is split to find the messages it refuses, which are dead-lettered. Thread-safe
 * as {@link Agent} is.
 */
public final class SinkAgent extends Agent {
  private static final Logger LOG = LoggerFactory.getLogger(SinkAgent.class);

  /** When a batch is written. */
  public record Settings(int maxMessages, Duration maxWait) {
    public static final Settings DEFAULT = new Settings(100, Duration.ofSeconds(1));

    public Settings {
      if (maxMessages < 1 || maxWait.isNegative()) {
        throw new IllegalArgumentException("invalid sink settings");
      }
    }
  }

  private final FindingStore store;
  private final Settings settings;
  private final Clock clock;
  private final Consumer<StoreBatch> applied;
  private final List<Held> held = new ArrayList<>();
  private int polled;

  /** When the oldest message held arrived; empty while none is held. */
  private Optional<Instant> oldest = Optional.empty();

  /** A message read and waiting to be stored, with what it holds. */
  private record Held(Message message, PipelineMessage decoded) {}

  /**
   * @param applied told of every batch once it is stored, for a local display
   */
  public SinkAgent(
      Broker broker,
      MessageCodec codec,
      AgentMetrics metrics,
      FindingStore store,
      Settings settings,
      Clock clock,
      Consumer<StoreBatch> applied) {
    this(broker, codec, metrics, store, settings, clock, applied, ErrorPolicy.AGENT);
  }

  /**
   * @param applied told of every batch once it is stored, for a local display
   * @param policy how long a store that is away is waited for
   */
  public SinkAgent(
      Broker broker,
      MessageCodec codec,
      AgentMetrics metrics,
      FindingStore store,
      Settings settings,
      Clock clock,
      Consumer<StoreBatch> applied,
      ErrorPolicy policy) {
    super(
        broker, codec, metrics, Topics.FINDINGS, Topics.SINK_GROUP, settings.maxMessages(), policy);
    this.store = store;
    this.settings = settings;
    this.clock = clock;
    this.applied = applied;
  }

  @Override
  public String name() {
    return "sink";
  }

  @Override
  protected boolean process(List<Message> messages) {
    // Never committed by the loop itself: write() commits, once the store has the batch.
    for (Message m : messages) {
      Optional<PipelineMessage> decoded = decode(m);
      if (decoded.isEmpty()) {
        continue;
      }
      switch (decoded.get()) {
        case FindingMessage f -> held.add(new Held(m, f));
        case Progress p -> held.add(new Held(m, p));
        case PipelineMessage.AnalysisRequest _,
            PipelineMessage.LogChunk _,
            PipelineMessage.BaselinePart _,
            PipelineMessage.RequestCompleted _,
            PipelineMessage.Insight _ ->
            deadLetter(m, "expected a finding or a progress event on " + Topics.FINDINGS);
      }
    }
    if (polled == 0) {
      oldest = Optional.of(clock.instant());
    }
    polled += messages.size();
    return false;
  }

  @Override
  protected void idle(Subscription sub) {
    flushIfDue(sub);
  }

  @Override
  protected void afterPoll(Subscription sub) {
    flushIfDue(sub);
  }

  private void flushIfDue(Subscription sub) {
    if (polled == 0) {
      sub.commit(); // makes good a commit that failed before, if any
      return;
    }
    boolean full = polled >= settings.maxMessages();
    boolean old =
        oldest.map(o -> !clock.instant().isBefore(o.plus(settings.maxWait()))).orElse(false);
    if (full || old || stopping()) {
      write(sub);
    }
  }

  private void write(Subscription sub) {
    long started = System.nanoTime();
    List<StoreBatch> stored = new ArrayList<>();
    store(List.copyOf(held), stored);
    commit(sub);
    metrics.batch(Duration.ofNanos(System.nanoTime() - started));
    clear();
    stored.forEach(applied);
  }

  /**
   * Stores {@code entries} in one transaction, waiting out a store that is away. When the store
   * refuses the batch itself (not a lost connection), it is split in halves, in order, until the
   * messages it refuses are found; those go to the dead-letter topic and the rest is stored, so
   * that one bad build never stops the others.
   */
  private void store(List<Held> entries, List<StoreBatch> stored) {
    StoreBatch batch = batch(entries);
    while (true) {
      try {
        store.apply(batch);
        stored.add(batch);
        return;
      } catch (RuntimeException e) {
        ErrorPolicy.Verdict verdict = policy.classify(e);
        if (verdict == ErrorPolicy.Verdict.DEAD_LETTER) {
          if (entries.size() == 1) {
            deadLetter(
                entries.get(0).message(), "the store refused it: " + ErrorPolicy.describe(e));
          } else {
            int half = entries.size() / 2;
            store(entries.subList(0, half), stored);
            store(entries.subList(half, entries.size()), stored);
          }
          return;
        }
        if (stopping()) {
          // Not committed: the next sink of the group gets these messages again.
          LOG.warn(
              "sink agent: stopping with {} messages unwritten, handed back to the group: {}",
              polled,
              ErrorPolicy.describe(e));
          clear();
          throw e;
        }
        metrics.error("store");
        if (!waitOut(e)) {
          clear();
          throw e;
        }
      }
    }
  }

  private static StoreBatch batch(List<Held> entries) {
    List<StoreBatch.RequestFinding> findings = new ArrayList<>();
    List<RequestEvent> events = new ArrayList<>();
    for (Held h : entries) {
      switch (h.decoded()) {
        case FindingMessage f ->
            findings.add(new StoreBatch.RequestFinding(f.requestId(), f.finding()));
        case Progress p -> events.add(p.event());
        case PipelineMessage.AnalysisRequest _,
            PipelineMessage.LogChunk _,
            PipelineMessage.BaselinePart _,
            PipelineMessage.RequestCompleted _,
            PipelineMessage.Insight _ -> {
          // Not held: process() set such messages aside.
        }
      }
    }
    return new StoreBatch(findings, events);
  }

  @Override
  protected void discard() {
    clear();
  }

  private void clear() {
    held.clear();
    polled = 0;
    oldest = Optional.empty();
  }

  @Override
  protected void beforeClose(Subscription sub) {
    // Stopping: what is held is written and committed, unless the store is away.
    if (polled > 0) {
      write(sub);
    }
  }
}
