package dev.destill.core.sink;

import dev.destill.core.DestillException;
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
 * is away is retried with backoff, holding the batch, so nothing is lost and nothing is written
 * twice (the store is idempotent on finding ids). Thread-safe as {@link Agent} is.
 */
public final class SinkAgent extends Agent {
  private static final Logger LOG = LoggerFactory.getLogger(SinkAgent.class);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);

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
  private final List<StoreBatch.RequestFinding> findings = new ArrayList<>();
  private final List<RequestEvent> events = new ArrayList<>();
  private int held;

  /** When the oldest message held arrived; empty while none is held. */
  private Optional<Instant> oldest = Optional.empty();

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
    super(broker, codec, metrics, Topics.FINDINGS, Topics.SINK_GROUP, settings.maxMessages());
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
        case FindingMessage f ->
            findings.add(new StoreBatch.RequestFinding(f.requestId(), f.finding()));
        case Progress p -> events.add(p.event());
        case PipelineMessage.AnalysisRequest _,
            PipelineMessage.LogChunk _,
            PipelineMessage.RequestCompleted _,
            PipelineMessage.Insight _ ->
            deadLetter(m, "expected a finding or a progress event on " + Topics.FINDINGS);
      }
    }
    if (held == 0) {
      oldest = Optional.of(clock.instant());
    }
    held += messages.size();
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
    if (held == 0) {
      return;
    }
    boolean full = held >= settings.maxMessages();
    boolean old =
        oldest.map(o -> !clock.instant().isBefore(o.plus(settings.maxWait()))).orElse(false);
    if (full || old || stopping()) {
      write(sub);
    }
  }

  private void write(Subscription sub) {
    StoreBatch batch = new StoreBatch(findings, events);
    long started = System.nanoTime();
    Duration backoff = Duration.ofMillis(200);
    while (true) {
      try {
        store.apply(batch);
        break;
      } catch (DestillException e) {
        if (stopping()) {
          // Not committed: the next sink of the group gets these messages again.
          LOG.warn("sink agent: stopping with {} messages unwritten: {}", held, e.getMessage());
          clear();
          throw e;
        }
        metrics.error("store");
        LOG.warn("sink agent: {}; retrying in {} ms", e.getMessage(), backoff.toMillis());
        pause(backoff);
        backoff = min(backoff.multipliedBy(2), MAX_BACKOFF);
      }
    }
    commit(sub);
    metrics.batch(Duration.ofNanos(System.nanoTime() - started));
    clear();
    applied.accept(batch);
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  @Override
  protected void discard() {
    clear();
  }

  private void clear() {
    findings.clear();
    events.clear();
    held = 0;
    oldest = Optional.empty();
  }

  @Override
  protected void beforeClose(Subscription sub) {
    // Stopping: what is held is written and committed, unless the store is away.
    if (held > 0) {
      write(sub);
    }
  }
}
