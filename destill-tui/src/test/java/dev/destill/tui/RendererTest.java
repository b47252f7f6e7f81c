package dev.destill.tui;

import static dev.destill.tui.Findings.f;
import static org.assertj.core.api.Assertions.assertThat;

import com.googlecode.lanterna.TerminalSize;
import com.googlecode.lanterna.input.KeyStroke;
import com.googlecode.lanterna.input.KeyType;
import com.googlecode.lanterna.screen.Screen;
import com.googlecode.lanterna.screen.TerminalScreen;
import com.googlecode.lanterna.terminal.virtual.DefaultVirtualTerminal;
import dev.destill.core.model.ProgressEvent;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Renders on Lanterna's virtual terminal and reads the screen back. */
class RendererTest {

  static List<String> text(DefaultVirtualTerminal t) {
    List<String> lines = new ArrayList<>();
    TerminalSize s = t.getTerminalSize();
    for (int r = 0; r < s.getRows(); r++) {
      StringBuilder sb = new StringBuilder();
      for (int c = 0; c < s.getColumns(); c++) {
        sb.append(t.getCharacter(c, r).getCharacterString());
      }
      lines.add(sb.toString());
    }
    return lines;
  }

  static String screen(DefaultVirtualTerminal t) {
    return String.join("\n", text(t));
  }

  DefaultVirtualTerminal terminal = new DefaultVirtualTerminal(new TerminalSize(80, 24));

  TriageModel model() {
    TriageModel m = new TriageModel("acme/shop #42");
    m.progress(new ProgressEvent.BuildResolved("b", "acme/shop #42", 3, 1));
    m.add(
        f("a", 1, 0.97, "unit tests", 120, "[ERROR] CartService.java:[87,29] cannot find symbol"));
    m.add(f("b", 2, 0.45, "unit tests", 160, "[INFO] BUILD FAILURE"));
    m.add(f("c", 3, 0.2, "lint", 3, "warning: deprecated API " + "x".repeat(200)));
    return m;
  }

  void render(TriageModel m) throws IOException {
    Screen screen = new TerminalScreen(terminal);
    screen.startScreen();
    new Renderer(true).draw(screen.newTextGraphics(), screen.getTerminalSize(), m);
    screen.refresh();
  }

  @Test
  void shouldDrawHeaderListDetailAndKeysAt80x24() throws IOException {
    render(model());
    List<String> lines = text(terminal);
    assertThat(lines.get(0)).contains("destill").contains("acme/shop #42");
    assertThat(lines.get(1)).contains("jobs 3 (1 failed").contains("findings 3");
    assertThat(lines.get(2)).contains("T1 0.97").contains("CartService.java").endsWith("›");
    assertThat(lines.get(3)).contains("T2 0.45");
    assertThat(screen(terminal))
        .contains("── detail")
        .contains("   120 │ [ERROR] CartService.java:[87,29] cannot find symbol")
        .contains("before 2");
    assertThat(lines.get(23)).contains("q quit");
    assertThat(lines).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(80));
  }

  @Test
  void shouldMarkCutLinesInsteadOfDroppingThemSilently() throws IOException {
    TriageModel m = model();
    m.end(5);
    render(m);
    assertThat(screen(terminal)).contains("›");
    m.sideways(40);
    render(m);
    assertThat(screen(terminal)).contains("‹");
    m.toggleWrap();
    render(m);
    assertThat(screen(terminal)).doesNotContain("‹");
  }

  @Test
  void shouldRedrawForANewSize() throws IOException {
    terminal.setTerminalSize(new TerminalSize(120, 40));
    render(model());
    assertThat(text(terminal)).hasSize(40);
    assertThat(text(terminal).get(0).length()).isEqualTo(120);
  }

  @Test
  void shouldShowTheSearchPromptAndHelp() throws IOException {
    TriageModel m = model();
    m.startSearch();
    m.type('b');
    m.type('u');
    render(m);
    assertThat(text(terminal).get(23)).startsWith("/bu");
    m.commitSearch();
    m.toggleHelp();
    render(m);
    assertThat(screen(terminal)).contains("Keys").contains("OSC 52");
  }

  @Test
  void shouldDriveTheUiWithKeysOnAVirtualTerminal() throws Exception {
    TriageModel m = model();
    Inbox inbox = new Inbox();
    Screen screen = new TerminalScreen(terminal);
    List<String> copied = new ArrayList<>();
    TriageUi ui = new TriageUi(screen, m, inbox, false, LogOpener.NONE, copied::add, "less");
    for (KeyStroke k :
        List.of(
            new KeyStroke('j', false, false),
            new KeyStroke('y', false, false),
            new KeyStroke('1', false, false),
            new KeyStroke('?', false, false),
            new KeyStroke('q', false, false),
            new KeyStroke('q', false, false))) {
      terminal.addInput(k);
    }
    inbox.progress(new ProgressEvent.Completed(3));
    assertThat(ui.run()).isEqualTo(TriageUi.Outcome.QUIT);
    assertThat(m.help()).as("the first q closed the help, the second quit").isFalse();
    assertThat(copied).singleElement().asString().startsWith("\u001b]52;c;");
    assertThat(m.filters()).isEqualTo("tier 1");
    assertThat(m.done()).isTrue();
  }

  @Test
  void shouldBuildPagerCommands() {
    assertThat(TriageUi.pagerCommand("less", java.nio.file.Path.of("a.log"), 42))
        .containsExactly("less", "+42g", "a.log");
    assertThat(TriageUi.pagerCommand("/usr/bin/more", java.nio.file.Path.of("a.log"), 0))
        .containsExactly("/usr/bin/more", "+1", "a.log");
  }

  @Test
  @org.junit.jupiter.api.Timeout(20)
  void shouldQuitOnEndOfInput() throws Exception {
    terminal.addInput(new KeyStroke(KeyType.EOF));
    Inbox inbox = new Inbox();
    inbox.finding(f("late", 1, 0.9, "unit tests", 7, "FATAL: arrived before the key"));
    TriageModel model = model();
    new TriageUi(new TerminalScreen(terminal), model, inbox, true, LogOpener.NONE, s -> {}, "less")
        .run();
    // run() returned (the timeout fails a loop that never ends) after taking in what had arrived.
    assertThat(model.rows()).hasSize(4);
    assertThat(inbox.waiting()).isZero();
  }

  @Test
  void shouldKeepTheColumnsFixedWhateverTheCountsAndHistory() {
    java.time.Instant t = java.time.Instant.EPOCH;
    TriageModel.Row seen =
        new TriageModel.Row(
            f("a", 1, 0.9, "unit", 1, "error: one")
                .withHistory(new dev.destill.core.model.History(12, 20, t, t)),
            32_000);
    TriageModel.Row fresh =
        new TriageModel.Row(
            f("b", 1, 0.9, "unit", 1, "error: two")
                .withHistory(new dev.destill.core.model.History(0, 1, t, t)),
            3);
    String a = Renderer.rowText(seen, 80, false, true);
    String b = Renderer.rowText(fresh, 80, false, true);
    assertThat(a).contains("x32k").contains("seen 12/20");
    assertThat(b).contains("x3").contains("new");
    assertThat(a.indexOf("error: one")).isEqualTo(b.indexOf("error: two"));
    assertThat(Renderer.rowText(fresh, 80, true, true).indexOf("error: two"))
        .as("the job column takes room only when shown")
        .isGreaterThan(b.indexOf("error: two"));
  }

  @Test
  void shouldShortenDirectoriesButNotUrls() {
    assertThat(Renderer.shortenPaths("[ERROR] /builds/ws/app/src/Foo.java:[3,4] bad"))
        .isEqualTo("[ERROR] …/Foo.java:[3,4] bad");
    assertThat(Renderer.shortenPaths("error C2065: C:\\src\\app\\main.cpp(12)"))
        .isEqualTo("error C2065: …/main.cpp(12)");
    assertThat(Renderer.shortenPaths("see https://example.com/a/b/c and src/Foo.java"))
        .isEqualTo("see https://example.com/a/b/c and src/Foo.java");
  }
}
