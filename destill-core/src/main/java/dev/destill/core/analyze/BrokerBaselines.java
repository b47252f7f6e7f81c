package dev.destill.core.analyze;

import dev.destill.core.analyze.internal.BaselineCache;
import dev.destill.core.analyze.internal.BaselineParts;
import dev.destill.core.broker.Broker;
import dev.destill.core.broker.Message;
import dev.destill.core.broker.Subscription;
import dev.destill.core.engine.LineTemplates;
import dev.destill.core.model.JobInfo;
import dev.destill.core.pipeline.MessageCodec;
import dev.destill.core.pipeline.PipelineMessage;
import dev.destill.core.pipeline.PipelineMessage.BaselinePart;
import dev.destill.core.pipeline.PoisonMessageException;
import dev.destill.core.pipeline.Topics;
import dev.destill.core.store.Baselines;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The baselines ingest agents publish on {@link Topics#BASELINES}, as the analyze agents of one
 * process see them: {@link #run} reads the whole topic in a consumer group of this process's own
 * (so every process sees every set, from the oldest the topic keeps: an agent started after a set
 * was published still finds it), puts each set back together from its parts and keeps it in a cache
 * bounded by bytes, least recently used out, until its request completes ({@link Topics#COMPLETED},
 * read in a group of its own too). A chunk that names its job's template set waits for it up to
 * {@link Settings#await}, then is analyzed without it, saying so. Thread-safe: one thread runs the
 * reader, any number look sets up.
 */
public final class BrokerBaselines implements Baselines, Runnable, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BrokerBaselines.class);
  private static final Duration POLL = Duration.ofMillis(200);

  /** How long the reader waits before it polls again after the broker failed it. */
  private static final Duration AGAIN = Duration.ofSeconds(1);

  /** Sets a chunk gave up on that are remembered, so the job's later chunks do not wait again. */
  private static final int MISSED = 10_000;

  /**
   * @param await how long a chunk waits for the template set it names
   * @param maxBytes what the sets kept and those being assembled may hold, each (a set holds at
   *     most {@link LineTemplates#MAX_BYTES})
   * @param keep how long a set is kept after it arrived (a request's chunks come within it)
   */
  public record Settings(Duration await, long maxBytes, Duration keep) {
    /**
     * 20 s of waiting (a set goes out before its job's chunks, so it is normally there already; a
     * poll of 4 chunks of jobs whose sets are lost still ends well within Kafka's 120 s between
     * polls, and each job waits once per process), 128 MB, an hour.
     */
    public static final Settings DEFAULT =
        new Settings(Duration.ofSeconds(20), 128L << 20, Duration.ofHours(1));

    public Settings {
      Objects.requireNonNull(await, "await");
      Objects.requireNonNull(keep, "keep");
      if (await.isNegative() || keep.isNegative() || keep.isZero()) {
        throw new IllegalArgumentException("invalid baseline settings");
      }
      if (maxBytes < BaselinePart.MAX_BYTES) {
        throw new IllegalArgumentException("maxBytes must hold at least one part");
      }
    }
  }

  private final Broker broker;
  private final MessageCodec codec;
  private final String group;
  private final Settings settings;
  private final Clock clock;
  private final BaselineCache cache;
  private final BaselineParts parts;
  private final CountDownLatch subscribed = new CountDownLatch(1);
  private final CountDownLatch closed = new CountDownLatch(1);
  // Guarded by this. Oldest first.
  private final java.util.Set<String> missed =
      java.util.Collections.newSetFromMap(
          new java.util.LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(java.util.Map.Entry<String, Boolean> eldest) {
              return size() > MISSED;
            }
          });
  private volatile boolean stopped;
  private volatile boolean reading;

  /**
   * @param group this process's own consumer group on the baselines topic (a unique name)
   * @param clock when sets arrive and age out, and how long a lookup has waited
   */
  public BrokerBaselines(
      Broker broker, MessageCodec codec, String group, Settings settings, Clock clock) {
    this.broker = Objects.requireNonNull(broker, "broker");
    this.codec = Objects.requireNonNull(codec, "codec");
    this.group = Objects.requireNonNull(group, "group");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.cache = new BaselineCache(settings.maxBytes(), settings.keep(), clock);
    this.parts = new BaselineParts(settings.maxBytes(), settings.keep(), clock);
  }

  /**
   * Reads the baselines topic until {@link #close}; a broker that fails it (unreachable) is tried
   * again every second, and lookups meanwhile wait or give up as their chunks' do.
   */
  @Override
  public void run() {
    try (Subscription sub = broker.subscribe(Topics.BASELINES, group);
        // A group of its own too: one consumer group per topic, so neither rebalances the other.
        Subscription done = broker.subscribe(Topics.COMPLETED, group + "-completed")) {
      subscribed.countDown();
      reading = true;
      boolean failing = false;
      while (!stopped) {
        try {
          for (Message m : sub.poll(POLL)) {
            take(m);
          }
          sub.commit();
          for (Message m : done.poll(Duration.ZERO)) {
            completed(m);
          }
          done.commit();
          failing = false;
        } catch (dev.destill.core.DestillException.Retriable e) {
          if (!failing) {
            LOG.warn("baselines: the broker failed the reader ({}); trying again", e.getMessage());
          }
          failing = true;
          closed.await(AGAIN.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      if (!stopped) {
        LOG.error("baselines: the reader stopped: {}", e.getMessage());
        throw e;
      }
    } finally {
      reading = false;
      subscribed.countDown();
    }
  }

  /** Whether the reader is reading the topic: for a readiness check. */
  public boolean reading() {
    return reading;
  }

  /** Whether the reader has joined the topic, waiting up to {@code timeout}. */
  public boolean awaitSubscribed(Duration timeout) throws InterruptedException {
    return subscribed.await(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  private void take(Message m) {
    PipelineMessage message;
    try {
      message = codec.read(m);
    } catch (PoisonMessageException e) {
      LOG.warn("baselines: skipped a record that is not a baseline part: {}", e.getMessage());
      return;
    }
    if (!(message instanceof BaselinePart part)) {
      LOG.warn("baselines: skipped a {} on {}", message.getClass().getSimpleName(), m.topic());
      return;
    }
    synchronized (this) {
      Optional<byte[]> whole = parts.add(part);
      if (whole.isEmpty()) {
        return;
      }
      try {
        cache.put(
            BaselineParts.key(part.requestId(), part.set()), LineTemplates.fromBytes(whole.get()));
      } catch (IllegalArgumentException e) {
        LOG.warn(
            "baselines: set {} of {} is not a template set; skipped", part.set(), part.requestId());
        return;
      }
      notifyAll();
    }
  }

  /** A completed request's sets are dropped: its chunks are all analyzed. */
  private void completed(Message m) {
    PipelineMessage message;
    try {
      message = codec.read(m);
    } catch (PoisonMessageException e) {
      return; // the explain agent reads this topic too, and sets such records aside
    }
    if (message instanceof PipelineMessage.RequestCompleted c) {
      synchronized (this) {
        cache.removeRequest(c.requestId());
      }
    }
  }

  @Override
  public Lookup templates(String requestId, JobInfo job, Optional<String> set) {
    if (set.isEmpty() || !job.failed()) {
      return Lookup.ABSENT;
    }
    String key = BaselineParts.key(requestId, set.get());
    Instant deadline = clock.instant().plus(settings.await());
    synchronized (this) {
      while (true) {
        Optional<LineTemplates> t = cache.get(key);
        if (t.isPresent()) {
          return new Lookup.Found(t.get());
        }
        long left = Duration.between(clock.instant(), deadline).toMillis();
        if (left <= 0 || stopped || missed.contains(key)) {
          missed.add(key);
          return new Lookup.Unavailable(
              job.name()
                  + ": its baseline did not arrive within "
                  + (settings.await().toMillis() < 1000
                      ? settings.await().toMillis() + " ms"
                      : settings.await().toSeconds() + " s")
                  + " on "
                  + Topics.BASELINES
                  + "; it was analyzed without one");
        }
        try {
          wait(left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return new Lookup.Unavailable(job.name() + ": interrupted waiting for its baseline");
        }
      }
    }
  }

  /** Bytes of the sets kept, and of those being assembled. */
  public synchronized long bytes() {
    return cache.bytes() + parts.pendingBytes();
  }

  /** Stops the reader; lookups waiting give up. */
  @Override
  public void close() {
    stopped = true;
    closed.countDown();
    synchronized (this) {
      notifyAll();
    }
  }
}
