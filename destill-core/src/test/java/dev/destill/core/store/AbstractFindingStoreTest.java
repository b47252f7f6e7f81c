package dev.destill.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.destill.core.model.Finding;
import dev.destill.core.model.FindingSource;
import dev.destill.core.model.History;
import dev.destill.core.model.Severity;
import dev.destill.core.model.TestCase;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The contract every {@link FindingStore} passes: in memory, SQLite and PostgreSQL. */
public abstract class AbstractFindingStoreTest {
  protected final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
  protected FindingStore store;

  /** A fresh, empty store using {@link #clock}. */
  protected abstract FindingStore newStore();

  @BeforeEach
  void open() {
    store = newStore();
  }

  @AfterEach
  void close() {
    store.close();
  }

  /** A clock tests move by hand. */
  public static final class MutableClock extends Clock {
    private Instant now;

    public MutableClock(Instant now) {
      this.now = now;
    }

    public void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  protected static Finding finding(String id, String hash, double confidence, int tier) {
    return new Finding(
        id,
        hash,
        Severity.ERROR,
        confidence,
        tier,
        "unit tests",
        "Run tests",
        12,
        14,
        "error: " + hash,
        "error: <n>",
        List.of("error: " + hash, "  at a.B(B.java:3)", "  at c.D(D.java:9)"),
        List.of("before"),
        List.of("after 1", "after 2"),
        2,
        FindingSource.LOG,
        Optional.empty(),
        List.of("error-level", "failed-job"),
        Optional.empty());
  }

  protected RequestRecord request(String id, String buildId) {
    return new RequestRecord(
        id,
        "https://ci/build/" + buildId,
        buildId,
        "build " + buildId,
        RequestStatus.PENDING,
        0,
        0,
        0,
        "",
        clock.instant(),
        clock.instant());
  }

  @Test
  void shouldRoundTripEveryFieldOfAFinding() {
    store.createRequest(request("req-1", "b1"));
    Finding junit =
        new Finding(
            "j1",
            "hj",
            Severity.FATAL,
            1.0,
            1,
            "unit",
            "",
            0,
            0,
            "[failure] A.t: boom",
            "A::t::boom",
            List.of("[failure] A.t: boom"),
            List.of(),
            List.of("at A.t(A.java:1)"),
            1,
            FindingSource.JUNIT,
            Optional.of(new TestCase("t", "A", "A.java")),
            List.of("junit-failure"),
            Optional.of(
                new History(
                    3,
                    20,
                    Instant.parse("2026-01-01T00:00:00Z"),
                    Instant.parse("2026-02-01T00:00:00Z"))));
    Finding log = finding("f1", "h1", 0.9, 1);
    store.saveFindings("req-1", List.of(log, junit));
    assertThat(store.findings("req-1")).containsExactlyInAnyOrder(log, junit);
  }

  @Test
  void shouldSaveIdempotentlyOnTheFindingId() {
    store.createRequest(request("req-1", "b1"));
    store.saveFindings("req-1", List.of(finding("f1", "h1", 0.9, 1)));
    store.saveFindings("req-1", List.of(finding("f1", "h1", 0.9, 1), finding("f2", "h2", 0.5, 2)));
    assertThat(store.findings("req-1")).extracting(Finding::id).containsExactly("f1", "f2");
    assertThat(store.request("req-1").orElseThrow().findings()).isEqualTo(2);
  }

  @Test
  void shouldReturnFindingsInRankOrder() {
    store.createRequest(request("req-1", "b1"));
    store.saveFindings(
        "req-1",
        List.of(
            finding("a", "h1", 0.4, 2), finding("b", "h2", 0.95, 1), finding("c", "h3", 0.7, 1)));
    assertThat(store.findings("req-1")).extracting(Finding::id).containsExactly("b", "c", "a");
  }

  @Test
  void shouldNeverMoveStatusBackOrCountsDown() {
    store.createRequest(request("req-1", "b1"));
    store.updateRequest("req-1", RequestStatus.ANALYZING, 10, 4, "");
    store.updateRequest("req-1", RequestStatus.ANALYZING, 10, 2, "");
    assertThat(store.request("req-1").orElseThrow().chunksDone()).isEqualTo(4);
    store.updateRequest("req-1", RequestStatus.COMPLETE, 10, 10, "");
    store.updateRequest("req-1", RequestStatus.ANALYZING, 10, 9, "");
    RequestRecord r = store.request("req-1").orElseThrow();
    assertThat(r.status()).isEqualTo(RequestStatus.COMPLETE);
    assertThat(r.chunksDone()).isEqualTo(10);
    store.createRequest(request("req-1", "other"));
    assertThat(store.request("req-1").orElseThrow().buildId()).isEqualTo("b1");
    assertThat(store.request("nope")).isEmpty();
  }

  @Test
  void shouldListRecentRequestsNewestFirst() {
    store.createRequest(request("req-1", "b1"));
    clock.advance(Duration.ofMinutes(1));
    store.createRequest(request("req-2", "b2"));
    assertThat(store.recentRequests(10))
        .extracting(RequestRecord::id)
        .containsExactly("req-2", "req-1");
    assertThat(store.recentRequests(1)).hasSize(1);
  }

  @Test
  void shouldTellInHowManyEarlierBuildsAHashOccurred() {
    for (int i = 1; i <= 4; i++) {
      store.createRequest(request("req-" + i, "b" + i));
      store.saveFindings(
          "req-" + i, List.of(finding("f" + i, i % 2 == 0 ? "even" : "odd", 0.9, 1)));
      clock.advance(Duration.ofHours(1));
    }
    // Build b4 analyzed again: only the other builds count.
    Map<String, History> h = store.history(List.of("even", "odd", "never"), "b4", 20);
    assertThat(h.get("even").buildsSeen()).isEqualTo(1);
    assertThat(h.get("odd").buildsSeen()).isEqualTo(2);
    assertThat(h.get("odd").buildsKnown()).isEqualTo(3);
    assertThat(h.get("odd").firstSeen()).isEqualTo(Instant.parse("2026-03-01T10:00:00Z"));
    assertThat(h.get("odd").lastSeen()).isEqualTo(Instant.parse("2026-03-01T12:00:00Z"));
    assertThat(h.get("never").isNew()).isTrue();
    assertThat(store.history(List.of("odd"), "b4", 1).get("odd").buildsKnown()).isEqualTo(1);
  }

  @Test
  void shouldRankRecurringFailuresByBuilds() {
    for (int i = 1; i <= 3; i++) {
      store.createRequest(request("req-" + i, "b" + i));
      store.saveFindings("req-" + i, List.of(finding("a" + i, "common", 0.9, 1)));
      clock.advance(Duration.ofHours(1));
    }
    store.saveFindings("req-1", List.of(finding("x", "rare", 0.5, 2)));
    List<RecurringFailure> r = store.recurringFailures(10);
    assertThat(r.get(0).hash()).isEqualTo("common");
    assertThat(r.get(0).builds()).isEqualTo(3);
    assertThat(r).extracting(RecurringFailure::hash).contains("rare");
  }
}
