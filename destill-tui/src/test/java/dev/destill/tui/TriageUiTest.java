package dev.destill.tui;

import static dev.destill.tui.Findings.f;
import static dev.destill.tui.RendererTest.screen;
import static dev.destill.tui.RendererTest.text;
import static org.assertj.core.api.Assertions.assertThat;

import com.googlecode.lanterna.TerminalSize;
import com.googlecode.lanterna.TextCharacter;
import com.googlecode.lanterna.TextColor;
import com.googlecode.lanterna.input.KeyStroke;
import com.googlecode.lanterna.input.KeyType;
import com.googlecode.lanterna.screen.TerminalScreen;
import com.googlecode.lanterna.terminal.virtual.DefaultVirtualTerminal;
import dev.destill.core.engine.Novelty;
import dev.destill.core.explain.Confidence;
import dev.destill.core.explain.EvidenceLine;
import dev.destill.core.explain.Explanation;
import dev.destill.core.model.Finding;
import dev.destill.core.model.ProgressEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Drives the event loop key by key on Lanterna's virtual terminal and reads the screen back. */
class TriageUiTest {
  @TempDir Path dir;

  DefaultVirtualTerminal terminal = new DefaultVirtualTerminal(new TerminalSize(80, 24));
  TerminalScreen screen;
  TriageModel model = new TriageModel("build.log");
  Path log;

  TriageUi ui(String pager) throws IOException {
    screen = new TerminalScreen(terminal);
    log = dir.resolve("build.log");
    List<String> lines = new ArrayList<>();
    for (int i = 1; i <= 400; i++) {
      lines.add(i == 250 ? "warning: needle in the haystack" : "line " + i);
    }
    Files.write(log, lines);
    model.progress(new ProgressEvent.BuildResolved("b", "build.log", 1, 1));
    model.add(
        f(
            "a",
            1,
            0.97,
            "build.log",
            120,
            "[ERROR] /builds/workspace/shop/src/main/java/com/acme/CartService.java:[87,29] cannot"
                + " find symbol"));
    model.add(
        f(
            "b",
            1,
            0.9,
            "build.log",
            160,
            "[ERROR] /builds/workspace/shop/src/main/java/com/acme/PriceService.java:[12,5] cannot"
                + " find symbol"));
    model.add(f("c", 3, 0.2, "build.log", 200, "[INFO] BUILD FAILURE"));
    model.progress(new ProgressEvent.Completed(3));
    TriageUi ui =
        new TriageUi(screen, model, new Inbox(), true, finding -> Optional.of(log), s -> {}, pager);
    screen.startScreen();
    ui.redraw();
    return ui;
  }

  void keys(TriageUi ui, Object... keys) throws IOException {
    for (Object k : keys) {
      KeyStroke stroke =
          k instanceof KeyType t ? new KeyStroke(t) : new KeyStroke((Character) k, false, false);
      assertThat(ui.handle(stroke)).as("does not quit on " + k).isTrue();
      ui.redraw();
    }
  }

  void type(TriageUi ui, String s) throws IOException {
    for (char c : s.toCharArray()) {
      keys(ui, c);
    }
  }

  /** What a fresh screen of the same size shows for the same model. */
  List<String> fresh() throws IOException {
    DefaultVirtualTerminal other = new DefaultVirtualTerminal(terminal.getTerminalSize());
    TerminalScreen s = new TerminalScreen(other);
    s.startScreen();
    new Renderer(true).draw(s.newTextGraphics(), s.getTerminalSize(), model);
    s.refresh();
    return text(other);
  }

  static Explanation explanation(Optional<String> reusedFrom, EvidenceLine... cited) {
    return new Explanation(
        "CartService calls a method that was renamed in PriceService; the compiler cannot find"
            + " the old name, so the module and then the whole build failed.",
        List.of(cited),
        List.of(new EvidenceLine("build.log", 999)),
        "Rename the call in CartService.java to the new method name.",
        Confidence.HIGH,
        "local-model",
        "v1",
        reusedFrom,
        Instant.parse("2026-01-01T00:00:00Z"));
  }

  @Test
  void shouldShowTheExplanationWithTheCitedLinesVerbatimOnE() throws IOException {
    TriageUi ui = ui("true");
    keys(ui, 'e');
    assertThat(text(terminal).get(23)).as("nothing to show yet").contains("no explanation");

    Inbox inbox = new Inbox();
    inbox.explanation(
        explanation(
            Optional.of("req-earlier"),
            new EvidenceLine("build.log", 120),
            new EvidenceLine("build.log", 160)));
    inbox.drainTo(model);
    ui.redraw();
    assertThat(text(terminal).get(1)).contains("explained (e)");
    assertThat(text(terminal).get(23)).contains("explanation ready");

    keys(ui, 'e');
    String shown = screen(terminal);
    assertThat(shown)
        .contains("Explanation by local-model, reused from req-earlier")
        .contains("cause:      CartService calls a method that was renamed in PriceService;")
        .contains("            the compiler cannot find the old name")
        .contains("fix:        Rename the call in CartService.java")
        .contains("confidence: high")
        .contains("cites lines that were not sent to it")
        .contains("(build.log:999); treat it with care");
    List<String> lines = text(terminal);
    assertThat(lines)
        .as("each cited line under its number, verbatim")
        .anySatisfy(l -> assertThat(l).contains("   120 │ [ERROR]").contains("CartService.java"))
        .anySatisfy(
            l -> assertThat(l).contains("   160 │ [ERROR]").contains("com/acme/PriceService"));

    keys(ui, 'j');
    assertThat(screen(terminal))
        .as("moving in the list shows the finding again")
        .doesNotContain("Explanation by")
        .contains("── detail 2/3");
    keys(ui, 'e', 'e');
    assertThat(screen(terminal)).doesNotContain("Explanation by");
  }

  @Test
  void shouldRedrawEverythingAfterThePagerReturns() throws IOException {
    TriageUi ui = ui("true");
    List<String> before = text(terminal);
    keys(ui, 'o');
    assertThat(text(terminal)).as("the whole screen is back").isEqualTo(before);
    assertThat(screen(terminal)).contains("T1 0.97").contains("── detail 1/3");
  }

  @Test
  void shouldRedrawOnCtrlL() throws IOException {
    TriageUi ui = ui("true");
    List<String> before = text(terminal);
    terminal.setCursorPosition(0, 5);
    terminal.putString("garbage garbage garbage");
    assertThat(screen(terminal)).contains("garbage");
    assertThat(ui.handle(new KeyStroke('l', true, false))).isTrue();
    ui.redraw();
    assertThat(text(terminal)).isEqualTo(before);
  }

  @Test
  void shouldQuitWithInterruptedOnCtrlC() throws IOException {
    TriageUi ui = ui("true");
    assertThat(ui.handle(new KeyStroke('c', true, false))).isFalse();
    terminal.addInput(new KeyStroke('c', true, false));
    assertThat(ui.run()).isEqualTo(TriageUi.Outcome.INTERRUPTED);
  }

  @Test
  void shouldSayTheTerminalIsTooSmallAndRecoverCleanlyAfterAResize() throws IOException {
    TriageUi ui = ui("true");
    terminal.setTerminalSize(new TerminalSize(40, 10));
    assertThat(ui.poll()).isTrue();
    ui.redraw();
    assertThat(screen(terminal))
        .contains("terminal too small")
        .contains("40x10, needs 50x12")
        .doesNotContain("T1 0.97");
    keys(ui, 'j', '/', 'f');
    assertThat(model.menu()).as("keys do nothing while too small").isEmpty();
    terminal.setTerminalSize(new TerminalSize(80, 24));
    assertThat(ui.poll()).isTrue();
    ui.redraw();
    assertThat(text(terminal)).as("no garbage left").isEqualTo(fresh());
    assertThat(ui.handle(new KeyStroke('q', false, false))).isFalse();
  }

  @Test
  void shouldCloseTheHelpWithQAndListGoToKeys() throws IOException {
    TriageUi ui = ui("true");
    keys(ui, '?');
    assertThat(screen(terminal)).contains("Home/End, g/G").contains("Ctrl-L");
    assertThat(text(terminal).get(23)).contains("close the help");
    keys(ui, 'q');
    assertThat(model.help()).isFalse();
    assertThat(screen(terminal)).contains("T1 0.97");
  }

  @Test
  void shouldChangeTheKeyHintsWithContext() throws IOException {
    TriageUi ui = ui("true");
    assertThat(text(terminal).get(23)).contains("Enter expand").contains("Tab detail");
    keys(ui, KeyType.Enter);
    assertThat(text(terminal).get(23)).contains("Enter/Esc collapse");
    keys(ui, KeyType.Escape, KeyType.Tab);
    assertThat(text(terminal).get(23)).contains("j/k scroll").contains("Tab list");
    keys(ui, KeyType.Tab, 'f');
    assertThat(text(terminal).get(23)).contains("Enter apply").contains("Esc cancel");
  }

  @Test
  void shouldShortenPathsAndDropTheJobColumnForOneJob() throws IOException {
    ui("true");
    List<String> lines = text(terminal);
    assertThat(lines.get(2))
        .startsWith(" T1 0.97 error")
        .contains("[ERROR] …/CartService.java:[87,29] cannot find symbol")
        .doesNotContain("build.log")
        .doesNotContain("/builds/");
    assertThat(lines.get(3)).contains("…/PriceService.java:[12,5]");
  }

  @Test
  void shouldHighlightMatchesCountThemAndSearchTheWholeLog() throws IOException {
    TriageUi ui = ui("true");
    keys(ui, '/');
    type(ui, "service");
    assertThat(text(terminal).get(23)).startsWith("/service").contains("1/2 (2 findings)");
    int col = text(terminal).get(3).indexOf("Service");
    TextCharacter mark = terminal.getCharacter(col, 3);
    assertThat(mark.getBackgroundColor()).as("match highlighted").isEqualTo(TextColor.ANSI.YELLOW);
    TextCharacter plain = terminal.getCharacter(1, 3);
    assertThat(plain.getBackgroundColor()).isNotEqualTo(TextColor.ANSI.YELLOW);
    keys(ui, KeyType.Escape, '/');
    type(ui, "needle");
    keys(ui, KeyType.Enter);
    assertThat(text(terminal).get(23)).contains("'needle' 1/1 (0 findings, 1 log line)");
    assertThat(screen(terminal))
        .contains("log match 1/1")
        .contains("   250 │ warning: needle in the haystack")
        .contains("   249 │ line 249");
    keys(ui, KeyType.Escape);
    assertThat(text(terminal).get(23)).contains("q quit");
  }

  @Test
  void shouldPickFiltersFromAMenuAndHintWhenNothingIsLeft() throws IOException {
    TriageUi ui = ui("true");
    keys(ui, 'f');
    assertThat(screen(terminal))
        .contains("filter findings")
        .contains("tier: 1 only (likely causes)")
        .contains("(2)")
        .contains("job: build.log");
    keys(ui, 'j', KeyType.Enter);
    assertThat(model.filters()).isEqualTo("tier 1");
    assertThat(model.rows()).hasSize(2);
    keys(ui, 'f'); // opens on "tier: 1 only"; fatal is four below
    for (int i = 0; i < 4; i++) {
      keys(ui, 'j');
    }
    assertThat(text(terminal).stream().anyMatch(l -> l.contains("severity: fatal only"))).isTrue();
    keys(ui, KeyType.Enter);
    assertThat(model.filters()).isEqualTo("tier 1, fatal+");
    assertThat(screen(terminal))
        .contains("No findings match the filters [tier 1, fatal+]: f to change them.");
    keys(ui, 'f', KeyType.End, KeyType.Enter);
    assertThat(model.filters()).isEmpty();
    assertThat(model.rows()).hasSize(3);
  }

  @Test
  void shouldMarkNewFindingsAndHideKnownOnesWithOneKey() throws IOException {
    model.add(
        f("d", 1, 0.95, "build.log", 300, "error: the new failure")
            .withSignals(List.of("rule", Novelty.NEW.signal())));
    model.add(
        f("e", 2, 0.5, "build.log", 310, "error: flaky cache miss")
            .withSignals(List.of("rule", Novelty.KNOWN.signal())));
    TriageUi ui = ui("true");
    keys(ui, 'r');
    assertThat(lineWith("the new failure")).contains("NEW error: the new failure");
    assertThat(lineWith("flaky cache miss")).doesNotContain("NEW");
    assertThat(model.rows()).hasSize(5);
    keys(ui, 'x');
    assertThat(model.hideKnown()).isTrue();
    assertThat(model.filters()).isEqualTo("known hidden");
    assertThat(model.rows()).hasSize(4);
    assertThat(screen(terminal)).doesNotContain("flaky cache miss").contains("the new failure");
    keys(ui, 'x');
    assertThat(model.rows()).hasSize(5);
    assertThat(screen(terminal)).contains("flaky cache miss");
    keys(ui, '?');
    assertThat(screen(terminal)).contains("hide / show findings the baseline");
  }

  private String lineWith(String text) {
    return text(terminal).stream().filter(l -> l.contains(text)).findFirst().orElseThrow();
  }

  @Test
  void shouldOpenTheLogInThePagerAtTheFindingsLine() {
    Finding f = f("a", 1, 0.9, "x.log", 42, "boom");
    assertThat(TriageUi.pagerCommand("less -R", Path.of("x.log"), f.line()))
        .containsExactly("less", "-R", "+42g", "x.log");
  }
}
