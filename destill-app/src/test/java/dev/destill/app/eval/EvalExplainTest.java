package dev.destill.app.eval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.destill.app.CliRunner;
import dev.destill.llm.FakeChatServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvalExplainTest {
  @TempDir Path dir;

  @Test
  void shouldReportHowOftenCitedLinesAreGoldAndTheTokensSent() throws Exception {
    Path logs = Files.createDirectories(dir.resolve("logs"));
    Files.copy(Path.of("..", "examples", "github-maven-compile-error.log"), logs.resolve("a.log"));
    Files.copy(Path.of("..", "examples", "github-maven-compile-error.log"), logs.resolve("b.log"));
    Files.writeString(
        dir.resolve("cases.jsonl"),
        "{\"id\":\"t/a\",\"source\":\"t\",\"log\":\"logs/a.log\",\"gold\":[[43,45]]}\n"
            + "{\"id\":\"t/b\",\"source\":\"t\",\"log\":\"logs/b.log\",\"gold\":[[43,45]]}\n");
    try (FakeChatServer server = new FakeChatServer()) {
      server
          .then(FakeChatServer.answer("Missing method.", "", 43))
          .then(FakeChatServer.answer("Something else.", "", 54));

      CliRunner.Result r =
          CliRunner.runWithEnv(
              Map.of("DESTILL_LLM_URL", server.baseUrl(), "DESTILL_LLM_MODEL", "m1"),
              "eval",
              "--explain",
              "--parallel",
              "1",
              dir.toString());

      assertThat(r.exitCode()).as(r.err()).isZero();
      assertThat(r.out()).contains("explanations by m1:");
      String all =
          r.out()
              .lines()
              .filter(l -> l.startsWith("all ") && l.contains("  2 "))
              .reduce((a, b) -> b)
              .orElseThrow();
      // 2 cases, both answered, one of them cites a gold line; one of the two cited lines is gold.
      assertThat(all.trim().split("\\s+")).startsWith("all", "2", "2", "0.500", "0.500");
      assertThat(server.requests()).hasSize(2);
    }
  }
}
