package dev.destill.app.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.destill.core.DestillException;
import dev.destill.core.store.InMemoryFindingStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The MCP tools take a baseline and say which findings are new since it. */
class McpBaselineTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  private McpTools tools() throws Exception {
    Path spool = Files.createDirectory(tmp.resolve("spool"));
    return new McpTools(
        List.of(),
        Clock.systemUTC(),
        new InMemoryFindingStore(Clock.systemUTC()),
        4000,
        spool,
        PathGuard.of(tmp.toString(), tmp));
  }

  private static List<JsonNode> findings(JsonNode root) {
    List<JsonNode> all = new ArrayList<>();
    root.get("top_failures").forEach(all::add);
    root.get("other_findings").forEach(all::add);
    return all;
  }

  private static JsonNode finding(JsonNode root, String text) {
    return findings(root).stream()
        .filter(f -> f.get("message").asText().contains(text))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + text + " in " + root));
  }

  @Test
  void shouldSayWhichFindingsAreNewSinceThePassingLog() throws Exception {
    Path pass =
        Files.writeString(
            tmp.resolve("pass.log"), "setup\nERROR: flaky cache miss for key 4821\ndone\n");
    Path fail =
        Files.writeString(
            tmp.resolve("fail.log"),
            "setup\nERROR: flaky cache miss for key 9921\n"
                + "[ERROR] /src/B.java:[3,5] cannot find symbol\nBUILD FAILURE\n");
    JsonNode root =
        JSON.readTree(
            tools()
                .analyzeLog(
                    fail.toString(),
                    null,
                    pass.toString(),
                    5,
                    dev.destill.app.analysis.AnalysisListener.NONE));
    JsonNode b = root.get("baseline");
    assertThat(b.get("source").asText()).isEqualTo(pass.toString());
    assertThat(b.get("lines_new").asLong()).isEqualTo(2);
    assertThat(b.get("meaning").asText()).contains("new when the baseline");
    assertThat(finding(root, "cannot find symbol").get("novelty").asText()).isEqualTo("new");
    assertThat(finding(root, "flaky cache miss").get("novelty").asText()).isEqualTo("known");

    JsonNode plain = JSON.readTree(tools2().analyzeLog(fail.toString(), null, 5));
    assertThat(plain.has("baseline")).isFalse();
    assertThat(finding(plain, "cannot find symbol").has("novelty")).isFalse();
  }

  private McpTools tools2() throws Exception {
    Path spool = Files.createDirectory(tmp.resolve("spool2"));
    return new McpTools(
        List.of(),
        Clock.systemUTC(),
        new InMemoryFindingStore(Clock.systemUTC()),
        4000,
        spool,
        PathGuard.of(tmp.toString(), tmp));
  }

  @Test
  void shouldReadABaselineOnlyUnderTheRoots() throws Exception {
    Path fail = Files.writeString(tmp.resolve("fail.log"), "error: boom\n");
    McpTools tools = tools();
    assertThatThrownBy(
            () ->
                tools.analyzeLog(
                    fail.toString(),
                    null,
                    "/etc/passwd",
                    5,
                    dev.destill.app.analysis.AnalysisListener.NONE))
        .isInstanceOf(DestillException.class);
  }
}
