package dev.destill.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

class GramGateTest {

  private static List<String> standardWords() {
    List<String> words = new ArrayList<>(Rules.standard().catalogue().prefilter());
    words.add("private key");
    words.addAll(LineFilter.STEP_WORDS);
    return words;
  }

  private static List<byte[]> bytes(List<String> words) {
    List<byte[]> out = new ArrayList<>();
    for (String w : words) {
      out.add(w.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
    }
    return out;
  }

  /** Where the automaton finds the first word that starts in {@code b[from, to)}, or -1. */
  private static int firstWordStart(
      LineFilter filter, List<byte[]> words, byte[] b, int from, int to) {
    int s = LineFilter.START;
    int first = -1;
    for (int i = from; i < to; i++) {
      s = filter.table[s + filter.byteClass[b[i] & 0xff]];
      if (s < 0) {
        s = ~s;
        // The word that ends here: find its start by trying each word.
        for (byte[] w : words) {
          int start = i + 1 - w.length;
          if (start >= from && equalsFolded(b, start, w)) {
            first = first < 0 ? start : Math.min(first, start);
          }
        }
      }
    }
    return first;
  }

  private static boolean equalsFolded(byte[] b, int at, byte[] w) {
    for (int k = 0; k < w.length; k++) {
      int c = b[at + k] & 0xff;
      if (c >= 'A' && c <= 'Z') {
        c += 32;
      }
      if (c != (w[k] & 0xff)) {
        return false;
      }
    }
    return true;
  }

  private static final String[] FILLER = {
    "2024-05-21T10:00:00.0310464Z ",
    "Tests run: 3, ",
    "ok  \tgithub.com/acme ",
    "\u001b[32m",
    "\u2713 ",
    "[INFO] ",
    "PASSED ",
    "x",
    "_",
    "[",
    "]",
    "<",
    "-",
    ".",
    ":",
    "\r",
    "\t",
    "caf\u00e9 ",
    "\u00d7",
    "\u2500\u2500",
    "e",
    "rr",
    "or",
    "fa",
    "il",
    "exc",
    "conf",
    " "
  };

  @Test
  void shouldNeverMissAWordTheAutomatonFindsAndSendItFromNoLaterThanItsStart() {
    List<String> words = standardWords();
    List<byte[]> folded = bytes(words);
    LineFilter filter =
        new LineFilter(
            words.subList(0, words.size() - LineFilter.STEP_WORDS.size()), LineFilter.STEP_WORDS);
    GramGate gate = filter.gate;
    assertThat(gate.open).isFalse();
    Random random = new Random(17);
    int withWord = 0;
    for (int round = 0; round < 20_000; round++) {
      StringBuilder line = new StringBuilder();
      int parts = random.nextInt(8);
      for (int k = 0; k < parts; k++) {
        if (random.nextInt(3) == 0) {
          String w = words.get(random.nextInt(words.size()));
          line.append(random.nextBoolean() ? w.toUpperCase(Locale.ROOT) : w);
        } else {
          line.append(FILLER[random.nextInt(FILLER.length)]);
        }
      }
      byte[] text = line.toString().getBytes(StandardCharsets.UTF_8);
      // The line sits anywhere in a buffer, up to its very end, with other bytes around it.
      int before = random.nextInt(9);
      int after = random.nextInt(4) == 0 ? 0 : random.nextInt(12);
      byte[] buf = new byte[before + text.length + after];
      for (int k = 0; k < buf.length; k++) {
        buf[k] = (byte) "ab \n!e".charAt(random.nextInt(6));
      }
      System.arraycopy(text, 0, buf, before, text.length);
      int from = before;
      int to = before + text.length;
      int start = firstWordStart(filter, folded, buf, from, to);
      int maybe = gate.first(buf, from, to);
      if (start >= 0) {
        withWord++;
        assertThat(maybe).as("line [%s]", line).isGreaterThanOrEqualTo(0);
        assertThat(Math.max(from, maybe - gate.back))
            .as("line [%s]", line)
            .isLessThanOrEqualTo(start);
      }
      assertThat(maybe).isLessThan(to);
    }
    assertThat(withWord).isGreaterThan(5_000);
  }

  @Test
  void shouldLetPlainLinesThroughWithoutAMaybe() {
    GramGate gate =
        new LineFilter(Rules.standard().catalogue().prefilter(), LineFilter.STEP_WORDS).gate;
    byte[] line =
        "2024-05-21T10:00:00.0310464Z SessionFilterTest > shouldSaveWhenValidInput() PASSED\n\n\n\n\n"
            .getBytes(StandardCharsets.UTF_8);
    assertThat(gate.first(line, 0, line.length - 5)).isEqualTo(-1);
  }

  @Test
  void shouldFindShortWordsAtTheEndsOfALineAndOfTheBuffer() {
    GramGate gate = new GramGate(bytes(List.of("<<<", "\u00d7", "exception")));
    for (String s :
        List.of("<<<", "a <<<", "\u00d7", "ab\u00d7", "\u00d7 b", "EXCEPTION", "x Exception")) {
      byte[] alone = s.getBytes(StandardCharsets.UTF_8);
      assertThat(gate.first(alone, 0, alone.length)).as(s).isGreaterThanOrEqualTo(0);
      byte[] padded = (s + "\nplain text that goes on").getBytes(StandardCharsets.UTF_8);
      assertThat(gate.first(padded, 0, alone.length)).as(s).isGreaterThanOrEqualTo(0);
    }
    byte[] plain = "a plain line with nothing in it\nmore".getBytes(StandardCharsets.UTF_8);
    assertThat(gate.first(plain, 0, plain.length - 5)).isEqualTo(-1);
  }

  @Test
  void shouldOpenWhenAWordIsTooShortForAGram() {
    GramGate gate = new GramGate(bytes(List.of("error", "e:")));
    assertThat(gate.open).isTrue();
    byte[] line = "nothing here".getBytes(StandardCharsets.UTF_8);
    assertThat(gate.first(line, 0, line.length)).isZero();
    assertThat(gate.first(line, 3, 3)).isEqualTo(-1);
  }

  @Test
  void shouldKnowHowOftenEveryGramOfTheBuiltInWordsOccurs() {
    // bench's GramCounts writes gram-counts.txt; a new built-in word needs it run again.
    for (byte[] w : bytes(standardWords())) {
      if (w.length >= 4) {
        assertThat(GramGate.counted(w))
            .as("gram-counts.txt holds every gram of \"%s\"", new String(w, StandardCharsets.UTF_8))
            .isTrue();
      }
    }
  }
}
