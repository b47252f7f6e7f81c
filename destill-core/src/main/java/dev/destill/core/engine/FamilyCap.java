package dev.destill.core.engine;

import java.util.Comparator;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;

/**
 * The policy that bounds a job's distinct findings: at most {@code capacity} keys, each in a
 * template family ({@link #family}); over capacity, the weakest key of the largest family goes. So
 * a distinctive error ({@code ld returned 1 exit status: cannot find -lssl}) survives among
 * thousands of compile errors of one kind, which the globally weakest-first rule would drop. Not
 * thread-safe.
 *
 * @param <K> the keys
 */
final class FamilyCap<K> {
  private final int capacity;
  private final Comparator<K> weakerFirst;
  // Linked: iterating it costs its entries, not the capacity its table grew to once.
  private final Map<String, PriorityQueue<K>> families = new java.util.LinkedHashMap<>();
  private final Map<K, String> familyOf = new HashMap<>();
  // How many families hold each number of keys, and the largest number: kept as keys come and go,
  // so that telling the largest family's size costs nothing.
  private int[] ofSize = new int[16];
  private int largest;

  FamilyCap(int capacity, Comparator<K> weakerFirst) {
    this.capacity = capacity;
    this.weakerFirst = weakerFirst;
  }

  /**
   * The family of a finding's first line: its first three words, leaving out paths, numbers and
   * anything with a digit, lower-cased. "[ERROR] /src/A.java:[3,5] cannot find symbol" is "error
   * cannot find".
   */
  static String family(String text) {
    String s = LineCleaner.stripDecorations(text);
    StringBuilder sb = new StringBuilder();
    StringBuilder w = new StringBuilder();
    int words = 0;
    int n = s.length();
    int i = 0;
    // Tokens between runs of the regex class \s (ASCII whitespace), as String.split("\\s+") cuts.
    while (i < n && words < 3) {
      while (i < n && isRegexSpace(s.charAt(i))) {
        i++;
      }
      int start = i;
      boolean skip = false;
      w.setLength(0);
      while (i < n && !isRegexSpace(s.charAt(i))) {
        char c = s.charAt(i);
        if (c == '/' || c == '\\' || Character.isDigit(c)) {
          skip = true;
        } else if (Character.isLetter(c)) {
          w.append(c);
        }
        i++;
      }
      if (i == start || skip || w.isEmpty()) {
        continue;
      }
      if (words++ > 0) {
        sb.append(' ');
      }
      sb.append(w.toString().toLowerCase(Locale.ROOT));
    }
    return sb.toString();
  }

  private static boolean isRegexSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == 0x0b || c == '\f' || c == '\r';
  }

  int size() {
    return familyOf.size();
  }

  /**
   * True when a newcomer of {@code family} would go at once: the cap is full, and the family is
   * (one of) the largest and already holds something at least as strong as {@code newcomer}.
   */
  boolean wouldDrop(String family, K newcomer) {
    if (familyOf.size() < capacity) {
      return false;
    }
    PriorityQueue<K> own = families.get(family);
    return own != null && own.size() >= largest() && weakerFirst.compare(newcomer, own.peek()) < 0;
  }

  /** Adds {@code key}; returns the key that had to go to stay within the capacity, if any. */
  Optional<K> add(K key, String family) {
    familyOf.put(key, family);
    PriorityQueue<K> into = families.computeIfAbsent(family, f -> new PriorityQueue<>(weakerFirst));
    into.add(key);
    grew(into.size());
    if (familyOf.size() <= capacity) {
      return Optional.empty();
    }
    // Of the largest families, the one whose weakest key is weakest.
    PriorityQueue<K> from = null;
    for (PriorityQueue<K> q : families.values()) {
      if (q.size() == largest && (from == null || weakerFirst.compare(q.peek(), from.peek()) < 0)) {
        from = q;
      }
    }
    K out = from.poll();
    shrank(from.size());
    String f = familyOf.remove(out);
    if (from.isEmpty()) {
      families.remove(f);
    }
    return Optional.of(out);
  }

  /** Takes {@code key} out (to add it again when its strength changed); false when absent. */
  boolean remove(K key) {
    String f = familyOf.remove(key);
    if (f == null) {
      return false;
    }
    PriorityQueue<K> q = families.get(f);
    q.remove(key);
    shrank(q.size());
    if (q.isEmpty()) {
      families.remove(f);
    }
    return true;
  }

  /** The family of a key held. */
  String familyOf(K key) {
    return familyOf.get(key);
  }

  private int largest() {
    return largest;
  }

  // A family went from size - 1 keys to size.
  private void grew(int size) {
    if (size >= ofSize.length) {
      ofSize = java.util.Arrays.copyOf(ofSize, Math.max(size + 1, ofSize.length * 2));
    }
    if (size > 1) {
      ofSize[size - 1]--;
    }
    ofSize[size]++;
    largest = Math.max(largest, size);
  }

  // A family went from size + 1 keys to size.
  private void shrank(int size) {
    ofSize[size + 1]--;
    if (size > 0) {
      ofSize[size]++;
    }
    while (largest > 0 && ofSize[largest] == 0) {
      largest--;
    }
  }
}
