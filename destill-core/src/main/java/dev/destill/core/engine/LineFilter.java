package dev.destill.core.engine;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The scanner's one pass over a log's bytes: an Aho-Corasick automaton (ASCII case-insensitive)
 * that finds, in a single table lookup per byte, the ends of lines and the words that make a line
 * worth decoding: the rules' keywords ({@link #RULE}) and what step markers contain ({@link
 * #STEP}). A line with neither is never decoded.
 *
 * <p>Bytes are mapped to classes first (the bytes no word contains share one class), so the table
 * is small enough to stay in cache. A table entry is the next state's row offset, or its bitwise
 * complement when that state ends a word: the scan loop tests one sign per byte. Immutable and
 * thread-safe; callers keep their own state between calls.
 */
final class LineFilter {
  /** A rule keyword ends here. */
  static final int RULE = 1;

  /** A word that step markers contain ends here. */
  static final int STEP = 2;

  /** The line ends here. */
  static final int NEWLINE = 4;

  /**
   * What every step marker the scanner reads contains (GitHub groups, GitLab sections, Jenkins
   * stages, Azure sections, TeamCity blocks, Travis folds and timers, Buildkite group headers).
   */
  static final List<String> STEP_WORDS =
      List.of(
          "##[group]",
          "section_start:",
          "[pipeline] {",
          "##[section]",
          "##teamcity[",
          "travis_",
          "--- ",
          "+++ ",
          "~~~ ");

  /** {@code table[row + byteClass[b]]}: the next row, complemented when its state ends a word. */
  final int[] table;

  /** The class of each byte value. */
  final byte[] byteClass;

  /** What ends at each row offset (only the first entry of a row is used). */
  final byte[] kinds;

  /** The start state's row offset. */
  static final int START = 0;

  /** Where in a line the automaton must start reading, if anywhere. */
  final GramGate gate;

  LineFilter(List<String> ruleWords, List<String> stepWords) {
    List<byte[]> words = new ArrayList<>();
    List<Integer> wordKinds = new ArrayList<>();
    for (String w : ruleWords) {
      words.add(w.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
      wordKinds.add(RULE);
    }
    for (String w : stepWords) {
      words.add(w.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
      wordKinds.add(STEP);
    }
    gate = new GramGate(words);
    words.add(new byte[] {'\n'});
    wordKinds.add(NEWLINE);

    // Byte classes: each byte some word holds (upper case folded onto lower) gets its own.
    int[] cls = new int[256];
    int classes = 1;
    for (byte[] w : words) {
      for (byte b : w) {
        int c = b & 0xff;
        if (cls[c] == 0) {
          cls[c] = classes++;
        }
      }
    }
    for (int c = 'A'; c <= 'Z'; c++) {
      cls[c] = cls[c + 32];
    }
    if (classes > 127) {
      throw new IllegalArgumentException("too many distinct bytes in the keywords");
    }

    // The trie over classes.
    List<int[]> go = new ArrayList<>();
    List<Integer> out = new ArrayList<>();
    go.add(filled(classes));
    out.add(0);
    for (int k = 0; k < words.size(); k++) {
      int state = 0;
      for (byte b : words.get(k)) {
        int c = cls[b & 0xff];
        int target = go.get(state)[c];
        if (target < 0) {
          go.add(filled(classes));
          out.add(0);
          target = go.size() - 1;
          go.get(state)[c] = target;
        }
        state = target;
      }
      out.set(state, out.get(state) | wordKinds.get(k));
    }
    int states = go.size();
    int[] next = new int[states * classes];
    int[] fail = new int[states];
    int[] kind = new int[states];
    for (int s = 0; s < states; s++) {
      kind[s] = out.get(s);
    }
    ArrayDeque<Integer> queue = new ArrayDeque<>();
    for (int c = 0; c < classes; c++) {
      int t = go.get(0)[c];
      next[c] = Math.max(t, 0);
      if (t > 0) {
        queue.add(t);
      }
    }
    while (!queue.isEmpty()) {
      int s = queue.poll();
      kind[s] |= kind[fail[s]];
      int[] row = go.get(s);
      for (int c = 0; c < classes; c++) {
        if (row[c] > 0) {
          int t = row[c];
          fail[t] = next[fail[s] * classes + c];
          next[s * classes + c] = t;
          queue.add(t);
        } else {
          next[s * classes + c] = next[fail[s] * classes + c];
        }
      }
    }
    table = new int[states * classes];
    kinds = new byte[states * classes];
    for (int s = 0; s < states; s++) {
      kinds[s * classes] = (byte) kind[s];
      for (int c = 0; c < classes; c++) {
        int t = next[s * classes + c];
        table[s * classes + c] = kind[t] != 0 ? ~(t * classes) : t * classes;
      }
    }
    byteClass = new byte[256];
    for (int c = 0; c < 256; c++) {
      byteClass[c] = (byte) cls[c];
    }
  }

  private static int[] filled(int n) {
    int[] row = new int[n];
    Arrays.fill(row, -1);
    return row;
  }

  /**
   * What ends at {@code row}, a state's row offset: {@link #RULE}, {@link #STEP}, {@link #NEWLINE}.
   */
  int kind(int row) {
    return kinds[row];
  }
}
