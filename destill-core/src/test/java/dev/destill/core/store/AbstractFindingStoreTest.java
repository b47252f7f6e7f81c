package dev.destill.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.destill.core.model.Finding;
import dev.destill.core.model.FindingSource;
import dev.destill.core.model.History;
import dev.destill.core.model.JobInfo;
import dev.destill.core.model.JobRecord;
import dev.destill.core.model.JobState;
import dev.destill.core.model.RequestEvent;
import dev.destill.core.model.Severity;
import dev.destill.core.model.TestCase;
import dev.destill.core.store.StoreBatch.RequestFinding;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
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

  /**
   * Request {@code id} of build {@code buildId} of project {@code p}, submitted now and resolved.
   */
  protected void create(String id, String buildId) {
    create(id, buildId, "p");
  }

  /** Request {@code id} of build {@code buildId} of {@code project}, submitted now and resolved. */
  protected void create(String id, String buildId, String project) {
    store.apply(
        events(
            new RequestEvent.Submitted(id, "https://ci/build/" + buildId, clock.instant()),
            new RequestEvent.Resolved(id, buildId, "build " + buildId, project)));
  }

  /** Findings of request {@code id}, as a sink stores them. */
  protected void save(String id, List<Finding> findings) {
    store.apply(
        new StoreBatch(
            findings.stream().map(f -> new StoreBatch.RequestFinding(id, f)).toList(), List.of()));
  }

  @Test
  void shouldFindRequestsByThePrefixOfTheirId() {
    create("req-20260101-aaa1", "b1");
    create("req-20260101-aab2", "b2");
    create("req-20260202-ccc3", "b3");
    assertThat(store.requestIds("req-20260101-aa", 10))
        .containsExactly("req-20260101-aaa1", "req-20260101-aab2");
    assertThat(store.requestIds("req-20260202", 10)).containsExactly("req-20260202-ccc3");
    assertThat(store.requestIds("req-2026", 2)).hasSize(2);
    // A prefix is text, not a pattern.
    assertThat(store.requestIds("req-2026%", 10)).isEmpty();
    assertThat(store.requestIds("req-9", 10)).isEmpty();
  }

  @Test
  void shouldRoundTripEveryFieldOfAFinding() {
    create("req-1", "b1");
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
    save("req-1", List.of(log, junit));
    assertThat(store.findings("req-1")).containsExactlyInAnyOrder(log, junit);
  }

  @Test
  void shouldSaveIdempotentlyOnTheFindingId() {
    create("req-1", "b1");
    save("req-1", List.of(finding("f1", "h1", 0.9, 1)));
    save("req-1", List.of(finding("f1", "h1", 0.9, 1), finding("f2", "h2", 0.5, 2)));
    assertThat(store.findings("req-1")).extracting(Finding::id).containsExactly("f1", "f2");
    assertThat(store.request("req-1").orElseThrow().findings()).isEqualTo(2);
  }

  @Test
  void shouldReturnSavedFindingsInArrivalOrder() {
    create("req-1", "b1");
    save(
        "req-1",
        List.of(
            finding("a", "h1", 0.4, 2), finding("b", "h2", 0.95, 1), finding("c", "h3", 0.7, 1)));
    assertThat(store.findings("req-1")).extracting(Finding::id).containsExactly("a", "b", "c");
  }

  @Test
  void shouldKeepTheFirstSubmissionOfARequest() {
    create("req-1", "b1");
    store.apply(
        events(
            new RequestEvent.Submitted(
                "req-1", "https://ci/other", clock.instant().plusSeconds(9))));
    RequestRecord r = store.request("req-1").orElseThrow();
    assertThat(r.target()).isEqualTo("https://ci/build/b1");
    assertThat(r.created()).isEqualTo(clock.instant());
    assertThat(store.request("nope")).isEmpty();
  }

  @Test
  void shouldListRecentRequestsNewestFirst() {
    create("req-1", "b1");
    clock.advance(Duration.ofMinutes(1));
    create("req-2", "b2");
    assertThat(store.recentRequests(10))
        .extracting(RequestRecord::id)
        .containsExactly("req-2", "req-1");
    assertThat(store.recentRequests(1)).hasSize(1);
  }

  @Test
  void shouldTellInHowManyEarlierBuildsAHashOccurred() {
    for (int i = 1; i <= 4; i++) {
      create("req-" + i, "b" + i);
      save("req-" + i, List.of(finding("f" + i, i % 2 == 0 ? "even" : "odd", 0.9, 1)));
      clock.advance(Duration.ofHours(1));
    }
    // Build b4 analyzed again: only the other builds count.
    Map<String, History> h = store.history(List.of("even", "odd", "never"), "b4", "p", 20);
    assertThat(h.get("even").buildsSeen()).isEqualTo(1);
    assertThat(h.get("odd").buildsSeen()).isEqualTo(2);
    assertThat(h.get("odd").buildsKnown()).isEqualTo(3);
    assertThat(h.get("odd").firstSeen()).isEqualTo(Instant.parse("2026-03-01T10:00:00Z"));
    assertThat(h.get("odd").lastSeen()).isEqualTo(Instant.parse("2026-03-01T12:00:00Z"));
    assertThat(h.get("never").isNew()).isTrue();
    assertThat(store.history(List.of("odd"), "b4", "p", 1).get("odd").buildsKnown()).isEqualTo(1);
  }

  @Test
  void shouldCountOnlyBuildsOfTheSameProjectAndEachBuildOnce() {
    create("req-1", "shop/1", "shop");
    save("req-1", List.of(finding("f1", "h", 0.9, 1)));
    clock.advance(Duration.ofMinutes(1));
    // The same build analyzed again is still one build.
    create("req-2", "shop/1", "shop");
    save("req-2", List.of(finding("f2", "h", 0.9, 1)));
    clock.advance(Duration.ofMinutes(1));
    create("req-3", "shop/2", "shop");
    save("req-3", List.of(finding("f3", "other", 0.9, 1)));
    clock.advance(Duration.ofMinutes(1));
    create("req-4", "ledger/7", "ledger");
    save("req-4", List.of(finding("f4", "h", 0.9, 1)));
    History shop = store.history(List.of("h"), "shop/3", "shop", 20).get("h");
    assertThat(shop.buildsSeen()).isEqualTo(1);
    assertThat(shop.buildsKnown()).isEqualTo(2);
    History ledger = store.history(List.of("h"), "ledger/8", "ledger", 20).get("h");
    assertThat(ledger.buildsSeen()).isEqualTo(1);
    assertThat(ledger.buildsKnown()).isEqualTo(1);
    assertThat(store.history(List.of("h"), "x/1", "elsewhere", 20).get("h").buildsKnown()).isZero();
  }

  @Test
  void shouldRankRecurringFailuresByBuilds() {
    for (int i = 1; i <= 3; i++) {
      create("req-" + i, "b" + i);
      save("req-" + i, List.of(finding("a" + i, "common", 0.9, 1)));
      clock.advance(Duration.ofHours(1));
    }
    save("req-1", List.of(finding("x", "rare", 0.5, 2)));
    List<RecurringFailure> r = store.recurringFailures(10);
    assertThat(r.get(0).hash()).isEqualTo("common");
    assertThat(r.get(0).builds()).isEqualTo(3);
    assertThat(r).extracting(RecurringFailure::hash).contains("rare");
  }

  // The pipeline: a sink applies batches of events and findings, at least once, in any order.

  private static final Instant SUBMITTED = Instant.parse("2026-02-28T09:00:00Z");

  private static JobRecord job(String id, JobState state, OptionalInt exit, int chunks) {
    return new JobRecord(new JobInfo(id, "job " + id, state, exit), chunks, 10L * chunks, 999L);
  }

  private static StoreBatch events(RequestEvent... events) {
    return new StoreBatch(List.of(), List.of(events));
  }

  private static StoreBatch findings(String requestId, Finding... findings) {
    return new StoreBatch(
        Arrays.stream(findings).map(f -> new RequestFinding(requestId, f)).toList(), List.of());
  }

  /** Everything that happens to a request with two jobs and three chunks, in publishing order. */
  private static List<RequestEvent> lifecycle(String id) {
    return List.of(
        new RequestEvent.Submitted(id, "https://ci/build/7", SUBMITTED),
        new RequestEvent.Resolved(id, "b7", "build 7"),
        new RequestEvent.JobIngested(id, job("a", JobState.FAILED, OptionalInt.of(2), 2)),
        new RequestEvent.JobIngested(id, job("b", JobState.PASSED, OptionalInt.empty(), 1)),
        new RequestEvent.Ingested(id, 3, List.of("job c has no log")),
        chunkAnalyzed(id, "a", 0, List.of()),
        chunkAnalyzed(id, "a", 1, List.of("line 9 was cut at 4096 chars")),
        chunkAnalyzed(id, "b", 0, List.of()));
  }

  private static StoreBatch wholeRequest(String id) {
    return new StoreBatch(
        List.of(
            new RequestFinding(id, finding("f1", "h1", 0.9, 1)),
            new RequestFinding(id, finding("f2", "h2", 0.5, 2))),
        lifecycle(id));
  }

  private static <T> List<T> reversed(List<T> list) {
    List<T> copy = new ArrayList<>(list);
    Collections.reverse(copy);
    return copy;
  }

  private RequestStatus statusOf(String id) {
    return store.request(id).orElseThrow().status();
  }

  @Test
  void shouldCreateTheRequestFromAnyEventOrFinding() {
    List<RequestEvent> firsts =
        List.of(
            new RequestEvent.Resolved("r1", "b1", "t"),
            new RequestEvent.JobIngested("r2", job("a", JobState.FAILED, OptionalInt.of(1), 1)),
            new RequestEvent.Ingested("r3", 2, List.of()),
            chunkAnalyzed("r4", "a", 0, List.of()),
            new RequestEvent.Failed("r5", "boom"));
    for (RequestEvent e : firsts) {
      store.apply(events(e));
    }
    store.apply(findings("r6", finding("f1", "h1", 0.9, 1)));
    for (String id : List.of("r1", "r2", "r3", "r4", "r5", "r6")) {
      RequestRecord r = store.request(id).orElseThrow();
      assertThat(r.target()).isEmpty();
      assertThat(r.created()).isEqualTo(clock.instant());
      assertThat(r.updated()).isEqualTo(clock.instant());
    }
    RequestRecord r6 = store.request("r6").orElseThrow();
    assertThat(r6.status()).isEqualTo(RequestStatus.PENDING);
    assertThat(r6.findings()).isEqualTo(1);
    assertThat(r6.buildId()).isEmpty();
    assertThat(r6.title()).isEmpty();
    assertThat(r6.warnings()).isEmpty();
    assertThat(store.findings("r6")).extracting(Finding::id).containsExactly("f1");
    assertThat(store.request("r1").orElseThrow().buildId()).isEqualTo("b1");
    assertThat(store.jobs("r2")).hasSize(1);
    assertThat(store.request("r4").orElseThrow().chunksDone()).isEqualTo(1);
  }

  @Test
  void shouldMoveFromPendingToCompleteAsEventsArrive() {
    List<RequestEvent> all = lifecycle("req-1");
    List<RequestStatus> seen = new ArrayList<>();
    for (RequestEvent e : all) {
      clock.advance(Duration.ofSeconds(1));
      store.apply(events(e));
      seen.add(statusOf("req-1"));
      assertThat(store.status("req-1")).contains(statusOf("req-1"));
    }
    assertThat(seen)
        .containsExactly(
            RequestStatus.PENDING,
            RequestStatus.INGESTING,
            RequestStatus.INGESTING,
            RequestStatus.INGESTING,
            RequestStatus.ANALYZING,
            RequestStatus.ANALYZING,
            RequestStatus.ANALYZING,
            RequestStatus.COMPLETE);
    RequestRecord r = store.request("req-1").orElseThrow();
    assertThat(r.target()).isEqualTo("https://ci/build/7");
    assertThat(r.buildId()).isEqualTo("b7");
    assertThat(r.title()).isEqualTo("build 7");
    assertThat(r.chunksTotal()).isEqualTo(3);
    assertThat(r.chunksDone()).isEqualTo(3);
    assertThat(r.created()).isEqualTo(SUBMITTED);
    assertThat(r.updated()).isEqualTo(clock.instant());
    assertThat(r.warnings()).containsExactly("job c has no log", "line 9 was cut at 4096 chars");
  }

  @Test
  void shouldCompleteOnlyWhenIngestedAndEveryChunkAnalyzed() {
    store.apply(
        events(
            chunkAnalyzed("req-1", "a", 0, List.of()), chunkAnalyzed("req-1", "a", 1, List.of())));
    // Every chunk published so far is analyzed, but more may come until the request is ingested.
    assertThat(statusOf("req-1")).isEqualTo(RequestStatus.ANALYZING);
    store.apply(events(new RequestEvent.Ingested("req-1", 3, List.of())));
    assertThat(statusOf("req-1")).isEqualTo(RequestStatus.ANALYZING);
    store.apply(events(chunkAnalyzed("req-1", "a", 1, List.of())));
    assertThat(statusOf("req-1")).isEqualTo(RequestStatus.ANALYZING);
    store.apply(events(chunkAnalyzed("req-1", "b", 0, List.of())));
    assertThat(statusOf("req-1")).isEqualTo(RequestStatus.COMPLETE);
    assertThat(store.chunks("req-1"))
        .containsExactlyInAnyOrder(
            chunkAnalyzed("req-1", "a", 0, List.of()).chunk(),
            chunkAnalyzed("req-1", "a", 1, List.of()).chunk(),
            chunkAnalyzed("req-1", "b", 0, List.of()).chunk());

    // A request without any chunk is complete once ingested.
    store.apply(events(new RequestEvent.Ingested("req-2", 0, List.of())));
    assertThat(statusOf("req-2")).isEqualTo(RequestStatus.COMPLETE);
  }

  @Test
  void shouldReachTheSameStateFromEventsInReverseOrder() {
    for (RequestEvent e : lifecycle("forward")) {
      store.apply(events(e));
    }
    for (RequestEvent e : reversed(lifecycle("reverse"))) {
      store.apply(events(e));
    }
    store.apply(new StoreBatch(List.of(), reversed(lifecycle("one-batch"))));
    RequestRecord forward = store.request("forward").orElseThrow();
    for (String id : List.of("reverse", "one-batch")) {
      RequestRecord r = store.request(id).orElseThrow();
      assertThat(r).usingRecursiveComparison().ignoringFields("id", "warnings").isEqualTo(forward);
      assertThat(r.warnings()).containsExactlyInAnyOrderElementsOf(forward.warnings());
      assertThat(store.jobs(id)).containsExactlyInAnyOrderElementsOf(store.jobs("forward"));
    }
    assertThat(forward.status()).isEqualTo(RequestStatus.COMPLETE);
  }

  @Test
  void shouldHaveAnExactlyOnceEffectWhenABatchIsAppliedTwice() {
    store.apply(wholeRequest("req-1"));
    RequestRecord once = store.request("req-1").orElseThrow();
    store.apply(wholeRequest("req-1"));
    RequestRecord twice = store.request("req-1").orElseThrow();
    assertThat(twice).isEqualTo(once);
    assertThat(twice.findings()).isEqualTo(2);
    assertThat(twice.chunksDone()).isEqualTo(3);
    assertThat(twice.status()).isEqualTo(RequestStatus.COMPLETE);
    assertThat(store.findings("req-1")).extracting(Finding::id).containsExactly("f1", "f2");
    assertThat(store.jobs("req-1")).extracting(j -> j.info().id()).containsExactly("a", "b");
  }

  @Test
  void shouldCountAChunkOnceWhenRepeatedWithinOneBatch() {
    RequestEvent chunk = chunkAnalyzed("req-1", "a", 0, List.of("w"));
    Finding f = finding("f1", "h1", 0.9, 1);
    store.apply(
        new StoreBatch(
            List.of(new RequestFinding("req-1", f), new RequestFinding("req-1", f)),
            List.of(chunk, new RequestEvent.Ingested("req-1", 2, List.of()), chunk)));
    RequestRecord r = store.request("req-1").orElseThrow();
    assertThat(r.chunksDone()).isEqualTo(1);
    assertThat(r.findings()).isEqualTo(1);
    assertThat(r.warnings()).containsExactly("w");
    assertThat(r.status()).isEqualTo(RequestStatus.ANALYZING);
  }

  @Test
  void shouldSumEachChunksBaselineCountsOnceAndKeepTheFirstBaselineChosen() {
    assertThat(store.baseline("req-1")).isEmpty();
    RequestEvent a0 = withNovelty(chunkAnalyzed("req-1", "a", 0, List.of()), 10, 2);
    RequestEvent a1 = withNovelty(chunkAnalyzed("req-1", "a", 1, List.of()), 5, 1);
    RequestEvent b0 = withNovelty(chunkAnalyzed("req-1", "b", 0, List.of()), 7, 0);
    RequestEvent plain = chunkAnalyzed("req-1", "c", 0, List.of());
    store.apply(events(a0, plain, a0));
    // Counts without a chosen baseline are kept, but there is no baseline to show yet.
    assertThat(store.baseline("req-1")).isEmpty();
    store.apply(
        events(
            new RequestEvent.BaselineChosen(
                "req-1", java.util.Optional.of("https://ci/green"), "last green build on main"),
            a1,
            b0,
            a1));
    store.apply(
        events(new RequestEvent.BaselineChosen("req-1", java.util.Optional.empty(), "later")));
    BaselineRecord b = store.baseline("req-1").orElseThrow();
    assertThat(b.source()).contains("https://ci/green");
    assertThat(b.note()).isEqualTo("last green build on main");
    assertThat(b.jobs()).isEqualTo(2);
    assertThat(b.lines()).isEqualTo(new dev.destill.core.model.LineNovelty(22, 3));

    store.apply(
        events(new RequestEvent.BaselineChosen("req-2", java.util.Optional.empty(), "none found")));
    assertThat(store.baseline("req-2"))
        .contains(
            new BaselineRecord(
                java.util.Optional.empty(),
                "none found",
                0,
                dev.destill.core.model.LineNovelty.NONE));
  }

  private static RequestEvent withNovelty(RequestEvent.ChunkAnalyzed c, long known, long fresh) {
    return new RequestEvent.ChunkAnalyzed(
        c.requestId(),
        c.chunk(),
        c.warnings(),
        java.util.Optional.of(new dev.destill.core.model.LineNovelty(known, fresh)));
  }

  @Test
  void shouldNotDuplicateWarningsOnReplay() {
    RequestEvent ingested = new RequestEvent.Ingested("req-1", 2, List.of("no log", "skipped"));
    RequestEvent chunk0 = chunkAnalyzed("req-1", "a", 0, List.of("cut"));
    RequestEvent chunk1 = chunkAnalyzed("req-1", "a", 1, List.of("cut"));
    store.apply(events(ingested, chunk0));
    store.apply(events(chunk0, ingested));
    store.apply(events(chunk1, chunk0));
    store.apply(events(ingested));
    assertThat(store.request("req-1").orElseThrow().warnings())
        .containsExactly("no log", "skipped", "cut", "cut");
    assertThat(store.recentRequests(5).get(0).warnings())
        .containsExactly("no log", "skipped", "cut", "cut");
  }

  @Test
  void shouldSetTargetAndCreatedFromTheFirstSubmittedEvenWhenItComesLate() {
    store.apply(events(new RequestEvent.Resolved("req-1", "b1", "build 1")));
    clock.advance(Duration.ofMinutes(5));
    store.apply(events(new RequestEvent.Submitted("req-1", "https://ci/1", SUBMITTED)));
    store.apply(
        events(new RequestEvent.Submitted("req-1", "https://ci/other", SUBMITTED.plusSeconds(9))));
    RequestRecord r = store.request("req-1").orElseThrow();
    assertThat(r.target()).isEqualTo("https://ci/1");
    assertThat(r.created()).isEqualTo(SUBMITTED);
    assertThat(r.buildId()).isEqualTo("b1");
    assertThat(r.status()).isEqualTo(RequestStatus.INGESTING);
  }

  @Test
  void shouldKeepFailedFinalAndTheFirstError() {
    store.apply(events(new RequestEvent.Failed("req-1", "GitHub returned 404")));
    store.apply(events(new RequestEvent.Failed("req-1", "later error")));
    store.apply(wholeRequest("req-1"));
    RequestRecord r = store.request("req-1").orElseThrow();
    assertThat(r.status()).isEqualTo(RequestStatus.FAILED);
    assertThat(r.error()).isEqualTo("GitHub returned 404");
    assertThat(r.chunksDone()).isEqualTo(3);

    // Complete is final too: a late failure does not move it.
    store.apply(wholeRequest("req-2"));
    store.apply(events(new RequestEvent.Failed("req-2", "late")));
    assertThat(statusOf("req-2")).isEqualTo(RequestStatus.COMPLETE);
  }

  @Test
  void shouldReturnJobsInArrivalOrderWithTheirFields() {
    JobRecord b = job("b", JobState.PASSED, OptionalInt.empty(), 0);
    JobRecord a = job("a", JobState.FAILED, OptionalInt.of(137), 4);
    store.apply(events(new RequestEvent.JobIngested("req-1", b)));
    store.apply(
        events(
            new RequestEvent.JobIngested("req-1", a),
            new RequestEvent.JobIngested(
                "req-1", job("b", JobState.FAILED, OptionalInt.of(1), 9))));
    assertThat(store.jobs("req-1")).containsExactly(b, a);
  }

  @Test
  void shouldReturnAppliedFindingsInArrivalOrder() {
    Finding low = finding("low", "h1", 0.2, 3);
    Finding high = finding("high", "h2", 0.99, 1);
    Finding mid = finding("mid", "h3", 0.6, 2);
    store.apply(findings("req-1", low, high));
    store.apply(findings("req-1", mid, low));
    assertThat(store.findings("req-1")).containsExactly(low, high, mid);
    assertThat(store.request("req-1").orElseThrow().findings()).isEqualTo(3);
  }

  @Test
  void shouldApplyThousandsOfFindingsInOneBatch() {
    List<RequestFinding> many = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      many.add(new RequestFinding("req-" + (i % 3), finding("f" + i, "h" + (i % 50), 0.5, 2)));
    }
    store.apply(new StoreBatch(many, List.of()));
    store.apply(new StoreBatch(many, List.of()));
    assertThat(store.request("req-1").orElseThrow().findings()).isEqualTo(1000);
    assertThat(store.findings("req-2"))
        .hasSize(1000)
        .first()
        .extracting(Finding::id)
        .isEqualTo("f2");
  }

  /**
   * Makes every later write of a job fail inside the store (a SQL store drops its jobs table), or
   * returns false when the store has no such way to fail.
   */
  protected boolean breakTheJobsTable() {
    return false;
  }

  @Test
  void shouldApplyNothingOfABatchThatFails() {
    store.apply(new StoreBatch(List.of(), List.of(chunkAnalyzed("req-1", "a", 0, List.of()))));
    org.junit.jupiter.api.Assumptions.assumeTrue(breakTheJobsTable(), "the store cannot fail");
    StoreBatch batch =
        new StoreBatch(
            List.of(new RequestFinding("req-1", finding("f1", "h1", 0.9, 1))),
            List.of(
                chunkAnalyzed("req-1", "a", 1, List.of("w")),
                new RequestEvent.JobIngested(
                    "req-1",
                    new JobRecord(
                        dev.destill.core.model.JobInfo.of("a", JobState.FAILED), 2, 10, 100))));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> store.apply(batch))
        .isInstanceOf(dev.destill.core.DestillException.class)
        .hasMessageStartingWith("applying 1 findings and 2 events failed in ")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    RequestRecord r = store.request("req-1").orElseThrow();
    assertThat(r.chunksDone()).as("the chunk of the failed batch").isEqualTo(1);
    assertThat(r.findings()).isZero();
    assertThat(r.warnings()).isEmpty();
    assertThat(store.findings("req-1")).isEmpty();
  }

  @Test
  void shouldKnowNothingOfAnUnknownRequest() {
    store.apply(wholeRequest("req-1"));
    assertThat(store.request("nope")).isEmpty();
    assertThat(store.status("nope")).isEmpty();
    assertThat(store.findings("nope")).isEmpty();
    assertThat(store.jobs("nope")).isEmpty();
  }

  @Test
  void shouldKeepTheWarningsOfAnIngestedRequest() {
    create("req-1", "b1");
    store.apply(
        events(
            new RequestEvent.Ingested(
                "req-1", 0, List.of("job x has no log", "job y has no log"))));
    assertThat(store.request("req-1").orElseThrow().warnings())
        .containsExactly("job x has no log", "job y has no log");
  }

  /** Chunk {@code index} of job {@code jobId} (100 lines each, no step marker) was analyzed. */
  public static RequestEvent.ChunkAnalyzed chunkAnalyzed(
      String requestId, String jobId, int index, List<String> warnings) {
    return new RequestEvent.ChunkAnalyzed(
        requestId,
        new dev.destill.core.model.ChunkRecord(
            jobId,
            index,
            index * 100L + 1,
            index * 100L + 100,
            // Odd chunks named a step, even ones did not: both must come back as they went in.
            index % 2 == 1
                ? java.util.OptionalLong.of(index * 100L + 50)
                : java.util.OptionalLong.empty(),
            java.util.Optional.empty()),
        warnings);
  }
}
