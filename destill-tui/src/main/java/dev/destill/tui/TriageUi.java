package dev.destill.tui;

import com.googlecode.lanterna.TerminalSize;
import com.googlecode.lanterna.input.KeyStroke;
import com.googlecode.lanterna.input.KeyType;
import com.googlecode.lanterna.input.MouseAction;
import com.googlecode.lanterna.input.MouseActionType;
import com.googlecode.lanterna.screen.Screen;
import dev.destill.core.engine.LineCleaner;
import dev.destill.core.model.Finding;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * The interactive triage screen's event loop: applies keys to the {@link TriageModel}, takes
 * findings from the {@link Inbox} as they arrive, redraws on change and on resize. Runs on the
 * calling thread until the user quits.
 */
public final class TriageUi {
  private final Screen screen;
  private final TriageModel model;
  private final Inbox inbox;
  private final Renderer renderer;
  private final LogOpener opener;
  private final Consumer<String> rawOut;
  private final String pager;
  private boolean fullRedraw;

  /** How many log lines a search shows at most, beyond the findings. */
  static final int LOG_HITS = 1000;

  /**
   * @param rawOut writes escape sequences straight to the terminal (for OSC 52 copy)
   * @param pager the pager command ($PAGER, or less)
   */
  public TriageUi(
      Screen screen,
      TriageModel model,
      Inbox inbox,
      boolean color,
      LogOpener opener,
      Consumer<String> rawOut,
      String pager) {
    this.screen = screen;
    this.model = model;
    this.inbox = inbox;
    this.renderer = new Renderer(color);
    this.opener = opener;
    this.rawOut = rawOut;
    this.pager = pager;
  }

  /** How the user left the screen. */
  public enum Outcome {
    /** {@code q}, or the end of input. */
    QUIT,
    /** Ctrl-C: the command exits with 130, as an interrupted program does. */
    INTERRUPTED
  }

  private Outcome outcome = Outcome.QUIT;

  /** Runs until the user quits, and says how. */
  public Outcome run() throws IOException {
    screen.startScreen();
    screen.setCursorPosition(null);
    try {
      inbox.drainTo(model);
      redraw();
      while (true) {
        boolean changed = poll();
        KeyStroke key = screen.pollInput();
        if (key == null) {
          if (changed) {
            redraw();
          }
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(25));
          continue;
        }
        if (!handle(key)) {
          return outcome;
        }
        redraw();
      }
    } finally {
      screen.stopScreen();
    }
  }

  /** Takes what the analysis sent and notices a resize; true when the screen must be drawn. */
  boolean poll() {
    boolean changed = inbox.drainTo(model);
    if (screen.doResizeIfNecessary() != null) {
      changed = true;
      fullRedraw = true; // what the terminal kept of the old size is garbage now
    }
    return changed;
  }

  void redraw() throws IOException {
    TerminalSize size = screen.getTerminalSize();
    renderer.draw(screen.newTextGraphics(), size, model);
    screen.refresh(fullRedraw ? Screen.RefreshType.COMPLETE : Screen.RefreshType.DELTA);
    fullRedraw = false;
  }

  /** Applies one key; false when the user quits. */
  boolean handle(KeyStroke key) throws IOException {
    TerminalSize size = screen.getTerminalSize();
    int page =
        model.focus() == TriageModel.Focus.DETAIL || model.expanded()
            ? Renderer.detailRows(size, model.expanded())
            : Renderer.listRows(size, false);
    if (key instanceof MouseAction mouse) {
      if (mouse.getActionType() == MouseActionType.SCROLL_DOWN) {
        model.move(3, page);
      } else if (mouse.getActionType() == MouseActionType.SCROLL_UP) {
        model.move(-3, page);
      }
      return true;
    }
    KeyType type = key.getKeyType();
    if (type == KeyType.EOF) {
      return false;
    }
    if (type == KeyType.Character && key.isCtrlDown()) {
      switch (key.getCharacter()) {
        case 'l' -> fullRedraw = true;
        case 'c' -> {
          outcome = Outcome.INTERRUPTED;
          return false;
        }
        default -> {}
      }
      return true;
    }
    if (!Renderer.fits(size)) {
      return !(type == KeyType.Character && key.getCharacter() == 'q');
    }
    if (model.searching()) {
      switch (type) {
        case Enter -> {
          model.commitSearch();
          searchLogs();
        }
        case Escape -> model.cancelSearch();
        case Backspace -> model.backspace();
        case Character -> model.type(key.getCharacter());
        default -> {}
      }
      return true;
    }
    model.setStatus("");
    if (model.help()) {
      // The help is an overlay: its keys close it, and nothing behind it moves.
      if (type == KeyType.Escape
          || (type == KeyType.Character && "q?".indexOf(key.getCharacter()) >= 0)) {
        model.closeHelp();
      }
      return true;
    }
    if (model.menu().isPresent()) {
      menuKey(key);
      return true;
    }
    switch (type) {
      case ArrowDown -> model.move(1, page);
      case ArrowUp -> model.move(-1, page);
      case PageDown -> model.move(page, page);
      case PageUp -> model.move(-page, page);
      case Home -> model.home(page);
      case End -> model.end(page);
      case ArrowLeft -> model.sideways(-8);
      case ArrowRight -> model.sideways(8);
      case Tab, ReverseTab -> model.toggleFocus();
      case Enter -> model.toggleExpand();
      case Escape -> {
        if (model.expanded()) {
          model.toggleExpand();
        } else if (model.hasQuery()) {
          model.clearSearch();
        }
      }
      case Character -> {
        return character(key.getCharacter(), page);
      }
      default -> {}
    }
    return true;
  }

  private void menuKey(KeyStroke key) {
    switch (key.getKeyType()) {
      case ArrowDown -> model.menuMove(1);
      case ArrowUp -> model.menuMove(-1);
      case Home -> model.menuMove(Integer.MIN_VALUE / 2);
      case End -> model.menuMove(Integer.MAX_VALUE / 2);
      case Enter -> model.menuApply();
      case Escape -> model.closeMenu();
      case Character -> {
        switch (key.getCharacter()) {
          case 'j' -> model.menuMove(1);
          case 'k' -> model.menuMove(-1);
          case ' ' -> model.menuApply();
          case 'q', 'f' -> model.closeMenu();
          default -> {}
        }
      }
      default -> {}
    }
  }

  /** Searches the whole log of every job with a local copy, beyond what the findings hold. */
  private void searchLogs() throws IOException {
    if (!model.hasQuery()) {
      return;
    }
    // A long log takes a moment: say so before the screen stands still.
    String before = model.status();
    model.setStatus("searching the logs for '" + model.query() + "'...");
    redraw();
    model.setStatus(before);
    List<TriageModel.LogHit> hits = new ArrayList<>();
    for (var job : model.jobsWithFindings().entrySet()) {
      Optional<Path> log = opener.logOf(job.getValue());
      if (log.isEmpty() || hits.size() >= LOG_HITS) {
        continue;
      }
      try {
        hits.addAll(LogGrep.search(job.getKey(), log.get(), model.query(), LOG_HITS - hits.size()));
      } catch (IOException e) {
        model.setStatus("cannot search " + log.get() + ": " + e.getMessage());
      }
    }
    model.logHits(hits, hits.size() >= LOG_HITS);
    if (model.matchCount() == 0) {
      model.setStatus("no match for '" + model.query() + "'");
    }
  }

  private boolean character(char c, int page) throws IOException {
    switch (c) {
      case 'q' -> {
        return false;
      }
      case 'j' -> model.move(1, page);
      case 'k' -> model.move(-1, page);
      case 'h' -> model.sideways(-8);
      case 'l' -> model.sideways(8);
      case 'g' -> model.home(page);
      case 'G' -> model.end(page);
      case 'w' -> model.toggleWrap();
      case '/' -> model.startSearch();
      case 'n' -> model.nextMatch();
      case 'N' -> model.previousMatch();
      case 'f' -> model.openFilterMenu();
      case '0' -> model.tierFilter(0);
      case '1' -> model.tierFilter(1);
      case '2' -> model.tierFilter(2);
      case 's' -> model.cycleSort();
      case 'x' -> model.toggleHideKnown();
      case 'r' -> {
        model.rerank();
        model.setStatus("re-ranked");
      }
      case '?' -> model.toggleHelp();
      case 'y' -> copy();
      case 'o' -> open();
      case 'e' -> model.toggleExplanation();
      default -> {}
    }
    return true;
  }

  /** Copies the selected finding to the clipboard with OSC 52 (works over SSH and in tmux). */
  private void copy() {
    Optional<TriageModel.Row> row = model.selectedRow();
    if (row.isEmpty()) {
      return;
    }
    String text = copyText(row.get().finding());
    rawOut.accept(
        "\u001b]52;c;"
            + Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8))
            + "\u0007");
    model.setStatus("copied " + text.lines().count() + " lines (OSC 52)");
  }

  static String copyText(Finding f) {
    StringBuilder sb = new StringBuilder();
    sb.append(f.job()).append(f.line() > 0 ? ":" + f.line() : "").append('\n');
    for (String l : f.block()) {
      sb.append(LineCleaner.display(l)).append('\n');
    }
    return sb.toString();
  }

  private void open() throws IOException {
    Optional<TriageModel.Row> row = model.selectedRow();
    if (row.isEmpty()) {
      return;
    }
    Finding f = row.get().finding();
    Optional<Path> log = opener.logOf(f);
    if (log.isEmpty()) {
      model.setStatus("no local copy of the log of " + f.job());
      return;
    }
    screen.stopScreen();
    try {
      Process p = new ProcessBuilder(pagerCommand(pager, log.get(), f.line())).inheritIO().start();
      p.waitFor();
    } catch (IOException e) {
      model.setStatus("cannot run " + pager + ": " + e.getMessage() + " (set PAGER)");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      screen.startScreen();
      screen.setCursorPosition(null);
      // The pager drew over everything: what the screen thinks is shown is wrong, so draw all.
      fullRedraw = true;
    }
  }

  /**
   * The command that opens {@code file} at {@code line}: less takes {@code +Ng}, most pagers {@code
   * +N}.
   */
  static List<String> pagerCommand(String pager, Path file, long line) {
    List<String> cmd = new ArrayList<>(List.of(pager.trim().split("\\s+")));
    String name = Path.of(cmd.get(0)).getFileName().toString();
    long at = Math.max(1, line);
    cmd.add(name.equals("less") ? "+" + at + "g" : "+" + at);
    cmd.add(file.toString());
    return cmd;
  }
}
