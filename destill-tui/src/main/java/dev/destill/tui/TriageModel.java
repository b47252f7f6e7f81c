package dev.destill.tui;

import dev.destill.core.model.Finding;
import dev.destill.core.model.FindingSource;
import dev.destill.core.model.ProgressEvent;
import dev.destill.core.model.Severity;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

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
  private long bytesRead;
  private boolean done;
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
  private String jobFilter = "";
  private Severity severityFilter;
  private Sort sort = Sort.CONFIDENCE;

  private boolean searching;
  private String query = "";
  private boolean help;

  public TriageModel(String title) {
    this.title = title;
  }

  // ---- input from the analysis ----

  /** A finding arrived; identical ones (same hash) fold into one row. */
  public void add(Finding f) {
    addAll(List.of(f));
  }

  /** Findings arrived; the rows are ranked again once, however many there are. */
  public void addAll(List<Finding> findings) {
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
    byHash.clear();
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
      case ProgressEvent.JobFinished j -> {
        logsRead++;
        bytesRead += j.bytes();
      }
      case ProgressEvent.Warning w -> {
        status = "warning: " + w.message();
      }
      case ProgressEvent.JobStarted _ -> {
        // Only finished jobs count.
      }
      case ProgressEvent.Completed _ -> {
        done = true;
      }
    }
  }

  // ---- what the renderer reads ----

  public String title() {
    return title;
  }

  /** The header's summary: jobs, progress and counts. */
  public String summary() {
    int total = byHash.values().stream().mapToInt(Row::count).sum();
    String progress =
        done
            ? ""
            : String.format(
                Locale.ROOT, "  reading logs %d/%d (%d MB)...", logsRead, jobs, bytesRead >> 20);
    return String.format(
        Locale.ROOT,
        "jobs %d (%d failed, %d other)  findings %d (%d unique)%s",
        jobs,
        failedJobs,
        jobs - failedJobs,
        total,
        byHash.size(),
        progress);
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
    return detailScrolled ? detailTop : Math.max(0, detailAnchor() - 3);
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
    return String.join(", ", parts);
  }

  /** The detail pane's lines for the selected finding. */
  public List<DetailLine> detail() {
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
        lines.add(new DetailLine(-1, l, DetailLine.Kind.ERROR));
      }
      for (String l : f.postContext()) {
        lines.add(new DetailLine(-1, l, DetailLine.Kind.CONTEXT));
      }
      return lines;
    }
    long n = f.line() - f.preContext().size();
    for (String l : f.preContext()) {
      lines.add(new DetailLine(n++, l, DetailLine.Kind.CONTEXT));
    }
    for (String l : f.block()) {
      lines.add(new DetailLine(n++, l, DetailLine.Kind.ERROR));
    }
    for (String l : f.postContext()) {
      lines.add(new DetailLine(n++, l, DetailLine.Kind.CONTEXT));
    }
    return lines;
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

  /** 0 shows every tier, 1 only tier 1, 2 tiers 1 and 2. */
  public void tierFilter(int tier) {
    tierFilter = tier;
    afterFilter();
  }

  public void cycleJobFilter() {
    List<String> jobsSeen =
        new ArrayList<>(
            new LinkedHashSet<>(byHash.values().stream().map(r -> r.finding().job()).toList()));
    if (jobsSeen.isEmpty()) {
      return;
    }
    int i = jobsSeen.indexOf(jobFilter);
    jobFilter = i + 1 >= jobsSeen.size() ? "" : jobsSeen.get(i + 1);
    afterFilter();
  }

  public void cycleSeverityFilter() {
    severityFilter =
        severityFilter == null
            ? Severity.ERROR
            : severityFilter == Severity.ERROR ? Severity.FATAL : null;
    afterFilter();
  }

  public void clearFilters() {
    tierFilter = 0;
    jobFilter = "";
    severityFilter = null;
    afterFilter();
  }

  private void afterFilter() {
    selected = 0;
    listTop = 0;
    resetDetail();
    status = filters().isEmpty() ? "no filter" : "filter: " + filters();
  }

  private boolean visible(Finding f) {
    if (tierFilter > 0 && f.tier() > tierFilter) {
      return false;
    }
    if (!jobFilter.isEmpty() && !f.job().equals(jobFilter)) {
      return false;
    }
    if (severityFilter == Severity.ERROR && f.severity() == Severity.WARNING) {
      return false;
    }
    return severityFilter != Severity.FATAL || f.severity() == Severity.FATAL;
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

  public void startSearch() {
    searching = true;
    query = "";
  }

  /** Incremental: each key moves to the first match at or after the selection. */
  public void type(char c) {
    query += c;
    findFrom(selected, 1);
  }

  public void backspace() {
    if (!query.isEmpty()) {
      query = query.substring(0, query.length() - 1);
    }
  }

  public void commitSearch() {
    searching = false;
    status = query.isEmpty() ? "" : matches() + " matches for '" + query + "' (n/N: next/previous)";
  }

  public void cancelSearch() {
    searching = false;
    query = "";
    status = "";
  }

  public void nextMatch() {
    findFrom(selected + 1, 1);
  }

  public void previousMatch() {
    findFrom(selected - 1, -1);
  }

  private int matches() {
    return (int) rows().stream().filter(r -> matches(r.finding())).count();
  }

  private void findFrom(int start, int step) {
    List<Row> rows = rows();
    if (query.isEmpty() || rows.isEmpty()) {
      return;
    }
    int n = rows.size();
    for (int k = 0; k < n; k++) {
      int i = Math.floorMod(start + k * step, n);
      if (matches(rows.get(i).finding())) {
        selected = i;
        userMoved = true;
        resetDetail();
        if (selected < listTop) {
          listTop = selected;
        }
        return;
      }
    }
    status = "no match for '" + query + "'";
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
