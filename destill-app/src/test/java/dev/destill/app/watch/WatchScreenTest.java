package dev.destill.app.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.googlecode.lanterna.TerminalSize;
import com.googlecode.lanterna.input.KeyStroke;
import com.googlecode.lanterna.screen.TerminalScreen;
import com.googlecode.lanterna.terminal.virtual.DefaultVirtualTerminal;
import dev.destill.core.engine.Rules;
import dev.destill.core.store.InMemoryFindingStore;
import dev.destill.live.tail.FileWatch;
import dev.destill.tui.TriageUi;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real watch behind the real triage screen, on Lanterna's virtual terminal. */
class WatchScreenTest {
  @TempDir Path dir;

  static String screen(DefaultVirtualTerminal t) {
    StringBuilder b = new StringBuilder();
    TerminalSize size = t.getTerminalSize();
    for (int row = 0; row < size.getRows(); row++) {
      for (int col = 0; col < size.getColumns(); col++) {
        b.append(t.getCharacter(col, row).getCharacterString());
      }
      b.append('\n');
    }
    return b.toString();
  }

  @Test
  void shouldShowAFindingWhileTheFileGrowsAndQuitOnQ() throws Exception {
    Path log = dir.resolve("build.log");
    Files.writeString(log, "[INFO] before the watch\n");
    DefaultVirtualTerminal terminal = new DefaultVirtualTerminal(new TerminalSize(100, 30));
    Clock clock = Clock.systemUTC();
    InMemoryFindingStore store = new InMemoryFindingStore(clock);
    CompletableFuture<TriageUi.Outcome> outcome =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return WatchScreen.run(
                    new TerminalScreen(terminal),
                    "watch build.log",
                    false,
                    "true",
                    (onAnalysis, listener) ->
                        Watching.start(
                            List.of(FileWatch.Spec.parse(log.toString())),
                            false,
                            store,
                            Rules.standard(),
                            clock,
                            onAnalysis,
                            listener));
              } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> screen(terminal).contains("watch build.log"));
    assertThat(screen(terminal)).doesNotContain("cannot find symbol");
    Files.writeString(
        log,
        "[INFO] Compiling 3 source files\n"
            + "[ERROR] /src/main/java/App.java:[3,8] cannot find symbol\n"
            + "[INFO] BUILD FAILURE\n",
        StandardCharsets.UTF_8,
        StandardOpenOption.APPEND);
    // The window closes when the file has been quiet for Watching.QUIET.
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> screen(terminal).contains("cannot find symbol"));
    assertThat(screen(terminal)).contains("T1");
    terminal.addInput(new KeyStroke('q', false, false));
    assertThat(outcome.get(60, TimeUnit.SECONDS)).isEqualTo(TriageUi.Outcome.QUIT);
    assertThat(store.recentRequests(10)).isNotEmpty();
  }
}
