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

/**
 * Draws a {@link TriageModel} onto a Lanterna screen: header, finding list, detail pane and a
 * footer with the search prompt or key hints. Colours use the terminal's own foreground and
 * background plus a few accents, so light and dark themes both read; with {@code color == false}
 * (NO_COLOR) only bold and reverse video are used. Stateless and thread-safe.
 */
public final class Renderer {
  static final String HINTS =
      "j/k move  Tab focus  Enter expand  / search  f filter  s sort  ? help  q quit";
  static final String[] HELP = {
    "Keys",
    "  Up/Down, j/k      move in the focused pane",
    "  PgUp/PgDn         a page up or down",
    "  Home/End          first or last",
    "  Left/Right, h/l   scroll the detail sideways",
    "  w                 wrap long lines in the detail",
    "  Tab               switch focus between list and detail",
    "  Enter             expand the detail to the whole screen",
    "  /  then n/N       search (incremental), next / previous match",
    "  f                 filters: j job, e severity, t tier, c clear",
    "  0 / 1 / 2         all tiers / tier 1 only / tiers 1 and 2",
    "  s                 change the sort (confidence, position, ...)",
    "  r                 re-rank with the findings that arrived",
    "  y                 copy the finding (OSC 52)",
    "  o                 open the job log at the finding in $PAGER",
    "  ? / q             this help / quit",
  };

  private final boolean color;

  public Renderer(boolean color) {
    this.color = color;
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

  public void draw(TextGraphics g, TerminalSize size, TriageModel m) {
    int w = size.getColumns();
    int h = size.getRows();
    g.setForegroundColor(TextColor.ANSI.DEFAULT);
    g.setBackgroundColor(TextColor.ANSI.DEFAULT);
    g.clearModifiers();
    g.fill(' ');

    // Header: title, then the summary with filters and sort.
    g.enableModifiers(SGR.REVERSE, SGR.BOLD);
    put(g, 0, 0, pad(" destill  " + m.title(), w));
    g.clearModifiers();
    String filters = m.filters().isEmpty() ? "" : "  [" + m.filters() + "]";
    String fresh = m.newSinceRank() > 0 ? "  +" + m.newSinceRank() + " new (r)" : "";
    put(g, 0, 1, clip(" " + m.summary() + filters + "  sort: " + m.sort().label + fresh, w));

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
        put(
            g,
            1,
            row,
            clip(
                m.done()
                    ? "No findings."
                        + (m.filters().isEmpty() ? "" : " (filters hide some: 0 shows all)")
                    : "Reading logs...",
                w - 1));
      }
      for (int i = 0; i < listH && m.listTop() + i < rows.size(); i++) {
        int index = m.listTop() + i;
        TriageModel.Row r = rows.get(index);
        boolean sel = index == m.selected();
        if (sel) {
          g.enableModifiers(SGR.REVERSE);
        } else if (color) {
          g.setForegroundColor(tierColor(r.finding().tier()));
        }
        put(g, 0, row + i, pad(rowText(r, w), w));
        g.clearModifiers();
        g.setForegroundColor(TextColor.ANSI.DEFAULT);
      }
      row += listH;
      g.enableModifiers(SGR.BOLD);
      String pane = m.focus() == TriageModel.Focus.DETAIL ? "detail (focused)" : "detail";
      put(
          g,
          0,
          row,
          pad(
              "── "
                  + pane
                  + " "
                  + (rows.isEmpty() ? "" : (m.selected() + 1) + "/" + rows.size() + " ")
                  + "─".repeat(Math.max(0, w)),
              w));
      g.clearModifiers();
      row++;
    }

    if (!m.help()) {
      drawDetail(g, m, row, h - row - 1, w);
    }

    // Footer: the search prompt, a status message, or the keys.
    String footer = m.searching() ? "/" + m.query() : !m.status().isEmpty() ? m.status() : HINTS;
    g.enableModifiers(SGR.REVERSE);
    put(g, 0, h - 1, pad(clip(footer, w), w));
    g.clearModifiers();
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
      put(g, 0, top + i, clip(v[0] + v[1], w));
      g.clearModifiers();
      g.setForegroundColor(TextColor.ANSI.DEFAULT);
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

  static String rowText(TriageModel.Row r, int w) {
    Finding f = r.finding();
    String where = f.job() + (f.step().isEmpty() ? "" : " > " + f.step());
    int whereWidth = w >= 120 ? 34 : 16;
    String count = r.count() > 1 ? "x" + r.count() : "";
    String hist = TriageModel.history(f).strip();
    String head =
        String.format(
            Locale.ROOT,
            " T%d %.2f %-7s %-" + whereWidth + "s %4s %s",
            f.tier(),
            f.confidence(),
            f.severity().id(),
            clipEnd(where, whereWidth),
            count,
            hist.isEmpty() ? "" : hist + " ");
    return clip(head + " " + LineCleaner.stripDecorations(f.message()).replace('\t', ' '), w);
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

  static String pad(String s, int width) {
    String c = clip(s, width);
    return c.length() >= width ? c : c + " ".repeat(width - c.length());
  }

  private static void put(TextGraphics g, int col, int row, String text) {
    g.putString(col, row, text);
  }
}
