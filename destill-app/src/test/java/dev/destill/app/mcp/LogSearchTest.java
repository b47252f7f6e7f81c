package dev.destill.app.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class LogSearchTest {

  static LogSearch.Result search(String log, String regex, int context) throws IOException {
    return LogSearch.search(
        "job",
        new ByteArrayInputStream(log.getBytes(StandardCharsets.UTF_8)),
        Pattern.compile(regex),
        context,
        0,
        LogSearch.PAGE_SIZE,
        0);
  }

  static String lines(int n) {
    StringBuilder sb = new StringBuilder();
    for (int i = 1; i <= n; i++) {
      sb.append(i == 5 || i == 7 || i == 20 ? "ERROR " + i : "line " + i).append('\n');
    }
    return sb.toString();
  }

  @Test
  void shouldMergeMatchesWhoseContextsOverlap() throws IOException {
    LogSearch.Result r = search(lines(30), "ERROR", 2);
    assertThat(r.matches()).isEqualTo(3);
    assertThat(r.hits()).hasSize(2);
    LogSearch.Hit merged = r.hits().get(0);
    assertThat(merged.matchLines()).containsExactly(5L, 7L);
    assertThat(merged.lines())
        .containsExactly(
            "3: line 3",
            "4: line 4",
            "5> ERROR 5",
            "6: line 6",
            "7> ERROR 7",
            "8: line 8",
            "9: line 9");
    assertThat(r.hits().get(1).lines())
        .containsExactly(
            "18: line 18", "19: line 19", "20> ERROR 20", "21: line 21", "22: line 22");
  }

  @Test
  void shouldKeepMatchesApartWithoutContext() throws IOException {
    LogSearch.Result r = search(lines(30), "ERROR", 0);
    assertThat(r.hits()).hasSize(3);
    assertThat(r.hits().get(0).lines()).containsExactly("5> ERROR 5");
  }

  @Test
  void shouldSearchAndShowLinesWithoutTimestamps() throws IOException {
    LogSearch.Result r = search("2024-05-01T10:00:00.1234567Z ##[error]boom\nok\n", "^boom", 0);
    assertThat(r.hits()).hasSize(1);
    assertThat(r.hits().get(0).lines()).containsExactly("1> boom");
  }
}
