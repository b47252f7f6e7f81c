package dev.destill.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.destill.core.model.Finding;
import dev.destill.core.stats.Level;
import dev.destill.core.store.InMemoryFindingStore;
import dev.destill.core.store.RecurringFailure;
import dev.destill.core.store.RequestRecord;
import dev.destill.live.record.LiveRecord;
import dev.destill.live.record.StreamKey;
import dev.destill.live.window.WindowPolicy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LiveIngestTest {
  private static final Instant T0 = Instant.parse("2026-12-02T08:00:00Z");
  private final Clock clock = Clock.systemUTC();
  private final InMemoryFindingStore store = new InMemoryFindingStore(clock);
  private final CollectingStatsSink stats = new CollectingStatsSink();
  private final StreamKey key = new StreamKey("orders", "pod-3");

  private LiveIngest ingest() {
    return new LiveIngest(
        LiveSettings.defaults()
            .withWindows(new WindowPolicy(10, 10, 2_000, Duration.ofMinutes(5), 10_000, 2_048)),
        store,
        stats,
        clock);
  }

  private List<LiveRecord> steady(int from, int to) {
    List<LiveRecord> out = new ArrayList<>();
    for (int i = from; i < to; i++) {
      out.add(
          LiveRecord.of(T0.plusMillis(i), key, Level.INFO, "GET /orders/" + i + " 200 in 4 ms"));
    }
    return out;
  }

  private LiveRecord error(int i) {
    return LiveRecord.of(
        T0.plusMillis(i),
        key,
        Level.ERROR,
        "java.sql.SQLTransientConnectionException: HikariPool-1 - Connection is not available");
  }

  @Test
  void shouldStoreOneAnalysisWithTheLinesAroundAnErrorAndCountEveryLine() {
    try (LiveIngest in = ingest()) {
      List<LiveRecord> batch = new ArrayList<>(steady(0, 500));
      batch.add(error(500));
      batch.addAll(steady(501, 1_000));
      assertThat(in.offer(batch)).isInstanceOf(Admission.Accepted.class);
      in.stop(Duration.ofSeconds(10));
    }
    List<RequestRecord> stored = store.recentRequests(10);
    assertThat(stored)
        .singleElement()
        .satisfies(r -> assertThat(r.target()).isEqualTo("live:orders/pod-3"));
    Finding top = store.findings(stored.get(0).id()).get(0);
    assertThat(top.message()).contains("Connection is not available");
    assertThat(top.preContext()).last().asString().contains("GET /orders/499 ");
    assertThat(top.postContext()).first().asString().contains("GET /orders/501 ");
    assertThat(stats.lines()).isEqualTo(1_000);
  }

  @Test
  void shouldFoldABurstIntoOneFindingAndRepeatsIntoOneRecurringFingerprint() {
    try (LiveIngest in = ingest()) {
      List<LiveRecord> batch = new ArrayList<>();
      int t = 0;
      for (int burst = 0; burst < 3; burst++) {
        batch.addAll(steady(t, t + 100));
        t += 100;
        for (int i = 0; i < 50; i++) {
          batch.add(error(t++));
        }
      }
      batch.addAll(steady(t, t + 100));
      in.offer(batch);
      in.stop(Duration.ofSeconds(10));
    }
    List<RequestRecord> stored = store.recentRequests(10);
    assertThat(stored).hasSize(3);
    for (RequestRecord r : stored) {
      List<Finding> f =
          store.findings(r.id()).stream().filter(x -> x.message().contains("HikariPool")).toList();
      assertThat(f).singleElement().satisfies(x -> assertThat(x.recurrence()).isEqualTo(50));
    }
    String hash =
        store.findings(stored.get(0).id()).stream()
            .filter(x -> x.message().contains("HikariPool"))
            .findFirst()
            .orElseThrow()
            .hash();
    List<RecurringFailure> recurring = store.recurringFailures(10);
    assertThat(recurring)
        .anySatisfy(
            r -> {
              assertThat(r.hash()).isEqualTo(hash);
              assertThat(r.builds()).isEqualTo(3);
            });
  }

  @Test
  void shouldKeepTenThousandStreamsWithinTheCap() {
    try (LiveIngest in =
        new LiveIngest(
            LiveSettings.defaults().withWindows(WindowPolicy.defaults().withMaxStreams(2_000)),
            store,
            stats,
            clock)) {
      for (int s = 0; s < 10_000; s++) {
        StreamKey k = new StreamKey("svc", "instance-" + s);
        List<LiveRecord> batch = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
          batch.add(LiveRecord.of(T0, k, Level.INFO, "tick " + i));
        }
        while (!(in.offer(batch) instanceof Admission.Accepted)) {
          Thread.onSpinWait();
        }
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> in.counters().processed() == 200_000);
      // Two workers, each within its cap.
      assertThat(in.streams()).isLessThanOrEqualTo(2 * 2_000);
    }
    assertThat(stats.lines()).isEqualTo(200_000);
  }
}
