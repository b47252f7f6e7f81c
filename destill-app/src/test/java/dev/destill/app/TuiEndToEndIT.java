package dev.destill.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Runs scripts/tui-e2e.sh: the real binary in tmux, driven with send-keys and checked with
 * capture-pane. Runs after the fat jar is packaged; skipped where tmux is not installed.
 */
class TuiEndToEndIT {

  static boolean tmuxInstalled() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, "tmux"))) {
        return true;
      }
    }
    return false;
  }

  @Test
  void shouldOpenMoveSearchFilterAndQuitInTmux() throws Exception {
    assumeTrue(tmuxInstalled(), "tmux is not installed");
    Path root = Path.of("..").toAbsolutePath().normalize();
    Process p =
        new ProcessBuilder("bash", root.resolve("scripts/tui-e2e.sh").toString())
            .directory(root.toFile())
            .redirectErrorStream(true)
            .start();
    boolean finished = p.waitFor(3, TimeUnit.MINUTES);
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!finished) {
      p.destroyForcibly();
    }
    assertThat(finished).as("finished in time:\n" + out).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).contains("ok   quits");
  }
}
