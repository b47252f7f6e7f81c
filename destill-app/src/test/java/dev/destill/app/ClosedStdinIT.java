package dev.destill.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.destill.app.cli.ExitCodes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The packaged CLI started with its standard input closed, as {@code <&-} leaves it. */
class ClosedStdinIT {
  @Test
  void shouldRefuseAClosedStandardInputWithOneLine() throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Path jar = Path.of("target", "destill.jar").toAbsolutePath();
    Process p =
        new ProcessBuilder(
                "sh",
                "-c",
                "exec \"$0\" -jar \"$1\" analyze --no-history --format json - <&-",
                java.toString(),
                jar.toString())
            .start();
    p.getOutputStream().close();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(err).isEqualTo(ExitCodes.INPUT);
    assertThat(err.strip()).contains("standard input is closed").doesNotContain("\n");
    assertThat(out).isEmpty();
  }
}
