package dev.destill.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.destill.core.model.Finding;
import dev.destill.core.model.FindingSource;
import dev.destill.core.model.Severity;
import dev.destill.server.analysis.Labels;
import dev.destill.server.analysis.Listing;
import dev.destill.server.analysis.Snapshot;
import dev.destill.server.analysis.Status;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The recurring failures: counts per day, first and last seen, new this week, stopped. */
class RecurringTest {
  private static final Instant NOW = Instant.parse("2026-12-02T12:00:00Z");
  private final StoredAnalyses analyses = new StoredAnalyses();
  private int n;

  private void build(Duration ago, String branch, String... hashes) {
    String id = String.format("req-%03d", n++);
    Instant at = NOW.minus(ago);
    analyses.listings.add(
        new Listing(
            id,
            Status.COMPLETE,
            "https://github.com/acme/shop/actions/runs/" + n,
            "shop " + n,
            new Labels("github", "acme/shop", branch),
            hashes.length,
            at,
            at));
    List<Finding> fs =
        java.util.Arrays.stream(hashes)
            .map(
                h ->
                    new Finding(
                        id + h,
                        h,
                        Severity.ERROR,
                        0.9,
                        1,
                        "build",
                        "",
                        10,
                        10,
                        "failure " + h,
                        h,
                        List.of("failure " + h),
                        List.of(),
                        List.of(),
                        1,
                        FindingSource.LOG,
                        Optional.empty(),
                        List.of(),
                        Optional.empty()))
            .toList();
    analyses.snapshots.put(id, new Snapshot(id, Status.COMPLETE, 1, 1, fs, ""));
  }

  @Test
  void shouldCountBuildsPerDayAndMarkNewAndStoppedFingerprints() {
    String old = "a".repeat(64);
    String fresh = "b".repeat(64);
    String steady = "c".repeat(64);
    // old: broke builds 20 and 15 days ago, not since: stopped.
    build(Duration.ofDays(20), "main", old, steady);
    build(Duration.ofDays(15), "dev", old, steady);
    // steady: also this week; fresh: only this week, twice on one day.
    build(Duration.ofDays(3), "main", steady, fresh);
    build(Duration.ofHours(2), "main", fresh);
    build(Duration.ofHours(1), "main", fresh, fresh);

    Recurring r =
        new Recurring(analyses, new Summaries(analyses), Clock.fixed(NOW, ZoneOffset.UTC));
    List<Recurring.Fingerprint> top = r.top(30, Optional.empty(), 20);

    assertThat(top).extracting(Recurring.Fingerprint::hash).containsExactly(fresh, steady, old);
    Recurring.Fingerprint f = top.get(0);
    assertThat(f.builds()).isEqualTo(3);
    assertThat(f.occurrences()).isEqualTo(4);
    assertThat(f.isNew()).isTrue();
    assertThat(f.stopped()).isFalse();
    // Today (the last day of the window) has 2 of its builds, 3 days ago 1.
    assertThat(f.perDay()[29]).isEqualTo(2);
    assertThat(f.perDay()[26]).isEqualTo(1);

    Recurring.Fingerprint s = top.get(1);
    assertThat(s.isNew()).isFalse();
    assertThat(s.stopped()).isFalse();
    assertThat(s.branches()).containsExactly("dev", "main");

    Recurring.Fingerprint o = top.get(2);
    assertThat(o.isNew()).isFalse();
    assertThat(o.stopped()).isTrue();
    assertThat(o.firstSeen()).isEqualTo(NOW.minus(Duration.ofDays(20)));
    assertThat(o.lastSeen()).isEqualTo(NOW.minus(Duration.ofDays(15)));

    String html = RecurringPage.body(top, 30, Optional.empty());
    assertThat(html)
        .contains("id=\"fp-" + fresh + "\"")
        .contains("<span class=\"mark new\">new this week</span>")
        .contains("<span class=\"mark stopped\">stopped</span>");
    // The chart's data holds the same counts as the table.
    assertThat(html).contains("data-counts=\"[" + "0,".repeat(26) + "1,0,0,2]\"");

    // In a window of a week nothing is marked: new and stopped need a longer one to compare.
    assertThat(r.top(7, Optional.empty(), 20)).noneMatch(p -> p.isNew() || p.stopped());
  }
}
