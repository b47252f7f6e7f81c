package dev.destill.dashboard;

import dev.destill.server.analysis.Analyses;
import dev.destill.server.analysis.Listing;
import dev.destill.server.analysis.Query;
import dev.destill.server.analysis.Status;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The recurring failures of a window of days: which fingerprints broke the most builds among the
 * finished analyses the port lists (the newest {@link #SCANNED}), with builds per day, first and
 * last seen, the pipelines and branches, the builds, and whether each is new this week or stopped.
 * A pure fold over the listings; thread-safe.
 */
final class Recurring {
  /** Analyses looked at, newest first. */
  static final int SCANNED = 5_000;

  /** The windows the page offers, in days. */
  static final List<Integer> WINDOWS = List.of(7, 14, 30, 90);

  static final int WEEK = 7;

  /** One fingerprint over the window. */
  record Fingerprint(
      String hash,
      Optional<Summaries.Sample> sample,
      int builds,
      int occurrences,
      Instant firstSeen,
      Instant lastSeen,
      List<String> pipelines,
      List<String> branches,
      List<LocalDate> days,
      int[] perDay,
      List<Listing> broke,
      boolean isNew,
      boolean stopped) {}

  private final Analyses analyses;
  private final Summaries summaries;
  private final Clock clock;

  Recurring(Analyses analyses, Summaries summaries, Clock clock) {
    this.analyses = analyses;
    this.summaries = summaries;
    this.clock = clock;
  }

  /**
   * The fingerprints seen in at least two builds of the last {@code days} days (all of them when
   * {@code hash} names one), most builds first, at most {@code limit}.
   */
  List<Fingerprint> top(int days, Optional<String> hash, int limit) {
    Instant now = clock.instant();
    Instant since = now.minus(Duration.ofDays(days));
    LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
    LocalDate first = today.minusDays(days - 1L);
    List<LocalDate> dayList = new ArrayList<>();
    for (LocalDate d = first; !d.isAfter(today); d = d.plusDays(1)) {
      dayList.add(d);
    }
    Map<String, Acc> byHash = new HashMap<>();
    List<Listing> listed = analyses.recent(new Query("", "", "", Optional.empty(), 0, SCANNED));
    for (Listing l : listed) {
      if (l.created().isBefore(since)) {
        continue;
      }
      if (l.status() != Status.COMPLETE && l.status() != Status.INCOMPLETE) {
        continue;
      }
      for (var e : summaries.fingerprints(l).entrySet()) {
        if (hash.isPresent() && !hash.get().equals(e.getKey())) {
          continue;
        }
        Acc a = byHash.computeIfAbsent(e.getKey(), k -> new Acc(dayList.size()));
        a.add(l, e.getValue(), first);
      }
    }
    Instant weekAgo = now.minus(Duration.ofDays(WEEK));
    boolean longWindow = days > WEEK;
    return byHash.entrySet().stream()
        .filter(e -> hash.isPresent() || e.getValue().broke.size() >= 2)
        .map(
            e -> {
              Acc a = e.getValue();
              return new Fingerprint(
                  e.getKey(),
                  summaries.sample(e.getKey()),
                  a.broke.size(),
                  a.occurrences,
                  a.firstSeen,
                  a.lastSeen,
                  List.copyOf(a.pipelines),
                  List.copyOf(a.branches),
                  List.copyOf(dayList),
                  a.perDay,
                  a.broke.stream()
                      .sorted(Comparator.comparing(Listing::created).reversed())
                      .toList(),
                  longWindow && !a.firstSeen.isBefore(weekAgo),
                  longWindow && a.lastSeen.isBefore(weekAgo));
            })
        .sorted(
            Comparator.comparingInt(Fingerprint::builds)
                .reversed()
                .thenComparing(Comparator.comparingInt(Fingerprint::occurrences).reversed())
                .thenComparing(Fingerprint::hash))
        .limit(limit)
        .toList();
  }

  private static final class Acc {
    final int[] perDay;
    final List<Listing> broke = new ArrayList<>();
    final TreeSet<String> pipelines = new TreeSet<>();
    final TreeSet<String> branches = new TreeSet<>();
    int occurrences;
    Instant firstSeen = Instant.MAX;
    Instant lastSeen = Instant.MIN;

    Acc(int days) {
      perDay = new int[days];
    }

    void add(Listing l, int count, LocalDate first) {
      broke.add(l);
      occurrences += count;
      if (l.created().isBefore(firstSeen)) {
        firstSeen = l.created();
      }
      if (l.created().isAfter(lastSeen)) {
        lastSeen = l.created();
      }
      if (!l.labels().pipeline().isEmpty()) {
        pipelines.add(l.labels().pipeline());
      }
      if (!l.labels().branch().isEmpty()) {
        branches.add(l.labels().branch());
      }
      long d = ChronoUnit.DAYS.between(first, LocalDate.ofInstant(l.created(), ZoneOffset.UTC));
      if (d >= 0 && d < perDay.length) {
        perDay[(int) d]++;
      }
    }
  }
}
