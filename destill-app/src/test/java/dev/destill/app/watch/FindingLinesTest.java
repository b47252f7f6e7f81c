package dev.destill.app.watch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.destill.live.record.StreamKey;
import dev.destill.live.window.Window;
import dev.destill.live.window.WindowAnalysis;
import dev.destill.live.window.WindowAnalyzer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class FindingLinesTest {
  private final WindowAnalysis analysis =
      WindowAnalyzer.standard()
          .analyze(
              new Window(
                  new StreamKey("file", "logs/build.log"),
                  101,
                  List.of(
                      "[INFO] Compiling 3 source files",
                      "[ERROR] /src/main/java/App.java:[3,8] cannot find symbol",
                      "[INFO] BUILD FAILURE"),
                  1,
                  Instant.parse("2026-12-02T10:00:00Z"),
                  Instant.parse("2026-12-02T10:00:01Z"),
                  Window.Closed.QUIET),
              1);

  @Test
  void shouldPrintEachFindingAsOneJsonLineWithItsFileAndLine() throws Exception {
    StringWriter out = new StringWriter();
    new FindingLines(new PrintWriter(out), true, 20).print(analysis);
    List<String> lines = out.toString().lines().toList();
    assertThat(lines).hasSize(analysis.findings().size()).isNotEmpty();
    JsonNode first = new ObjectMapper().readTree(lines.get(0));
    assertThat(first.get("file").asText()).isEqualTo("logs/build.log");
    assertThat(first.get("request_id").asText()).isEqualTo(analysis.requestId());
    assertThat(first.get("file_line").asLong()).isEqualTo(102);
    assertThat(first.get("window").get("first_line").asLong()).isEqualTo(101);
    assertThat(first.get("window").get("closed").asText()).isEqualTo("quiet");
    assertThat(first.get("finding").get("rank").asInt()).isEqualTo(1);
    assertThat(first.get("finding").get("message").asText()).contains("cannot find symbol");
    assertThat(first.get("finding").get("tier").asInt()).isEqualTo(1);
  }

  @Test
  void shouldPrintTextAndKeepToTop() {
    StringWriter out = new StringWriter();
    new FindingLines(new PrintWriter(out), false, 1).print(analysis);
    assertThat(out.toString().lines().toList())
        .singleElement()
        .asString()
        .startsWith("logs/build.log:102  T1 ")
        .contains("cannot find symbol");
  }
}
