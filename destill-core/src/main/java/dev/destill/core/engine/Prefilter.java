package dev.destill.core.engine;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A byte-level multi-keyword matcher (Aho-Corasick automaton, ASCII case-insensitive) that tells in
 * one pass over a line's bytes whether it contains any {@link Rules#PREFILTER_KEYWORDS}. The
 * automaton is immutable and thread-safe; callers keep their own state between calls so a line can
 * be fed in pieces.
 */
public final class Prefilter {

  /**
   * Transition table over byte classes: {@code table[row + byteClass[b]]} is the next state's row
   * offset ({@code state * classes}), or its bitwise complement when that state accepts. Bytes that
   * no keyword holds share one class, so the table is a fraction of a 256-column one and stays in a
   * core's cache.
   */
  private final int[] table;

  private final int[] byteClass;
  private final int classes;

  // For each state, which keyword groups end there: words of 64 bits, state * words + i / 64.
  private final long[] out;
  private final int words;

  public Prefilter(List<String> keywords) {
    this(keywords, null);
  }

  /**
   * An automaton whose keyword {@code k} belongs to group {@code groups[k]} (0 or more); {@link
   * #groups} then tells which groups occur in a text.
   */
  public Prefilter(List<String> keywords, int[] groups) {
    int maxGroup = 0;
    if (groups != null) {
      for (int g : groups) {
        maxGroup = Math.max(maxGroup, g);
      }
    }
    words = maxGroup / 64 + 1;
    List<int[]> gotoRows = new ArrayList<>();
    List<Boolean> accept = new ArrayList<>();
    List<long[]> outs = new ArrayList<>();
    outs.add(new long[words]);
    gotoRows.add(newRow());
    accept.add(false);
    for (int k = 0; k < keywords.size(); k++) {
      String keyword = keywords.get(k);
      byte[] bytes = keyword.toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.UTF_8);
      int state = 0;
      for (byte b : bytes) {
        int c = b & 0xff;
        int target = gotoRows.get(state)[c];
        if (target <= 0) {
          gotoRows.add(newRow());
          accept.add(false);
          outs.add(new long[words]);
          target = gotoRows.size() - 1;
          gotoRows.get(state)[c] = target;
        }
        state = target;
      }
      accept.set(state, true);
      if (groups != null) {
        int g = groups[k];
        outs.get(state)[g >> 6] |= 1L << (g & 63);
      }
    }
    int states = gotoRows.size();
    out = new long[states * words];
    for (int st = 0; st < states; st++) {
      System.arraycopy(outs.get(st), 0, out, st * words, words);
    }
    int[] fail = new int[states];
    int[] next = new int[states * 256];
    boolean[] accepting = new boolean[states];
    for (int s = 0; s < states; s++) {
      accepting[s] = accept.get(s);
    }
    ArrayDeque<Integer> queue = new ArrayDeque<>();
    int[] root = gotoRows.get(0);
    for (int c = 0; c < 256; c++) {
      int t = root[c] > 0 ? root[c] : 0;
      next[c] = t;
      if (t > 0) {
        fail[t] = 0;
        queue.add(t);
      }
    }
    while (!queue.isEmpty()) {
      int s = queue.poll();
      accepting[s] |= accepting[fail[s]];
      for (int w = 0; w < words; w++) {
        out[s * words + w] |= out[fail[s] * words + w];
      }
      int[] row = gotoRows.get(s);
      for (int c = 0; c < 256; c++) {
        if (row[c] > 0) {
          int t = row[c];
          fail[t] = next[fail[s] * 256 + c];
          next[s * 256 + c] = t;
          queue.add(t);
        } else {
          next[s * 256 + c] = next[fail[s] * 256 + c];
        }
      }
    }
    // Classes: each byte some keyword holds gets its own, ASCII upper case takes its lower case's
    // (so matching is case-insensitive), and every other byte goes to class 0.
    int[] cls = new int[256];
    int n = 1;
    for (String keyword : keywords) {
      for (byte b : keyword.toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.UTF_8)) {
        if (cls[b & 0xff] == 0) {
          cls[b & 0xff] = n++;
        }
      }
    }
    for (int c = 'A'; c <= 'Z'; c++) {
      cls[c] = cls[c + 32];
    }
    classes = n;
    byteClass = new int[256];
    int[] sample = new int[n];
    for (int c = 255; c >= 0; c--) {
      byteClass[c] = cls[c];
      if (c < 'A' || c > 'Z') {
        sample[cls[c]] = c;
      }
    }
    table = new int[states * n];
    for (int s = 0; s < states; s++) {
      for (int k = 0; k < n; k++) {
        int t = next[s * 256 + sample[k]];
        table[s * n + k] = accepting[t] ? ~(t * n) : t * n;
      }
    }
  }

  private static int[] newRow() {
    int[] row = new int[256];
    Arrays.fill(row, 0);
    return row;
  }

  /** The prefilter over {@link Rules#PREFILTER_KEYWORDS}. */
  public static Prefilter standard() {
    return Rules.standard().prefilter();
  }

  /** The automaton's start state. */
  public int start() {
    return 0;
  }

  /**
   * Runs from {@code state} over {@code buf[from..to)}; returns the index just past the first
   * keyword found, or {@code -1 - finalState} when none was found (so scanning can resume).
   */
  public int find(int state, byte[] buf, int from, int to) {
    int[] t = table;
    int[] classOf = byteClass;
    int s = state;
    for (int i = from; i < to; i++) {
      s = t[s + classOf[buf[i] & 0xff]];
      if (s < 0) {
        return i + 1;
      }
    }
    return -1 - s;
  }

  /** The groups of every keyword in {@code text}: bit {@code g % 64} of {@code result[g / 64]}. */
  public long[] groups(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    int[] t = table;
    int[] classOf = byteClass;
    long[] result = new long[words];
    int s = 0;
    for (byte b : bytes) {
      s = t[s + classOf[b & 0xff]];
      if (s < 0) {
        s = ~s;
        int base = s / classes * words;
        for (int w = 0; w < words; w++) {
          result[w] |= out[base + w];
        }
      }
    }
    return result;
  }

  /** True when {@code text} contains a keyword. */
  public boolean matches(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    return find(0, bytes, 0, bytes.length) >= 0;
  }
}
