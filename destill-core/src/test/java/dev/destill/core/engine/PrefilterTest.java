package dev.destill.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class PrefilterTest {

  @Test
  void shouldMatchKeywordsCaseInsensitively() {
    Prefilter p = new Prefilter(List.of("error", "fail"));
    assertThat(p.matches("[ERROR] boom")).isTrue();
    assertThat(p.matches("Build FAILED")).isTrue();
    assertThat(p.matches("all good")).isFalse();
  }

  @Test
  void shouldFindOverlappingKeywordsViaFailureLinks() {
    Prefilter p = new Prefilter(List.of("abcd", "bce"));
    assertThat(p.matches("xxabce")).isTrue();
    assertThat(p.matches("xxabcx")).isFalse();
  }

  @Test
  void shouldResumeAcrossPiecesOfOneLine() {
    Prefilter p = new Prefilter(List.of("error"));
    byte[] a = "some err".getBytes(StandardCharsets.UTF_8);
    byte[] b = "or here".getBytes(StandardCharsets.UTF_8);
    int r = p.find(p.start(), a, 0, a.length);
    assertThat(r).isNegative();
    assertThat(p.find(-1 - r, b, 0, b.length)).isPositive();
  }

  @Test
  void shouldLetEveryRuleKeywordThrough() {
    Prefilter p = Prefilter.standard();
    for (String line :
        List.of(
            "npm ERR! code E404",
            "--- FAIL: TestX",
            "Traceback (most recent call last):",
            "Segmentation fault (core dumped)",
            "\u25cf Suite \u203a test",
            "make: *** [all] Error 2",
            "rspec ./spec/a_spec.rb:3",
            "not ok 3 - adds",
            "Killed")) {
      assertThat(p.matches(line)).as(line).isTrue();
    }
  }
}
