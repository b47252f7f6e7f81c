package dev.destill.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.destill.core.stats.InMemoryStatsStore;
import dev.destill.core.stats.Level;
import dev.destill.core.stats.LineCount;
import dev.destill.core.stats.StatsQuery;
import dev.destill.core.stats.StatsReport;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The stats page reads the hot stats through the StatsStore port (its in-memory implementation).
 */
class StatsPageTest {
  private static final Instant NOW = Instant.parse("2026-12-02T12:30:00Z");

  @Test
  void shouldShowLinesAndErrorsPerSourceTopTemplatesAndSpikes() {
    InMemoryStatsStore store = new InMemoryStatsStore();
    List<LineCount> counts = new ArrayList<>();
    // The hour before: api is quiet, 1 error in 100 lines.
    counts.add(
        new LineCount(
            NOW.minus(Duration.ofMinutes(90)), "api", "main", Level.INFO, "GET /health <n>", 99));
    counts.add(
        new LineCount(
            NOW.minus(Duration.ofMinutes(90)),
            "api",
            "main",
            Level.ERROR,
            "timeout after <n> ms",
            1));
    // The last hour: errors rise, and a template with markup arrives.
    counts.add(
        new LineCount(
            NOW.minus(Duration.ofMinutes(5)), "api", "main", Level.INFO, "GET /health <n>", 60));
    counts.add(
        new LineCount(
            NOW.minus(Duration.ofMinutes(5)),
            "api",
            "main",
            Level.ERROR,
            "timeout after <n> ms",
            40));
    counts.add(
        new LineCount(
            NOW.minus(Duration.ofMinutes(2)),
            "web",
            "main",
            Level.ERROR,
            "<script>alert(1)</script>",
            3));
    store.add(counts);
    store.flush();

    StatsQuery q = StatsQuery.last(NOW, Duration.ofHours(1), Duration.ofMinutes(1), StatsPage.TOP);
    String html = StatsPage.body(Optional.of(StatsReport.of(store, q, NOW)), 1);

    assertThat(html)
        .contains("<h2 id=\"src-h\">Lines and errors per source</h2>")
        // api: 100 lines, 40 errors in the window; web: 3 and 3.
        .contains(
            "<td data-label=\"Source\">api</td><td data-label=\"Lines\" class=\"num\">100</td>"
                + "<td data-label=\"Errors\" class=\"num\">40</td>")
        .contains("40.0%")
        .contains("&lt;script&gt;alert(1)&lt;/script&gt;")
        .doesNotContain("<script>alert")
        .contains("<li class=\"spike\"><span class=\"mark new\">api</span>")
        .contains("data-lines=\"[")
        .contains("timeout after &lt;n&gt; ms");
    // The chart of api has its 100 lines in the bucket 5 minutes before now.
    assertThat(html).containsPattern("data-lines=\"\\[(0,)*100(,0)*\\]\"");
  }

  @Test
  void shouldSayWhenTheServerHasNoHotStats() {
    assertThat(StatsPage.body(Optional.empty(), 1)).contains("No live stats are configured");
  }
}
