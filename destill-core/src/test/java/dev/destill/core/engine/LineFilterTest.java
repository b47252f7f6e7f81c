package dev.destill.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LineFilterTest {

  private static final LineFilter FILTER =
      new LineFilter(List.of("error", "fail", "\u25cf", "exit code"), LineFilter.STEP_WORDS);

  /** Runs the filter over {@code log} fed in pieces of {@code piece} bytes: kinds per line. */
  private static List<Integer> kinds(String log, int piece) {
    byte[] b = log.getBytes(StandardCharsets.UTF_8);
    List<Integer> out = new ArrayList<>();
    int s = LineFilter.START;
    int kind = 0;
    for (int off = 0; off < b.length; off += piece) {
      for (int i = off; i < Math.min(b.length, off + piece); i++) {
        s = FILTER.table[s + FILTER.byteClass[b[i] & 0xff]];
        if (s < 0) {
          s = ~s;
          int k = FILTER.kind(s);
          if ((k & LineFilter.NEWLINE) != 0) {
            out.add(kind);
            kind = 0;
          } else {
            kind |= k;
          }
        }
      }
    }
    return out;
  }

  @Test
  void shouldTellRuleWordsStepWordsAndPlainLinesApartWhateverTheCutsAndCase() {
    String log =
        "plain line\n"
            + "An ERROR here\n"
            + "2024-01-01T00:00:00Z ##[group]Run tests\n"
            + "--- build and FaIl\n"
            + "\u25cf Suite \u203a test\n"
            + "err or and fai l are not words\n"
            + "Process completed with exit CODE 1.\n"
            + "\n";
    List<Integer> expected =
        List.of(
            0,
            LineFilter.RULE,
            LineFilter.STEP,
            LineFilter.STEP | LineFilter.RULE,
            LineFilter.RULE,
            0,
            LineFilter.RULE,
            0);
    for (int piece : new int[] {1, 2, 3, 7, 1 << 16}) {
      assertThat(kinds(log, piece)).as("pieces of %d bytes", piece).isEqualTo(expected);
    }
  }

  @Test
  void shouldNotCarryAPartialWordAcrossALineEnd() {
    assertThat(kinds("err\nor\nfa\nil\n", 1)).containsExactly(0, 0, 0, 0);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = ';',
      value = {
        "^abc;true",
        "(?i)^abc;true",
        "(?i)(?s)^abc;true",
        "\\Aabc;true",
        "^(a|b)c;true",
        "^[|(]x;true",
        "^a\\|b;true",
        "^a|b;false",
        "^a|^b;true",
        "(?i)^a|\\Ab;true",
        "^(a|b)|^c;true",
        "^a|^b|c;false",
        "^a|(?i)^b;false",
        "^a|b^;false",
        "a^;false",
        "abc;false",
        "^[^a];false",
        "(?:^a);false",
      })
  void shouldSeeWhichPatternsOnlyMatchAtTheStart(String regex, boolean anchored) {
    assertThat(Rules.anchoredAtStart(regex)).isEqualTo(anchored);
  }
}
