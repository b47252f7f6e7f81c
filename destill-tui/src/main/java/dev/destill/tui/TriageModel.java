package dev.destill.tui;

import dev.destill.core.engine.LineCleaner;
import dev.destill.core.engine.Novelty;
import dev.destill.core.explain.CitedLines;
import dev.destill.core.explain.Confidence;
import dev.destill.core.explain.EvidenceLine;
import dev.destill.core.explain.Explanation;
import dev.destill.core.model.Finding;
import dev.destill.core.model.FindingSource;
import dev.destill.core.model.ProgressEvent;
import dev.destill.core.model.Severity;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The state of the triage screen: findings grouped by hash, filters, sort, search, selection and
 * scrolling. No I/O: the renderer draws it and the event loop feeds it keys and findings. Not
 * thread-safe: it belongs to the UI thread.
 */
public final class TriageModel {

  /** Which pane the arrow keys move. */
  public enum Focus {
    LIST,
    DETAIL
  }

  /** How the list is ordered. */
  public enum Sort {
    CONFIDENCE("confidence"),
    POSITION("job and line"),
    RECURRENCE("recurrence"),
    SEVERITY("severity");

    final String label;

    Sort(String label) {
      this.label = label;
    }
  }

  /** One row of the list: a finding and how many identical findings (same hash) it stands for. */
  public record Row(Finding finding, int count) {}

  /** One line of the detail pane. */
  public record DetailLine(long number, String text, Kind kind) {
    /** What part of the finding a detail line belongs to. */
    public enum Kind {
      TITLE,
      CONTEXT,
      ERROR,
      NOTE
    }
  }

  private final Map<String, Row> byHash = new LinkedHashMap<>();
  private List<String> order = new ArrayList<>(); // hashes in display order
  private String title;
  private int jobs;
  private int failedJobs;
  private int logsRead;
  private long bytesRead; // of the logs read to their end
  private final Map<String, Long> reading = new LinkedHashMap<>(); // logs being read: bytes so far
  private Instant readingSince;
  private int seenWhileReading; // findings counted before the final ranking replaced them
  private boolean ranked;
  private boolean done;
  private final Clock clock;
  private String status = "";

  private int selected;
  private int listTop;
  private int detailTop;
  private boolean detailScrolled;
  private int detailLeft;
  private boolean wrap;
  private Focus focus = Focus.LIST;
  private boolean expanded;
  private boolean userMoved;
  private int newSinceRank;

  private int tierFilter; // 0 = all, 1 = tier 1, 2 = tiers 1-2
  private boolean hideKnown; // findings the baseline shows too are hidden
  private String jobFilter = "";
  private Severity severityFilter;
  private Sort sort = Sort.CONFIDENCE;

  private boolean searching;
  private String query = "";
  private List<LogHit> logHits = List.of();
  private boolean moreLogHits; // the log search stopped at its limit
  private int match = -1; // index of the current match: findings first, then log hits
  private LogHit shownHit; // shown in the detail pane instead of the selected finding

  private Explanation explanation; // the model's, once there is one
  private boolean showExplanation; // the detail pane shows it instead of the selected finding
  private final List<Finding> all = new ArrayList<>(); // every finding, for the cited lines

  private boolean help;
  private List<MenuItem> menu; // the filter picker, when open
  private int menuCursor;

  public TriageModel(String title) {
    this(title, Clock.systemUTC());
  }

  /**
   * @param clock tells the reading rate
   */
  public TriageModel(String title, Clock clock) {
    this.title = title;
    this.clock = clock;
  }

  // ---- input from the analysis ----

  /** A finding arrived; identical ones (same hash) fold into one row. */
  public void add(Finding f) {
    addAll(List.of(f));
  }

  /** Findings arrived; the rows are ranked again once, however many there are. */
  public void addAll(List<Finding> findings) {
    all.addAll(findings);
    boolean added = false;
    for (Finding f : findings) {
      Row existing = byHash.get(f.hash());
      if (existing != null) {
        Finding best = f.confidence() > existing.finding().confidence() ? f : existing.finding();
        byHash.put(f.hash(), new Row(best, existing.count() + f.recurrence()));
        continue;
      }
      byHash.put(f.hash(), new Row(f, f.recurrence()));
      if (userMoved) {
        order.add(f.hash()); // keep what the user looks at in place; 'r' re-ranks
        newSinceRank++;
      } else {
        added = true;
      }
    }
    if (added) {
      resort();
    }
  }

  /** The final ranking replaces what arrived live. */
  public void replaceAll(List<Finding> ranked) {
    String keep = selectedRow().map(r -> r.finding().hash()).orElse(null);
    seenWhileReading = Math.max(seenWhileReading, total());
    this.ranked = true;
    byHash.clear();
    all.clear();
    all.addAll(ranked);
    for (Finding f : ranked) {
      Row existing = byHash.get(f.hash());
      byHash.put(
          f.hash(),
          existing == null
              ? new Row(f, f.recurrence())
              : new Row(existing.finding(), existing.count() + f.recurrence()));
    }
    resort();
    if (userMoved && keep != null) {
      select(keep);
    }
  }

  public void progress(ProgressEvent e) {
    switch (e) {
      case ProgressEvent.BuildResolved b -> {
        title = b.title();
        jobs += b.jobs();
        failedJobs += b.failedJobs();
      }
      case ProgressEvent.JobStarted j -> {
        startReading();
        reading.put(j.job(), 0L);
      }
      case ProgressEvent.JobReading j -> {
        startReading();
        reading.put(j.job(), j.bytes());
      }
      case ProgressEvent.JobFinished j -> {
        startReading();
        reading.remove(j.job());
        logsRead++;
        bytesRead += j.bytes();
      }
      case ProgressEvent.Warning w -> {
        status = "warning: " + w.message();
      }
      case ProgressEvent.Completed _ -> {
        done = true;
      }
    }
  }

  /** The model explained the failure: {@code e} shows it. */
  public void explained(Explanation e) {
    explanation = e;
    status = "explanation ready: e shows it";
  }

  /** The model's explanation, once there is one. */
  public Optional<Explanation> explanation() {
    return Optional.ofNullable(explanation);
  }

  /** Whether the detail pane shows the explanation rather than the selected finding. */
  public boolean showsExplanation() {
    return showExplanation && explanation != null;
  }

  /** Shows the explanation in the detail pane, or the selected finding again. */
  public void toggleExplanation() {
    if (explanation == null) {
      status =
          "no explanation: run with --explain (DESTILL_LLM_URL and DESTILL_LLM_MODEL set) to ask"
              + " the model";
      return;
    }
    showExplanation = !showExplanation;
    shownHit = null;
    detailTop = 0;
    detailLeft = 0;
    detailScrolled = false;
  }

  /** Where the model's prose is cut into lines: the detail pane does not wrap notes. */
  private static final int PROSE = 72;

  /**
   * The explanation as detail lines: who wrote it, the cause, the fix and the confidence, then each
   * cited line verbatim under its number, so the model's words can be checked.
   */
  private List<DetailLine> explanationDetail(Explanation e) {
    List<DetailLine> lines = new ArrayList<>();
    String origin =
        "Explanation by "
            + e.model()
            + e.cachedFrom().map(r -> ", reused from " + r).orElse("")
            + "  (the model's words: check them against the lines below)";
    lines.add(new DetailLine(-1, origin, DetailLine.Kind.TITLE));
    prose(lines, "cause:      ", e.rootCause());
    if (!e.fix().isEmpty()) {
      prose(lines, "fix:        ", e.fix());
    }
    String confidence =
        e.confidence() == Confidence.INSUFFICIENT
            ? "not enough evidence"
            : e.confidence().wireName();
    lines.add(new DetailLine(-1, "confidence: " + confidence, DetailLine.Kind.NOTE));
    lines.add(new DetailLine(-1, "", DetailLine.Kind.NOTE));
    if (e.evidence().isEmpty()) {
      lines.add(new DetailLine(-1, "it cites no line of the log", DetailLine.Kind.NOTE));
    }
    boolean oneJob = e.evidence().stream().map(EvidenceLine::job).distinct().count() <= 1;
    String job = "";
    for (EvidenceLine l : e.evidence()) {
      if (!oneJob && !l.job().equals(job)) {
        job = l.job();
        lines.add(new DetailLine(-1, job, DetailLine.Kind.TITLE));
      }
      String text =
          CitedLines.text(all, l).map(LineCleaner::display).orElse("(line not among the findings)");
      lines.add(new DetailLine(l.line(), text, DetailLine.Kind.ERROR));
    }
    if (!e.verified()) {
      List<String> rejected = new ArrayList<>();
      for (EvidenceLine l : e.rejectedEvidence()) {
        rejected.add((l.job().isEmpty() ? "" : l.job() + ":") + l.line());
      }
      lines.add(new DetailLine(-1, "", DetailLine.Kind.NOTE));
      prose(
          lines,
          "note:       ",
          "it also cites lines that were not sent to it ("
              + String.join(", ", rejected)
              + "); treat it with care");
    }
    return lines;
  }

  /** {@code text} cut at spaces into lines of about {@link #PROSE} columns, the first labeled. */
  private static void prose(List<DetailLine> lines, String label, String text) {
    String indent = " ".repeat(label.length());
    StringBuilder line = new StringBuilder(label);
    for (String word : text.strip().split("\\s+")) {
      if (line.length() > label.length() && line.length() + 1 + word.length() > PROSE) {
        lines.add(new DetailLine(-1, line.toString(), DetailLine.Kind.NOTE));
        line = new StringBuilder(indent);
      }
      if (line.length() > label.length()) {
        line.append(' ');
      }
      line.append(word);
    }
    lines.add(new DetailLine(-1, line.toString(), DetailLine.Kind.NOTE));
  }

  // ---- what the renderer reads ----

  public String title() {
    return title;
  }

  /**
   * The header's summary: jobs and counts. Until the final ranking the counts are provisional (the
   * ranking folds duplicates and keeps each job's strongest), and say so.
   */
  public String summary() {
    int other = jobs - failedJobs;
    String jobsPart =
        "jobs "
            + jobs
            + " ("
            + failedJobs
            + " failed"
            + (other > 0 ? ", " + other + " other" : "")
            + ")";
    if (!done) {
      return jobsPart
          + "  findings "
          + total()
          + " so far ("
          + byHash.size()
          + " unique, provisional until ranked)";
    }
    String before =
        ranked && seenWhileReading > total() ? "; " + seenWhileReading + " before ranking" : "";
    return jobsPart + "  findings " + total() + " (" + byHash.size() + " unique" + before + ")";
  }

  /**
   * How far reading has got, for the header while the analysis runs: logs read, bytes and rate;
   * empty once it is done.
   */
  public String progressLine() {
    if (done) {
      return "";
    }
    long bytes = bytesRead + reading.values().stream().mapToLong(Long::longValue).sum();
    if (readingSince == null) {
      return "resolving the build...";
    }
    if (reading.isEmpty() && jobs > 0 && logsRead >= jobs) {
      return "read " + logsRead + " logs, " + size(bytes) + "; ranking...";
    }
    double seconds = Duration.between(readingSince, clock.instant()).toMillis() / 1000.0;
    String rate = seconds >= 0.5 ? ", " + size((long) (bytes / seconds)) + "/s" : "";
    return String.format(
        Locale.ROOT,
        "reading logs %d/%d, %s%s",
        logsRead,
        Math.max(jobs, logsRead),
        size(bytes),
        rate);
  }

  private void startReading() {
    if (readingSince == null) {
      readingSince = clock.instant();
    }
  }

  /** {@code 512 KB}, {@code 12.3 MB}, {@code 1.4 GB}. */
  static String size(long bytes) {
    if (bytes < 1 << 20) {
      return (bytes >> 10) + " KB";
    }
    if (bytes < 1L << 30) {
      return String.format(Locale.ROOT, "%.1f MB", bytes / (double) (1 << 20));
    }
    return String.format(Locale.ROOT, "%.1f GB", bytes / (double) (1L << 30));
  }

  private int total() {
    return byHash.values().stream().mapToInt(Row::count).sum();
  }

  public boolean done() {
    return done;
  }

  public String status() {
    return status;
  }

  public void setStatus(String status) {
    this.status = status;
  }

  public List<Row> rows() {
    List<Row> out = new ArrayList<>();
    for (String h : order) {
      Row r = byHash.get(h);
      if (r != null && visible(r.finding())) {
        out.add(r);
      }
    }
    return out;
  }

  public int selected() {
    return selected;
  }

  public Optional<Row> selectedRow() {
    List<Row> rows = rows();
    return selected < rows.size() ? Optional.of(rows.get(selected)) : Optional.empty();
  }

  public int listTop() {
    return listTop;
  }

  /** The first detail line shown: a few lines above the finding until the user scrolls. */
  public int detailTop() {
    if (detailScrolled) {
      return detailTop;
    }
    // A log line starts with its title (which job, which line); a finding with its context.
    return shownHit != null || showsExplanation() ? 0 : Math.max(0, detailAnchor() - 3);
  }

  public int detailLeft() {
    return detailLeft;
  }

  public boolean wrap() {
    return wrap;
  }

  public Focus focus() {
    return focus;
  }

  public boolean expanded() {
    return expanded;
  }

  public boolean searching() {
    return searching;
  }

  public String query() {
    return query;
  }

  public boolean help() {
    return help;
  }

  public Sort sort() {
    return sort;
  }

  public int newSinceRank() {
    return newSinceRank;
  }

  /** The active filters in words, empty when none. */
  public String filters() {
    List<String> parts = new ArrayList<>();
    if (tierFilter > 0) {
      parts.add(tierFilter == 1 ? "tier 1" : "tiers 1-2");
    }
    if (!jobFilter.isEmpty()) {
      parts.add("job " + jobFilter);
    }
    if (severityFilter != null) {
      parts.add(severityFilter.id() + "+");
    }
    if (hideKnown) {
      parts.add("known hidden");
    }
    return String.join(", ", parts);
  }

  /** The detail pane's lines for the selected finding. */
  public List<DetailLine> detail() {
    if (showsExplanation()) {
      return explanationDetail(explanation);
    }
    if (shownHit != null) {
      return hitDetail(shownHit);
    }
    Optional<Row> row = selectedRow();
    if (row.isEmpty()) {
      return List.of();
    }
    Finding f = row.get().finding();
    List<DetailLine> lines = new ArrayList<>();
    String where =
        f.job()
            + (f.step().isEmpty() ? "" : " > " + f.step())
            + (f.line() > 0
                ? "  lines " + f.line() + (f.endLine() > f.line() ? "-" + f.endLine() : "")
                : "");
    lines.add(new DetailLine(-1, where, DetailLine.Kind.TITLE));
    String facts =
        String.format(
            Locale.ROOT,
            "tier %d  confidence %.2f  %s  %s  x%d in this build%s",
            f.tier(),
            f.confidence(),
            f.severity().id(),
            f.source().id(),
            row.get().count(),
            history(f));
    lines.add(new DetailLine(-1, facts, DetailLine.Kind.NOTE));
    if (!f.signals().isEmpty()) {
      lines.add(new DetailLine(-1, "why: " + String.join(", ", f.signals()), DetailLine.Kind.NOTE));
    }
    f.test()
        .ifPresent(
            t ->
                lines.add(
                    new DetailLine(
                        -1,
                        "test: "
                            + t.className()
                            + " > "
                            + t.name()
                            + (t.file().isEmpty() ? "" : " (" + t.file() + ")"),
                        DetailLine.Kind.NOTE)));
    lines.add(new DetailLine(-1, "", DetailLine.Kind.NOTE));
    if (f.source() == FindingSource.JUNIT) {
      for (String l : f.block()) {
        lines.add(new DetailLine(-1, LineCleaner.display(l), DetailLine.Kind.ERROR));
      }
      for (String l : f.postContext()) {
        lines.add(new DetailLine(-1, LineCleaner.display(l), DetailLine.Kind.CONTEXT));
      }
      return lines;
    }
    long n = f.line() - f.preContext().size();
    for (String l : f.preContext()) {
      lines.add(new DetailLine(n++, LineCleaner.display(l), DetailLine.Kind.CONTEXT));
    }
    for (String l : f.block()) {
      lines.add(new DetailLine(n++, LineCleaner.display(l), DetailLine.Kind.ERROR));
    }
    for (String l : f.postContext()) {
      lines.add(new DetailLine(n++, LineCleaner.display(l), DetailLine.Kind.CONTEXT));
    }
    return lines;
  }

  private static List<DetailLine> hitDetail(LogHit h) {
    List<DetailLine> lines = new ArrayList<>();
    lines.add(new DetailLine(-1, h.job() + "  line " + h.line(), DetailLine.Kind.TITLE));
    lines.add(
        new DetailLine(
            -1, "a line of the log that matches, outside every finding", DetailLine.Kind.NOTE));
    lines.add(new DetailLine(-1, "", DetailLine.Kind.NOTE));
    long n = h.line() - h.before().size();
    for (String l : h.before()) {
      lines.add(new DetailLine(n++, l, DetailLine.Kind.CONTEXT));
    }
    lines.add(new DetailLine(n++, h.text(), DetailLine.Kind.ERROR));
    for (String l : h.after()) {
      lines.add(new DetailLine(n++, l, DetailLine.Kind.CONTEXT));
    }
    return lines;
  }

  /** One finding of each job that has any, in order of arrival: how the UI finds their logs. */
  public Map<String, Finding> jobsWithFindings() {
    Map<String, Finding> out = new LinkedHashMap<>();
    for (Row r : byHash.values()) {
      out.putIfAbsent(r.finding().job(), r.finding());
    }
    return out;
  }

  /** Whether rows show the job column: not when every finding comes from one job. */
  public boolean showJobColumn() {
    return jobs > 1 || byHash.values().stream().map(r -> r.finding().job()).distinct().count() > 1;
  }

  /** Whether rows show the history column: when the history knows any finding. */
  public boolean showHistoryColumn() {
    return byHash.values().stream().anyMatch(r -> r.finding().history().isPresent());
  }

  /** Index in {@link #detail()} of the finding's first line, for scrolling it into view. */
  public int detailAnchor() {
    List<DetailLine> d = detail();
    for (int i = 0; i < d.size(); i++) {
      if (d.get(i).kind() == DetailLine.Kind.ERROR) {
        return i;
      }
    }
    return 0;
  }

  static String history(Finding f) {
    return f.history()
        .map(
            h ->
                h.isNew()
                    ? "  new"
                    : "  seen in " + h.buildsSeen() + " of " + h.buildsKnown() + " builds")
        .orElse("");
  }

  // ---- navigation ----

  /** Moves the focused pane by {@code delta} lines; {@code viewRows} is the visible height. */
  public void move(int delta, int viewRows) {
    if (focus == Focus.DETAIL || expanded) {
      detailTop = Math.max(0, Math.min(Math.max(0, detail().size() - 1), detailTop() + delta));
      detailScrolled = true;
      return;
    }
    int n = rows().size();
    if (n == 0) {
      return;
    }
    userMoved = true;
    shownHit = null;
    showExplanation = false; // picking a finding shows it
    selected = Math.max(0, Math.min(n - 1, selected + delta));
    resetDetail();
    keepVisible(viewRows);
  }

  public void home(int viewRows) {
    move(Integer.MIN_VALUE / 2, viewRows);
  }

  public void end(int viewRows) {
    move(Integer.MAX_VALUE / 2, viewRows);
  }

  public void sideways(int delta) {
    detailLeft = Math.max(0, detailLeft + delta);
  }

  public void toggleWrap() {
    wrap = !wrap;
    detailLeft = 0;
  }

  public void toggleFocus() {
    focus = focus == Focus.LIST ? Focus.DETAIL : Focus.LIST;
  }

  public void toggleExpand() {
    expanded = !expanded;
  }

  public void toggleHelp() {
    help = !help;
  }

  public void closeHelp() {
    help = false;
  }

  private void keepVisible(int viewRows) {
    if (selected < listTop) {
      listTop = selected;
    } else if (viewRows > 0 && selected >= listTop + viewRows) {
      listTop = selected - viewRows + 1;
    }
  }

  private void resetDetail() {
    detailScrolled = false;
    detailLeft = 0;
  }

  private void select(String hash) {
    List<Row> rows = rows();
    for (int i = 0; i < rows.size(); i++) {
      if (rows.get(i).finding().hash().equals(hash)) {
        selected = i;
        return;
      }
    }
    selected = Math.min(selected, Math.max(0, rows.size() - 1));
  }

  // ---- ranking, sorting and filtering ----

  /** Re-sorts with every finding that arrived, keeping the selected finding selected. */
  public void rerank() {
    String keep = selectedRow().map(r -> r.finding().hash()).orElse(null);
    resort();
    if (keep != null) {
      select(keep);
    }
  }

  public void cycleSort() {
    sort = Sort.values()[(sort.ordinal() + 1) % Sort.values().length];
    rerank();
    status = "sorted by " + sort.label;
  }

  /** Hides the findings the baseline shows too (novelty known), or shows them again. */
  public void toggleHideKnown() {
    hideKnown = !hideKnown;
    afterFilter();
  }

  /** True when findings the baseline shows too are hidden. */
  public boolean hideKnown() {
    return hideKnown;
  }

  /** 0 shows every tier, 1 only tier 1, 2 tiers 1 and 2. */
  public void tierFilter(int tier) {
    tierFilter = tier;
    afterFilter();
  }

  /** One choice of the filter picker. */
  public record MenuItem(String label, int count, boolean active, Choice choice) {}

  /** What a filter picker choice sets: one dimension of the filters, or all of them cleared. */
  public sealed interface Choice {
    /** {@code 0} all tiers, {@code 1} tier 1, {@code 2} tiers 1 and 2. */
    record Tier(int tier) implements Choice {}

    /** Empty for any job. */
    record Job(String job) implements Choice {}

    /** Empty for any severity; ERROR keeps errors and fatal errors, FATAL only fatal ones. */
    record AtLeast(Optional<Severity> severity) implements Choice {}

    record ClearAll() implements Choice {}
  }

  /** Opens the filter picker on the first active choice. */
  public void openFilterMenu() {
    menu = menuItems();
    menuCursor = 0;
    for (int i = 0; i < menu.size(); i++) {
      Choice c = menu.get(i).choice();
      boolean narrows =
          c instanceof Choice.Tier t && t.tier() > 0
              || c instanceof Choice.Job j && !j.job().isEmpty()
              || c instanceof Choice.AtLeast a && a.severity().isPresent();
      if (menu.get(i).active() && narrows) {
        menuCursor = i;
        break;
      }
    }
  }

  public Optional<List<MenuItem>> menu() {
    return Optional.ofNullable(menu);
  }

  public int menuCursor() {
    return menuCursor;
  }

  public void menuMove(int delta) {
    if (menu != null) {
      menuCursor = Math.max(0, Math.min(menu.size() - 1, menuCursor + delta));
    }
  }

  /** Applies the choice under the cursor and closes the picker. */
  public void menuApply() {
    if (menu == null) {
      return;
    }
    Choice c = menu.get(menuCursor).choice();
    menu = null;
    switch (c) {
      case Choice.Tier t -> tierFilter = t.tier();
      case Choice.Job j -> jobFilter = j.job();
      case Choice.AtLeast a -> severityFilter = a.severity().orElse(null);
      case Choice.ClearAll x -> {
        tierFilter = 0;
        jobFilter = "";
        severityFilter = null;
      }
    }
    afterFilter();
  }

  public void closeMenu() {
    menu = null;
  }

  private List<MenuItem> menuItems() {
    List<MenuItem> items = new ArrayList<>();
    String[] tiers = {"tier: all", "tier: 1 only (likely causes)", "tier: 1 and 2"};
    for (int t = 0; t < 3; t++) {
      int tier = t;
      items.add(
          new MenuItem(
              tiers[t],
              count(f -> visible(f, tier, jobFilter, severityFilter)),
              tierFilter == t,
              new Choice.Tier(t)));
    }
    items.add(
        new MenuItem(
            "severity: any",
            count(f -> visible(f, tierFilter, jobFilter, null)),
            severityFilter == null,
            new Choice.AtLeast(Optional.empty())));
    for (Severity sev : List.of(Severity.ERROR, Severity.FATAL)) {
      items.add(
          new MenuItem(
              sev == Severity.ERROR ? "severity: error and fatal" : "severity: fatal only",
              count(f -> visible(f, tierFilter, jobFilter, sev)),
              severityFilter == sev,
              new Choice.AtLeast(Optional.of(sev))));
    }
    items.add(
        new MenuItem(
            "job: any",
            count(f -> visible(f, tierFilter, "", severityFilter)),
            jobFilter.isEmpty(),
            new Choice.Job("")));
    for (String job :
        new LinkedHashSet<>(byHash.values().stream().map(r -> r.finding().job()).toList())) {
      items.add(
          new MenuItem(
              "job: " + job,
              count(f -> visible(f, tierFilter, job, severityFilter)),
              job.equals(jobFilter),
              new Choice.Job(job)));
    }
    items.add(
        new MenuItem(
            "clear all filters", count(f -> true), filters().isEmpty(), new Choice.ClearAll()));
    return List.copyOf(items);
  }

  private int count(Predicate<Finding> p) {
    return (int) byHash.values().stream().filter(r -> p.test(r.finding())).count();
  }

  public void clearFilters() {
    tierFilter = 0;
    jobFilter = "";
    severityFilter = null;
    hideKnown = false;
    afterFilter();
  }

  private void afterFilter() {
    selected = 0;
    listTop = 0;
    shownHit = null;
    match = -1;
    resetDetail();
    status = filters().isEmpty() ? "no filter" : "filter: " + filters();
  }

  private boolean visible(Finding f) {
    if (hideKnown && Novelty.of(f) == Novelty.KNOWN) {
      return false;
    }
    return visible(f, tierFilter, jobFilter, severityFilter);
  }

  private static boolean visible(Finding f, int tier, String job, Severity atLeast) {
    if (tier > 0 && f.tier() > tier) {
      return false;
    }
    if (!job.isEmpty() && !f.job().equals(job)) {
      return false;
    }
    if (atLeast == Severity.ERROR && f.severity() == Severity.WARNING) {
      return false;
    }
    return atLeast != Severity.FATAL || f.severity() == Severity.FATAL;
  }

  private void resort() {
    List<Row> rows = new ArrayList<>(byHash.values());
    Comparator<Row> byConfidence =
        Comparator.comparingInt((Row r) -> r.finding().tier())
            .thenComparing(
                Comparator.comparingDouble((Row r) -> r.finding().confidence()).reversed());
    Comparator<Row> c =
        switch (sort) {
          case CONFIDENCE -> byConfidence;
          case POSITION ->
              Comparator.comparing((Row r) -> r.finding().job())
                  .thenComparingLong(r -> r.finding().line());
          case RECURRENCE ->
              Comparator.comparingInt(Row::count).reversed().thenComparing(byConfidence);
          case SEVERITY ->
              Comparator.comparingInt((Row r) -> r.finding().severity().ordinal())
                  .thenComparing(byConfidence);
        };
    rows.sort(c);
    order = new ArrayList<>(rows.stream().map(r -> r.finding().hash()).toList());
    newSinceRank = 0;
  }

  // ---- search ----

  /** A line of a job's log that matches the search outside every finding, with a little context. */
  public record LogHit(
      String job, long line, List<String> before, String text, List<String> after) {
    public LogHit {
      before = List.copyOf(before);
      after = List.copyOf(after);
    }
  }

  public void startSearch() {
    searching = true;
    query = "";
    logHits = List.of();
    match = -1;
    shownHit = null;
  }

  /** Incremental: each key moves to the first matching finding at or after the selection. */
  public void type(char c) {
    query += c;
    logHits = List.of();
    findFrom(selected);
  }

  public void backspace() {
    if (!query.isEmpty()) {
      query = query.substring(0, query.length() - 1);
      logHits = List.of();
      findFrom(selected);
    }
  }

  /** Enter: stops typing; the matches stay highlighted and n/N go through them. */
  public void commitSearch() {
    searching = false;
    if (query.isEmpty()) {
      clearSearch();
    } else if (matchCount() == 0) {
      status = "no match for '" + query + "'";
    }
  }

  public void cancelSearch() {
    searching = false;
    clearSearch();
  }

  /** Forgets the query, its matches and highlights. */
  public void clearSearch() {
    query = "";
    logHits = List.of();
    match = -1;
    shownHit = null;
  }

  /**
   * The lines of the logs that match the query outside the findings, found by the caller (it reads
   * files); they come after the matching findings in the n/N order.
   */
  public void logHits(List<LogHit> hits) {
    logHits(hits, false);
  }

  /**
   * As {@link #logHits(List)}; {@code more} says the caller stopped at a limit, and the count says
   * so ({@code 1000+ log lines}).
   */
  public void logHits(List<LogHit> hits, boolean more) {
    moreLogHits = more;
    Map<String, List<long[]>> ranges = new LinkedHashMap<>();
    for (Row r : byHash.values()) {
      Finding f = r.finding();
      ranges
          .computeIfAbsent(f.job(), k -> new ArrayList<>())
          .add(new long[] {f.line(), Math.max(f.line(), f.endLine())});
    }
    List<LogHit> outside = new ArrayList<>();
    for (LogHit h : hits) {
      boolean inside = false;
      for (long[] range : ranges.getOrDefault(h.job(), List.of())) {
        inside |= h.line() >= range[0] && h.line() <= range[1];
      }
      if (!inside) {
        outside.add(h);
      }
    }
    logHits = List.copyOf(outside);
    if (match < 0 && !logHits.isEmpty()) {
      status = ""; // the findings had no match, but the logs do
      showMatch(findingMatches().size());
    }
  }

  /** Whether a search is active (typed, or committed and not cleared). */
  public boolean hasQuery() {
    return !query.isEmpty();
  }

  /** Findings that match, then log lines: how many in all. */
  public int matchCount() {
    return query.isEmpty() ? 0 : findingMatches().size() + logHits.size();
  }

  /** The matches in words: {@code 3/17 (12 findings, 5 log lines)}. */
  public String matchSummary() {
    int total = matchCount();
    if (total == 0) {
      return "no match";
    }
    int inFindings = findingMatches().size();
    return (match + 1)
        + "/"
        + total
        + " ("
        + inFindings
        + (inFindings == 1 ? " finding" : " findings")
        + (logHits.isEmpty()
            ? ""
            : ", "
                + logHits.size()
                + (moreLogHits ? "+" : "")
                + (logHits.size() == 1 ? " log line" : " log lines"))
        + ")";
  }

  /** The log line shown in the detail pane instead of the selected finding, if any. */
  public Optional<LogHit> shownHit() {
    return Optional.ofNullable(shownHit);
  }

  public void nextMatch() {
    step(1);
  }

  public void previousMatch() {
    step(-1);
  }

  private void step(int delta) {
    int total = matchCount();
    if (total == 0) {
      status = query.isEmpty() ? "no search: / to search" : "no match for '" + query + "'";
      return;
    }
    showMatch(Math.floorMod((match < 0 ? (delta > 0 ? -1 : 0) : match) + delta, total));
  }

  private void showMatch(int index) {
    match = index;
    List<Integer> inFindings = findingMatches();
    if (index < inFindings.size()) {
      shownHit = null;
      selected = inFindings.get(index);
      userMoved = true;
      resetDetail();
      if (selected < listTop) {
        listTop = selected;
      }
    } else {
      shownHit = logHits.get(index - inFindings.size());
      detailScrolled = false;
      detailLeft = 0;
    }
  }

  /** Indexes in {@link #rows()} of the findings that match the query. */
  private List<Integer> findingMatches() {
    List<Integer> out = new ArrayList<>();
    if (query.isEmpty()) {
      return out;
    }
    List<Row> rows = rows();
    for (int i = 0; i < rows.size(); i++) {
      if (matches(rows.get(i).finding())) {
        out.add(i);
      }
    }
    return out;
  }

  private void findFrom(int start) {
    List<Integer> inFindings = findingMatches();
    if (inFindings.isEmpty()) {
      match = -1;
      shownHit = null;
      return;
    }
    for (int k = 0; k < inFindings.size(); k++) {
      if (inFindings.get(k) >= start) {
        showMatch(k);
        return;
      }
    }
    showMatch(0);
  }

  /**
   * Whether the first pane position should follow the selection when the view is {@code rows} high.
   */
  public void scrollTo(int viewRows) {
    keepVisible(viewRows);
  }

  private boolean matches(Finding f) {
    String q = query.toLowerCase(Locale.ROOT);
    if (f.message().toLowerCase(Locale.ROOT).contains(q)
        || f.job().toLowerCase(Locale.ROOT).contains(q)
        || f.step().toLowerCase(Locale.ROOT).contains(q)) {
      return true;
    }
    for (String l : f.block()) {
      if (l.toLowerCase(Locale.ROOT).contains(q)) {
        return true;
      }
    }
    return false;
  }
}
