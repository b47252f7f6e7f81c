package dev.destill.core.stats;

import static org.assertj.core.api.Assertions.assertThat;

import dev.destill.core.stats.StatsRows.NewTemplate;
import dev.destill.core.stats.StatsRows.Spike;
import dev.destill.core.stats.StatsRows.Template;
import dev.destill.core.stats.StatsRows.Total;
import dev.destill.core.stats.StatsRows.Volume;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The contract every {@link StatsStore} passes: in memory, DuckDB and PostgreSQL. */
public abstract class AbstractStatsStoreTest {
  protected static final Instant NOON = Instant.parse("2026-03-01T12:00:00Z");
  protected StatsStore store;

  /** A fresh, empty store. */
  protected abstract StatsStore newStore();

  /** The same store after a restart: persistent stores close and open it again. */
  protected StatsStore reopen(StatsStore s) {
    return s;
  }

  @BeforeEach
  void open() {
    store = newStore();
  }

  @AfterEach
  void close() {
    store.close();
  }

  private static LineCount count(
      Instant minute, String source, Level level, String template, long lines) {
    return new LineCount(minute, source, "main", level, template, lines);
  }

  private void put(LineCount... counts) {
    store.add(List.of(counts));
    store.flush();
  }

  private static StatsQuery window(Instant from, Instant to, Duration step) {
    return new StatsQuery(from, to, Optional.empty(), step, 10);
  }

  @Test
  void shouldAnswerLinesAndErrorsPerSourceAndBucket() {
    put(
        count(NOON, "api", Level.INFO, "GET <n>", 5),
        count(NOON.plusSeconds(59), "api", Level.ERROR, "timeout", 2),
        count(NOON.plusSeconds(60), "api", Level.FATAL, "panic", 1),
        count(NOON.plus(Duration.ofMinutes(10)), "api", Level.WARN, "slow", 3),
        count(NOON, "db", Level.INFO, "checkpoint", 7));

    List<Volume> minutes =
        store.volume(window(NOON, NOON.plus(Duration.ofHours(1)), Duration.ofMinutes(1)));
    assertThat(minutes)
        .containsExactly(
            new Volume("api", NOON, 7, 2),
            new Volume("api", NOON.plusSeconds(60), 1, 1),
            new Volume("api", NOON.plus(Duration.ofMinutes(10)), 3, 0),
            new Volume("db", NOON, 7, 0));

    List<Volume> hours =
        store.volume(window(NOON, NOON.plus(Duration.ofHours(1)), Duration.ofHours(1)));
    assertThat(hours).containsExactly(new Volume("api", NOON, 11, 3), new Volume("db", NOON, 7, 0));
  }

  @Test
  void shouldAddUpCountsOfTheSameKeyAcrossBatches() {
    put(count(NOON, "api", Level.ERROR, "timeout", 2));
    put(count(NOON.plusSeconds(30), "api", Level.ERROR, "timeout", 3));
    store.add(List.of(count(NOON, "api", Level.ERROR, "timeout", 4)));
    store.add(List.of(count(NOON, "api", Level.ERROR, "timeout", 1)));
    store.flush();

    StatsQuery q = window(NOON, NOON.plusSeconds(60), Duration.ofMinutes(1));
    assertThat(store.totals(q)).containsExactly(new Total("api", 10, 10));
    assertThat(store.topTemplates(q)).containsExactly(new Template("api", "timeout", 10, 10));
  }

  @Test
  void shouldKeepToTheWindowAndTheSource() {
    put(
        count(NOON.minusSeconds(60), "api", Level.ERROR, "before", 1),
        count(NOON, "api", Level.ERROR, "inside", 2),
        count(NOON.plusSeconds(119), "api", Level.INFO, "inside too", 4),
        count(NOON.plusSeconds(120), "api", Level.ERROR, "after", 8),
        count(NOON, "db", Level.ERROR, "other source", 16));

    StatsQuery q = window(NOON, NOON.plusSeconds(120), Duration.ofMinutes(1));
    assertThat(store.totals(q)).containsExactly(new Total("api", 6, 2), new Total("db", 16, 16));
    StatsQuery api = q.forSource("api");
    assertThat(store.totals(api)).containsExactly(new Total("api", 6, 2));
    assertThat(store.volume(api)).extracting(Volume::source).containsOnly("api");
    assertThat(store.topTemplates(api))
        .extracting(Template::template)
        .containsExactly("inside too", "inside");
    assertThat(store.totals(q.forSource("nobody"))).isEmpty();
  }

  @Test
  void shouldRankTemplatesByLinesAndLeaveOutTheEmptyTemplate() {
    put(
        count(NOON, "api", Level.INFO, "", 1000),
        count(NOON, "api", Level.INFO, "GET <n>", 50),
        count(NOON, "api", Level.ERROR, "timeout", 20),
        count(NOON, "db", Level.WARN, "slow query", 20),
        count(NOON, "db", Level.INFO, "vacuum", 3));

    StatsQuery q =
        new StatsQuery(NOON, NOON.plusSeconds(60), Optional.empty(), Duration.ofMinutes(1), 3);
    assertThat(store.topTemplates(q))
        .containsExactly(
            new Template("api", "GET <n>", 50, 0),
            new Template("api", "timeout", 20, 20),
            new Template("db", "slow query", 20, 0));
    // The empty template still counts as lines.
    assertThat(store.totals(q)).contains(new Total("api", 1070, 20));
  }

  @Test
  void shouldListTemplatesNewSinceADayStarted() {
    Instant yesterday = NOON.minus(Duration.ofDays(1));
    put(
        count(yesterday, "api", Level.ERROR, "old error", 1),
        count(NOON, "api", Level.ERROR, "old error", 5),
        count(NOON.plus(Duration.ofMinutes(5)), "api", Level.ERROR, "new error", 2),
        count(NOON.plus(Duration.ofMinutes(1)), "db", Level.WARN, "new warning", 9),
        count(NOON.plus(Duration.ofMinutes(1)), "db", Level.INFO, "", 9));

    List<NewTemplate> today = store.newToday(NOON.plus(Duration.ofHours(1)), Optional.empty(), 10);
    assertThat(today)
        .containsExactly(
            new NewTemplate("api", "new error", NOON.plus(Duration.ofMinutes(5)), 2),
            new NewTemplate("db", "new warning", NOON.plus(Duration.ofMinutes(1)), 9));
    assertThat(store.newToday(NOON.plus(Duration.ofHours(1)), Optional.of("db"), 10))
        .extracting(NewTemplate::template)
        .containsExactly("new warning");
  }

  @Test
  void shouldFindErrorRateSpikesAgainstThePreviousHour() {
    Instant now = NOON.plus(Duration.ofMinutes(119));
    List<LineCount> counts = new ArrayList<>();
    // Previous hour (NOON..NOON+1h): 1% errors everywhere.
    counts.add(count(NOON, "api", Level.INFO, "ok", 990));
    counts.add(count(NOON, "api", Level.ERROR, "timeout", 10));
    counts.add(count(NOON, "db", Level.INFO, "ok", 990));
    counts.add(count(NOON, "db", Level.ERROR, "deadlock", 10));
    // Last hour: api at 10%, db unchanged, web new with errors, cli with a few.
    Instant later = NOON.plus(Duration.ofMinutes(90));
    counts.add(count(later, "api", Level.INFO, "ok", 900));
    counts.add(count(later, "api", Level.ERROR, "timeout", 100));
    counts.add(count(later, "db", Level.INFO, "ok", 990));
    counts.add(count(later, "db", Level.ERROR, "deadlock", 10));
    counts.add(count(later, "web", Level.ERROR, "500", 12));
    counts.add(count(later, "cli", Level.ERROR, "oops", 3));
    store.add(counts);
    store.flush();

    List<Spike> spikes = store.spikes(now, Optional.empty(), SpikePolicy.DEFAULT);
    assertThat(spikes).extracting(Spike::source).containsExactly("web", "api");
    Spike api = spikes.get(1);
    assertThat(api.lastHour()).isEqualTo(new Total("api", 1000, 100));
    assertThat(api.previousHour()).isEqualTo(new Total("api", 1000, 10));
    assertThat(api.factor()).isEqualTo(10.0);
    assertThat(store.spikes(now, Optional.of("db"), SpikePolicy.DEFAULT)).isEmpty();
  }

  @Test
  void shouldExpireMinutesBeforeTheCutoffAndKeepTheRest() {
    put(
        count(NOON.minus(Duration.ofDays(8)), "api", Level.ERROR, "ancient", 1),
        count(NOON.minus(Duration.ofDays(2)), "api", Level.ERROR, "recent", 2));

    assertThat(store.expireBefore(NOON.minus(Duration.ofDays(7)))).isPositive();
    StatsQuery all = window(NOON.minus(Duration.ofDays(30)), NOON, Duration.ofDays(1));
    assertThat(store.totals(all)).containsExactly(new Total("api", 2, 2));
    assertThat(store.expireBefore(NOON.minus(Duration.ofDays(7)))).isZero();
  }

  @Test
  void shouldKeepWhatWasFlushedAcrossARestart() {
    put(count(NOON, "api", Level.ERROR, "timeout", 3));
    store = reopen(store);
    store.add(List.of(count(NOON, "api", Level.ERROR, "timeout", 1)));
    store.flush();
    assertThat(store.totals(window(NOON, NOON.plusSeconds(60), Duration.ofMinutes(1))))
        .containsExactly(new Total("api", 4, 4));
  }

  @Test
  void shouldKeepSourcesAndTemplatesWithQuotesAndUnicodeIntact() {
    String odd = "it's \"quoted\" — ünïcode ; DROP TABLE lines; --";
    put(count(NOON, odd, Level.ERROR, odd, 1));
    StatsQuery q = window(NOON, NOON.plusSeconds(60), Duration.ofMinutes(1)).forSource(odd);
    assertThat(store.topTemplates(q)).containsExactly(new Template(odd, odd, 1, 1));
  }
}
