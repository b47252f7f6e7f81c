package dev.destill.core.pipeline;

import dev.destill.core.broker.Broker;
import dev.destill.core.stats.LineCount;
import dev.destill.core.stats.StatsSink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link StatsSink} that sends counts to {@link Topics#STATS} for the stats sink agent of
 * distributed mode: counts are summed per key until {@link #flush} (or {@link #MAX_HELD} keys),
 * then published as batches of at most {@link #BATCH} counts, keyed by source. Thread-safe (one
 * lock).
 */
public final class BrokerStatsSink implements StatsSink {
  /** Keys held before an {@link #add} publishes without waiting for a flush. */
  public static final int MAX_HELD = 20_000;

  /** The most counts in one message. */
  public static final int BATCH = 1_000;

  private record Key(
      java.time.Instant minute,
      String source,
      String stream,
      dev.destill.core.stats.Level level,
      String template) {}

  private final Broker broker;
  private final StatsCodec codec;
  private final Map<Key, long[]> held = new LinkedHashMap<>();

  public BrokerStatsSink(Broker broker, StatsCodec codec) {
    this.broker = broker;
    this.codec = codec;
  }

  @Override
  public synchronized void add(Collection<LineCount> counts) {
    for (LineCount c : counts) {
      held.computeIfAbsent(
                  new Key(c.minute(), c.source(), c.stream(), c.level(), c.template()),
                  k -> new long[1])[0] +=
          c.lines();
    }
    if (held.size() >= MAX_HELD) {
      publish();
    }
  }

  @Override
  public synchronized void flush() {
    publish();
    broker.flush(Duration.ofSeconds(30));
  }

  private void publish() {
    Map<String, List<LineCount>> bySource = new LinkedHashMap<>();
    held.forEach(
        (k, n) ->
            bySource
                .computeIfAbsent(k.source(), s -> new ArrayList<>())
                .add(
                    new LineCount(
                        k.minute(), k.source(), k.stream(), k.level(), k.template(), n[0])));
    held.clear();
    bySource.forEach(
        (source, counts) -> {
          for (int i = 0; i < counts.size(); i += BATCH) {
            broker.publish(
                Topics.STATS,
                source,
                codec.encode(counts.subList(i, Math.min(counts.size(), i + BATCH))));
          }
        });
  }
}
