package dev.destill.tui;

import com.googlecode.lanterna.SGR;
import com.googlecode.lanterna.TerminalSize;
import com.googlecode.lanterna.TextColor;
import com.googlecode.lanterna.graphics.TextGraphics;
import dev.destill.core.engine.LineCleaner;
import dev.destill.core.model.Finding;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Draws a {@link TriageModel} onto a Lanterna screen: header, finding list, detail pane and a
 * footer with the search prompt or key hints. Colours use the terminal's own foreground and
 * background plus a few accents, so light and dark themes both read; with {@code color == false}
 * (NO_COLOR) only bold and reverse video are used. Stateless and thread-safe.
 */
public final class Renderer {
  /** Below this size the screen shows only a note: the layout needs this much room. */
  static final int MIN_COLUMNS = 50;

  static final int MIN_ROWS = 12;

  static final String HINTS =
      "j/k move  Tab detail  Enter expand  / search  f filter  s sort  ? help  q quit";
  static final String HINTS_DETAIL =
      "j/k scroll  ←/→ sideways  w wrap  Tab list  Enter expand  / search  ? help  q quit";
  static final String HINTS_EXPANDED =
      "j/k scroll  ←/→ sideways  w wrap  Enter/Esc collapse  / search  ? help  q quit";
  static final String HINTS_HELP = "q, Esc or ? close the help";
  static final String HINTS_MENU = "j/k choose  Enter apply  Esc cancel";
  static final String[] HELP = {
    "Keys",
    "  Up/Down, j/k      move in the focused pane",
    "  PgUp/PgDn         a page up or down",
    "  Home/End, g/G     first or last",
    "  Left/Right, h/l   scroll the detail sideways",
    "  w                 wrap long lines in the detail",
    "  Tab               switch focus between list and detail",
    "  Enter / Esc       expand the detail to the whole screen / back",
    "  /  then n/N       search findings and logs; next / previous match",
    "  f                 pick a filter: tier, severity, job; or clear",
    "  0 / 1 / 2         all tiers / tier 1 only / tiers 1 and 2",
    "  s                 change the sort (confidence, position, ...)",
    "  x                 hide / show findings the baseline (green build) has too",
    "  r                 re-rank with the findings that arrived",
    "  y                 copy the finding (OSC 52)",
    "  o                 open the job log at the finding in $PAGER",
    "  e                 the model's explanation (with --explain) / the finding",
    "  Ctrl-L            redraw the screen",
    "  ? / q             this help / quit",
  };

  private final boolean color;

  public Renderer(boolean color) {
    this.color = color;
  }

  /** Whether {@code size} has room for the layout. */
  public static boolean fits(TerminalSize size) {
    return size.getColumns() >= MIN_COLUMNS && size.getRows() >= MIN_ROWS;
  }

  /** The number of list rows for a screen of {@code size}. */
  public static int listRows(TerminalSize size, boolean expanded) {
    if (expanded) {
      return 0;
    }
    int body = Math.max(2, size.getRows() - 4);
    return Math.max(1, body * 2 / 5);
  }

  /** The number of detail rows for a screen of {@code size}. */
  public static int detailRows(TerminalSize size, boolean expanded) {
    int body = Math.max(2, size.getRows() - 4);
    return expanded ? body + 1 : Math.max(1, body - listRows(size, false));
  }

  /** The key hints for what the screen shows now. */
  static String hints(TriageModel m) {
    if (m.help()) {
      return HINTS_HELP;
    }
    if (m.menu().isPresent()) {
      return HINTS_MENU;
    }
    if (m.expanded()) {
      return HINTS_EXPANDED;
    }
    return m.focus() == TriageModel.Focus.DETAIL ? HINTS_DETAIL : HINTS;
  }

  /** The footer: the search prompt, a status message, the search's matches, or the keys. */
  static String footer(TriageModel m) {
    if (m.searching()) {
      return "/"
          + m.query()
          + (m.hasQuery() ? "    " + m.matchSummary() : "")
          + "    Enter done  Esc cancel";
    }
    if (!m.status().isEmpty()) {
      return m.status();
    }
    if (m.hasQuery() && !m.help() && m.menu().isEmpty()) {
      return "'" + m.query() + "' " + m.matchSummary() + "  n/N next/previous  Esc clear  ? help";
    }
    return hints(m);
  }

  public void draw(TextGraphics g, TerminalSize size, TriageModel m) {
    int w = size.getColumns();
    int h = size.getRows();
    g.setForegroundColor(TextColor.ANSI.DEFAULT);
    g.setBackgroundColor(TextColor.ANSI.DEFAULT);
    g.clearModifiers();
    g.fill(' ');
    if (!fits(size)) {
      drawTooSmall(g, w, h);
      return;
    }

    // Header: title and, while reading, the progress; then the summary with filters and sort.
    g.enableModifiers(SGR.REVERSE, SGR.BOLD);
    String progress = m.progressLine();
    String title = " destill  " + m.title();
    int room = w - progress.length() - 2;
    put(
        g,
        0,
        0,
        pad(
            progress.isEmpty() || room < 20
                ? title
                : pad(clip(title, room), room) + "  " + progress,
            w));
    g.clearModifiers();
    String filters = m.filters().isEmpty() ? "" : "  [" + m.filters() + "]";
    String fresh = m.newSinceRank() > 0 ? "  +" + m.newSinceRank() + " new (r)" : "";
    String explained = m.explanation().isPresent() ? "  explained (e)" : "";
    put(
        g,
        0,
        1,
        clip(" " + m.summary() + filters + "  sort: " + m.sort().label + fresh + explained, w));

    int row = 2;
    List<TriageModel.Row> rows = m.rows();
    if (m.help()) {
      // Help takes the whole body so it fits at 80x24.
      for (int i = 0; i < HELP.length && row + i < h - 1; i++) {
        if (i == 0) {
          g.enableModifiers(SGR.BOLD);
        }
        put(g, 1, row + i, clip(HELP[i], w - 1));
        g.clearModifiers();
      }
    } else if (!m.expanded()) {
      int listH = listRows(size, false);
      m.scrollTo(listH);
      if (rows.isEmpty()) {
        put(g, 1, row, clip(emptyHint(m), w - 1));
      }
      boolean job = m.showJobColumn();
      boolean hist = m.showHistoryColumn();
      for (int i = 0; i < listH && m.listTop() + i < rows.size(); i++) {
        int index = m.listTop() + i;
        TriageModel.Row r = rows.get(index);
        boolean sel = index == m.selected() && m.shownHit().isEmpty();
        if (sel) {
          g.enableModifiers(SGR.REVERSE);
        } else if (color) {
          g.setForegroundColor(tierColor(r.finding().tier()));
        }
        String text = pad(rowText(r, w, job, hist), w);
        put(g, 0, row + i, text);
        highlight(g, 0, row + i, text, m.query(), sel);
        g.clearModifiers();
        g.setForegroundColor(TextColor.ANSI.DEFAULT);
      }
      row += listH;
      g.enableModifiers(SGR.BOLD);
      String pane = m.focus() == TriageModel.Focus.DETAIL ? "detail (focused)" : "detail";
      String which =
          m.showsExplanation()
              ? "explanation (e: the finding) "
              : m.shownHit().isPresent()
                  ? "log match " + m.matchSummary() + " "
                  : rows.isEmpty() ? "" : (m.selected() + 1) + "/" + rows.size() + " ";
      put(g, 0, row, rule("── " + pane + " " + which, w));
      g.clearModifiers();
      row++;
    }

    if (!m.help()) {
      drawDetail(g, m, row, h - row - 1, w);
    }
    m.menu().ifPresent(items -> drawMenu(g, items, m.menuCursor(), w, h));

    g.enableModifiers(SGR.REVERSE);
    put(g, 0, h - 1, pad(clip(footer(m), w), w));
    g.clearModifiers();
  }

  /** What an empty list says: still reading, nothing found, or filters hiding everything. */
  static String emptyHint(TriageModel m) {
    if (!m.filters().isEmpty()) {
      return "No findings match the filters [" + m.filters() + "]: f to change them.";
    }
    return m.done()
        ? "No findings: nothing in the logs looks like a failure."
        : "Reading logs... findings appear here as they are found.";
  }

  private static void drawTooSmall(TextGraphics g, int w, int h) {
    String[] note = {
      "terminal too small", w + "x" + h + ", needs " + MIN_COLUMNS + "x" + MIN_ROWS, "q quits"
    };
    int top = Math.max(0, h / 2 - 1);
    for (int i = 0; i < note.length && top + i < h; i++) {
      String line = clip(note[i], w);
      g.putString(Math.max(0, (w - line.length()) / 2), top + i, line);
    }
  }

  /** The filter picker: a box over the body, the cursor's choice in reverse video. */
  private void drawMenu(
      TextGraphics g, List<TriageModel.MenuItem> items, int cursor, int w, int h) {
    int width = Math.min(w - 4, 60);
    int rows = Math.min(items.size(), h - 6);
    int left = (w - width) / 2;
    int top = 2;
    int first = Math.max(0, Math.min(cursor - rows + 1, items.size() - rows));
    first = Math.min(first, cursor);
    g.enableModifiers(SGR.BOLD);
    String heading = "┌ filter findings ";
    put(g, left, top, heading + "─".repeat(Math.max(0, width - heading.length() - 1)) + "┐");
    g.clearModifiers();
    for (int i = 0; i < rows; i++) {
      TriageModel.MenuItem item = items.get(first + i);
      String count = "(" + item.count() + ")";
      String label = (item.active() ? " • " : "   ") + item.label();
      String line =
          pad(clip(label, width - count.length() - 4), width - count.length() - 3) + count;
      put(g, left, top + 1 + i, "│");
      if (first + i == cursor) {
        g.enableModifiers(SGR.REVERSE);
      }
      put(g, left + 1, top + 1 + i, pad(line, width - 2));
      g.clearModifiers();
      put(g, left + width - 1, top + 1 + i, "│");
    }
    put(g, left, top + 1 + rows, "└" + "─".repeat(width - 2) + "┘");
  }

  /** Marks each occurrence of {@code query} (ignoring case) in a drawn line. */
  private void highlight(TextGraphics g, int col, int row, String text, String query, boolean sel) {
    if (query.isEmpty()) {
      return;
    }
    String lower = text.toLowerCase(Locale.ROOT);
    String q = query.toLowerCase(Locale.ROOT);
    if (lower.length() != text.length()) {
      return; // a character whose lower case is longer: positions would not line up
    }
    for (int at = lower.indexOf(q); at >= 0; at = lower.indexOf(q, at + q.length())) {
      g.clearModifiers();
      if (color) {
        g.setBackgroundColor(TextColor.ANSI.YELLOW);
        g.setForegroundColor(TextColor.ANSI.BLACK);
        g.enableModifiers(SGR.BOLD);
      } else {
        g.enableModifiers(sel ? SGR.UNDERLINE : SGR.REVERSE, SGR.BOLD);
      }
      g.putString(col + at, row, text.substring(at, at + q.length()));
      g.setBackgroundColor(TextColor.ANSI.DEFAULT);
      g.setForegroundColor(TextColor.ANSI.DEFAULT);
      g.clearModifiers();
      if (sel) {
        g.enableModifiers(SGR.REVERSE);
      }
    }
  }

  private void drawDetail(TextGraphics g, TriageModel m, int top, int height, int w) {
    List<TriageModel.DetailLine> lines = m.detail();
    List<String[]> visual = new ArrayList<>(); // [prefix, text, kind]
    for (TriageModel.DetailLine d :
        lines.subList(Math.min(m.detailTop(), lines.size()), lines.size())) {
      String prefix = d.number() > 0 ? String.format(Locale.ROOT, "%6d │ ", d.number()) : "";
      // CI timestamps and markers say nothing here; the line number does.
      String text =
          (d.kind() == TriageModel.DetailLine.Kind.ERROR
                      || d.kind() == TriageModel.DetailLine.Kind.CONTEXT
                  ? LineCleaner.stripPrefix(d.text())
                  : d.text())
              .replace("\t", "    ");
      int room = Math.max(10, w - prefix.length());
      if (m.wrap() && d.kind() != TriageModel.DetailLine.Kind.TITLE) {
        if (text.isEmpty()) {
          visual.add(new String[] {prefix, "", d.kind().name()});
        }
        for (int i = 0; i < text.length(); i += room) {
          visual.add(
              new String[] {
                i == 0 ? prefix : " ".repeat(prefix.length()),
                text.substring(i, Math.min(text.length(), i + room)),
                d.kind().name()
              });
        }
      } else {
        visual.add(new String[] {prefix, sideways(text, m.detailLeft(), room), d.kind().name()});
      }
      if (visual.size() >= height) {
        break;
      }
    }
    for (int i = 0; i < height && i < visual.size(); i++) {
      String[] v = visual.get(i);
      switch (TriageModel.DetailLine.Kind.valueOf(v[2])) {
        case TITLE -> g.enableModifiers(SGR.BOLD);
        case ERROR -> {
          g.enableModifiers(SGR.BOLD);
          if (color) {
            g.setForegroundColor(TextColor.ANSI.RED);
          }
        }
        case NOTE -> {
          if (color) {
            g.setForegroundColor(TextColor.ANSI.CYAN);
          }
        }
        default -> {}
      }
      String text = clip(v[0] + v[1], w);
      put(g, 0, top + i, text);
      g.clearModifiers();
      g.setForegroundColor(TextColor.ANSI.DEFAULT);
      int from = v[0].length();
      if (from < text.length()) {
        highlight(g, from, top + i, text.substring(from), m.query(), false);
      }
    }
  }

  /** A long line seen from column {@code left}; marks show there is more on either side. */
  static String sideways(String text, int left, int room) {
    if (left == 0 && text.length() <= room) {
      return text;
    }
    String start = left > 0 ? "‹" : "";
    int from = Math.min(left, text.length());
    String rest = text.substring(from);
    int keep = room - start.length();
    if (rest.length() > keep) {
      return start + rest.substring(0, Math.max(0, keep - 1)) + "›";
    }
    return start + rest;
  }

  /** Width of the history column: {@code new} or {@code seen 12/20}. */
  static final int HISTORY_WIDTH = 10;

  /**
   * One list row: tier, confidence, severity, the job (when there is more than one), how often it
   * recurs here, what the history says (when it knows anything), and the message with its paths cut
   * to their file names.
   */
  static String rowText(TriageModel.Row r, int w, boolean jobColumn, boolean historyColumn) {
    Finding f = r.finding();
    StringBuilder head =
        new StringBuilder(
            String.format(
                Locale.ROOT, " T%d %.2f %-7s", f.tier(), f.confidence(), f.severity().id()));
    if (jobColumn) {
      String where = f.job() + (f.step().isEmpty() ? "" : " > " + f.step());
      int whereWidth = w >= 120 ? 34 : 16;
      head.append(' ')
          .append(String.format(Locale.ROOT, "%-" + whereWidth + "s", clipEnd(where, whereWidth)));
    }
    head.append(String.format(Locale.ROOT, " %5s", count(r.count())));
    if (historyColumn) {
      head.append(String.format(Locale.ROOT, " %-" + HISTORY_WIDTH + "s", shortHistory(f)));
    }
    String message = shortenPaths(LineCleaner.stripDecorations(f.message()).replace('\t', ' '));
    // A finding the baseline does not have is new since the last green build.
    String mark =
        dev.destill.core.engine.Novelty.of(f) == dev.destill.core.engine.Novelty.NEW ? "NEW " : "";
    return clip(head + "  " + mark + message, w);
  }

  /** How often a row's finding recurs in this build, in at most five characters. */
  static String count(int n) {
    if (n <= 1) {
      return "";
    }
    return n < 10_000 ? "x" + n : n < 1_000_000 ? "x" + n / 1000 + "k" : "x" + n / 1_000_000 + "M";
  }

  /** The history in the list's fixed-width column; the detail pane says it in words. */
  static String shortHistory(Finding f) {
    return f.history()
        .map(
            h ->
                h.isNew()
                    ? "new"
                    : clip("seen " + h.buildsSeen() + "/" + h.buildsKnown(), HISTORY_WIDTH))
        .orElse("");
  }

  /**
   * A directory path of two or more levels, not part of a URL: {@code /builds/ws/src/Foo.java}
   * keeps only {@code Foo.java}, whose name and line tell compile errors apart.
   */
  private static final Pattern DIRECTORIES =
      Pattern.compile(
          "(?<![\\w:/.\\\\~$-])(?:[A-Za-z]:)?[\\w.@+~$-]*(?:[/\\\\][\\w.@+~$-]+){2,}[/\\\\](?=[\\w.@+~$-])");

  /** Cuts the directories off the paths in {@code message}, marking each cut with {@code …/}. */
  static String shortenPaths(String message) {
    return DIRECTORIES.matcher(message).replaceAll("…/");
  }

  private static TextColor tierColor(int tier) {
    return switch (tier) {
      case 1 -> TextColor.ANSI.RED;
      case 2 -> TextColor.ANSI.YELLOW;
      default -> TextColor.ANSI.DEFAULT;
    };
  }

  /** Keeps the end of a long path-like text, where the distinguishing part is. */
  static String clipEnd(String s, int width) {
    return s.length() <= width ? s : "…" + s.substring(s.length() - width + 1);
  }

  /** Cuts to {@code width}, marking the cut so nothing disappears silently. */
  static String clip(String s, int width) {
    if (width <= 0) {
      return "";
    }
    return s.length() <= width ? s : s.substring(0, Math.max(0, width - 1)) + "›";
  }

  /** A heading followed by a line to the right edge. */
  static String rule(String heading, int width) {
    return heading.length() >= width
        ? clip(heading, width)
        : heading + "─".repeat(width - heading.length());
  }

  static String pad(String s, int width) {
    String c = clip(s, width);
    return c.length() >= width ? c : c + " ".repeat(width - c.length());
  }

  private static void put(TextGraphics g, int col, int row, String text) {
    g.putString(col, row, text);
  }
}
