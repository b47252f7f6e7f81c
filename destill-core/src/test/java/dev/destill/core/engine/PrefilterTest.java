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
  void shouldTellGroupsApartWithKeywordsOfEveryByte() {
    // More distinct bytes than a signed byte can number classes: every printable ASCII byte but
    // the upper case letters, and U+0080..U+00BF (C2 then each continuation byte), in 70 groups.
    List<String> words = new java.util.ArrayList<>();
    for (int c = '!'; c <= '~'; c++) {
      if (c < 'A' || c > 'Z') {
        words.add(String.valueOf((char) c));
      }
    }
    for (int c = 0x80; c <= 0xbf; c++) {
      words.add(String.valueOf((char) c));
    }
    int[] groups = new int[words.size()];
    for (int k = 0; k < groups.length; k++) {
      groups[k] = k % 70;
    }
    Prefilter p = new Prefilter(words, groups);
    for (int k = 0; k < groups.length; k++) {
      long[] g = p.groups(" " + words.get(k) + " ");
      assertThat(g[(k % 70) / 64] & (1L << (k % 70))).as("word %d", k).isNotZero();
      assertThat(Long.bitCount(g[0]) + Long.bitCount(g[1])).as("word %d", k).isEqualTo(1);
    }
    assertThat(p.matches("   ")).isFalse();
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
