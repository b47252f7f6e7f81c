package dev.destill.app.scripts;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** scripts/dev-cluster.sh: the parts that need no download. */
class DevClusterScriptTest {
  private static final Path SCRIPT = Path.of("..", "scripts", "dev-cluster.sh");

  @Test
  void shouldNeverDrawAClusterIdThatReadsAsAnOption() throws Exception {
    // One id in 64 started with '-' before: 400 draws find one but 2 times in 1000.
    List<String> ids = run("\"$0\" cluster-id 400");
    assertThat(ids).hasSize(400).doesNotHaveDuplicates();
    assertThat(ids)
        .allSatisfy(id -> assertThat(id).doesNotStartWith("-").matches("[A-Za-z0-9_-]{22}"));
  }

  private static List<String> run(String script) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder("bash", "-c", script, SCRIPT.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(out).isZero();
    assertThat(Files.exists(SCRIPT)).isTrue();
    return out.lines().toList();
  }
}
