package dev.destill.live;

import dev.destill.core.stats.StatsSink;
import dev.destill.core.store.FindingStore;
import dev.destill.live.record.LiveRecord;
import dev.destill.live.stats.LineCounter;
import dev.destill.live.window.StreamWindows;
import dev.destill.live.window.Trigger;
import dev.destill.live.window.Window;
import dev.destill.live.window.WindowAnalysis;
import dev.destill.live.window.WindowAnalyzer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where every live source hands its records: a bounded queue in front of {@link
 * LiveSettings#workers} threads. Each worker owns the streams that hash to it: it counts every line
 * into the {@link StatsSink}, cuts windows ({@link StreamWindows}), analyzes each closed window
 * with the engine ({@link WindowAnalyzer}) and stores it in the {@link FindingStore}. A batch is
 * taken whole or not at all: when the queue has no room for it the sender hears {@link
 * Admission.Full} and retries. Thread-safe.
 */
public final class LiveIngest implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LiveIngest.class);

  /** How long a worker waits for records before it looks at the clock (quiet windows, flushes). */
  private static final Duration TICK = Duration.ofMillis(200);

  /** Streams unseen this long, with no open window, are forgotten. */
  private static final Duration IDLE = Duration.ofMinutes(30);

  /** Distinct counts a worker holds before it flushes early. */
  private static final int MAX_COUNT_KEYS = 50_000;

  private final LiveSettings settings;
  private final FindingStore store;
  private final StatsSink stats;
  private final Clock clock;
  private final Trigger trigger;
  private final WindowAnalyzer analyzer;
  private final Consumer<WindowAnalysis> listener;
  private final Semaphore room;
  private final Worker[] workers;
  private final AtomicLong accepted = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();
  private final AtomicLong processed = new AtomicLong();
  private final AtomicLong analyses = new AtomicLong();
  private final AtomicLong storeFailures = new AtomicLong();
  private final AtomicLong serial = new AtomicLong();
  private volatile boolean stopping;

  /**
   * @param store where analyses of windows go; not closed by this
   * @param stats where line counts go; flushed, not closed, by {@link #close}
   * @param listener told of each stored analysis, on a worker thread (the server's live views)
   */
  public LiveIngest(
      LiveSettings settings,
      FindingStore store,
      StatsSink stats,
      Clock clock,
      Trigger trigger,
      WindowAnalyzer analyzer,
      Consumer<WindowAnalysis> listener) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.store = Objects.requireNonNull(store, "store");
    this.stats = Objects.requireNonNull(stats, "stats");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.trigger = Objects.requireNonNull(trigger, "trigger");
    this.analyzer = Objects.requireNonNull(analyzer, "analyzer");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.room = new Semaphore(settings.queueRecords());
    this.workers = new Worker[settings.workers()];
    for (int i = 0; i < workers.length; i++) {
      workers[i] = new Worker(i);
    }
    for (Worker w : workers) {
      w.thread.start();
    }
  }

  /** With the built-in rules and no listener. */
  public LiveIngest(LiveSettings settings, FindingStore store, StatsSink stats, Clock clock) {
    this(settings, store, stats, clock, Trigger.standard(), WindowAnalyzer.standard(), a -> {});
  }

  /**
   * Queues a batch, whole or not at all. A batch larger than the whole queue is taken when the
   * queue is empty, so that no batch waits forever.
   */
  public Admission offer(List<LiveRecord> records) {
    if (stopping) {
      return new Admission.Stopping();
    }
    int n = records.size();
    if (n == 0) {
      return new Admission.Accepted(0);
    }
    int permits = Math.min(n, settings.queueRecords());
    if (!room.tryAcquire(permits)) {
      refused.addAndGet(n);
      return new Admission.Full(settings.retryAfter());
    }
    accepted.addAndGet(n);
    if (workers.length == 1) {
      workers[0].queue.add(new Batch(List.copyOf(records), permits));
      return new Admission.Accepted(n);
    }
    List<List<LiveRecord>> parts = new ArrayList<>(workers.length);
    for (int i = 0; i < workers.length; i++) {
      parts.add(new ArrayList<>());
    }
    for (LiveRecord r : records) {
      parts.get(Math.floorMod(r.stream().hashCode(), workers.length)).add(r);
    }
    // The permits go back with the parts, in proportion; the last part takes the rest.
    int left = permits;
    int lastPart = -1;
    for (int i = 0; i < workers.length; i++) {
      if (!parts.get(i).isEmpty()) {
        lastPart = i;
      }
    }
    for (int i = 0; i < workers.length; i++) {
      List<LiveRecord> part = parts.get(i);
      if (part.isEmpty()) {
        continue;
      }
      int p = i == lastPart ? left : (int) ((long) permits * part.size() / n);
      left -= p;
      workers[i].queue.add(new Batch(part, p));
    }
    return new Admission.Accepted(n);
  }

  /** Blocks until the batch is queued or {@code deadline} passes (for senders that can wait). */
  public Admission offer(List<LiveRecord> records, Duration deadline) throws InterruptedException {
    long end = System.nanoTime() + deadline.toNanos();
    while (true) {
      Admission a = offer(records);
      if (!(a instanceof Admission.Full) || System.nanoTime() >= end) {
        return a;
      }
      // Room comes back as workers finish batches; wait for some to be released, within the
      // deadline.
      int want = Math.min(records.size(), settings.queueRecords());
      if (room.tryAcquire(
          want,
          Math.max(1, Math.min(end - System.nanoTime(), 50_000_000L)),
          TimeUnit.NANOSECONDS)) {
        room.release(want);
      }
    }
  }

  /** Records queued and not processed yet. */
  public int queued() {
    return settings.queueRecords() - room.availablePermits();
  }

  /** Counts since start: accepted, refused, processed records, stored analyses, store failures. */
  public Counters counters() {
    return new Counters(
        accepted.get(), refused.get(), processed.get(), analyses.get(), storeFailures.get());
  }

  /** Counts of the ingestion since it started. */
  public record Counters(
      long accepted, long refused, long processed, long analyses, long storeFailures) {}

  /** Streams followed now, over all workers. */
  public int streams() {
    int n = 0;
    for (Worker w : workers) {
      n += w.streamCount;
    }
    return n;
  }

  /**
   * Stops taking records, processes what is queued within {@code deadline}, closes open windows
   * (they are analyzed and stored) and flushes the counts.
   */
  public void stop(Duration deadline) {
    stopping = true;
    long end = System.nanoTime() + deadline.toNanos();
    for (Worker w : workers) {
      w.queue.add(Batch.STOP);
    }
    for (Worker w : workers) {
      try {
        long left = Math.max(0, end - System.nanoTime());
        w.thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        if (w.thread.isAlive()) {
          LOG.warn("live ingestion worker {} still busy after {}; stopping it", w.index, deadline);
          w.thread.interrupt();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  @Override
  public void close() {
    stop(Duration.ofSeconds(5));
  }

  private record Batch(List<LiveRecord> records, int permits) {
    static final Batch STOP = new Batch(List.of(), 0);
  }

  /** One worker: its queue, its streams, its counts. */
  private final class Worker implements Runnable {
    final int index;
    final LinkedBlockingQueue<Batch> queue = new LinkedBlockingQueue<>();
    final StreamWindows windows = new StreamWindows(settings.windows(), trigger);
    final LineCounter counter = new LineCounter(MAX_COUNT_KEYS);
    final Thread thread;
    volatile int streamCount;
    Instant lastFlush;

    Worker(int index) {
      this.index = index;
      this.thread = Thread.ofPlatform().name("destill-live-" + index).daemon().unstarted(this);
      this.lastFlush = clock.instant();
    }

    @Override
    public void run() {
      try {
        while (true) {
          Batch b = queue.poll(TICK.toMillis(), TimeUnit.MILLISECONDS);
          if (b == Batch.STOP) {
            break;
          }
          if (b != null) {
            process(b);
          }
          tick(clock.instant());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (RuntimeException e) {
        LOG.error("live ingestion worker {} stopped: {}", index, e.toString());
        throw e;
      } finally {
        finish();
      }
    }

    private void process(Batch b) {
      try {
        for (LiveRecord r : b.records()) {
          if (counter.add(r)) {
            flush();
          }
          for (Window w : windows.offer(r)) {
            store(w);
          }
        }
        processed.addAndGet(b.records().size());
        streamCount = windows.streams();
      } finally {
        room.release(b.permits());
      }
    }

    private void tick(Instant now) {
      for (Window w : windows.expire(now)) {
        store(w);
      }
      if (!now.isBefore(lastFlush.plus(settings.statsFlush()))) {
        windows.forgetIdle(now, IDLE);
        streamCount = windows.streams();
        flush();
        lastFlush = now;
      }
    }

    private void flush() {
      if (counter.lines() == 0) {
        return;
      }
      try {
        stats.add(counter.drain());
        stats.flush();
      } catch (RuntimeException e) {
        LOG.warn("line counts not written: {}", oneLine(e));
      }
    }

    private void store(Window w) {
      try {
        WindowAnalysis a = analyzer.analyze(w, serial.incrementAndGet());
        store.apply(a.batch());
        analyses.incrementAndGet();
        listener.accept(a);
      } catch (RuntimeException e) {
        storeFailures.incrementAndGet();
        LOG.warn("window of {} not stored: {}", w.stream().display(), oneLine(e));
      }
    }

    private void finish() {
      Batch b;
      while ((b = queue.poll()) != null) {
        if (b != Batch.STOP) {
          process(b);
        }
      }
      for (Window w : windows.closeAll()) {
        store(w);
      }
      flush();
    }
  }

  private static String oneLine(Throwable e) {
    String m = e.getMessage();
    if (m == null || m.isBlank()) {
      return e.getClass().getSimpleName();
    }
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
