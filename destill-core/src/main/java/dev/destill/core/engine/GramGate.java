package dev.destill.core.engine;

import java.util.List;

/**
 * A quick necessary test in front of {@link LineFilter}'s automaton: where in a line a word could
 * start. Each word of four bytes or more is known by one of its four-byte grams, the one that real
 * CI logs hold least often; a line none of whose four-byte windows is one of those grams holds none
 * of the words, and the automaton need not read it. The test at each position is one load of four
 * bytes and one probe of a small table, with no chain from one position to the next, so it runs
 * several times faster than the automaton.
 *
 * <p>Bytes are folded by setting bit 5 (upper case onto lower, and some punctuation onto other
 * punctuation): the gate may say yes where the automaton says no, never the other way round. Words
 * of three bytes are entered with every fourth byte. Words of one or two bytes with a non-ASCII
 * byte (the multiplication sign) are looked for in windows that hold a non-ASCII byte. An ASCII
 * word of one or two bytes would fill the table, so with such a word the gate is open: it says
 * "maybe" everywhere. Immutable and thread-safe.
 */
final class GramGate {
  private static final int FOLD = 0x20202020;
  private static final int HIGHS = 0x80808080;

  // Open addressing over grams, two slots per probe (the pair shares a cache line); 0 is empty, and
  // no folded gram is 0 because each of its bytes has bit 5 set.
  private final int[] slots;
  private final int mask;
  private final int shift;

  // The first test, at every other position: a bit set (2^TRIPLE_BITS bits, hashed) of the
  // three-byte windows the grams start or end with. A gram at p starts the window at p and ends the
  // one at p + 1, and one of the two is on the grid.
  private static final int TRIPLE_BITS = 17;
  private final long[] triples = new long[1 << (TRIPLE_BITS - 6)];

  /** At most how many bytes before its gram a word starts: where the automaton must start. */
  final int back;

  /** Whether the gate says "maybe" everywhere (a word is too short to be known by a gram). */
  final boolean open;

  // Words of one or two bytes, one of them non-ASCII (the multiplication sign): looked for only in
  // windows that hold a non-ASCII byte, at the window's first or second byte.
  private final int[] shortHigh;
  private final int[] shortMask;

  GramGate(List<byte[]> words) {
    int need = 0;
    boolean shortWord = false;
    List<byte[]> pairs = new java.util.ArrayList<>();
    for (byte[] w : words) {
      if (w.length >= 3) {
        need += w.length == 3 ? 128 : 1;
      } else if (ascii(w)) {
        shortWord = true;
      } else {
        pairs.add(w);
      }
    }
    open = shortWord;
    int size = Integer.highestOneBit(Math.max(16, need * 4) - 1) << 1;
    slots = new int[size];
    mask = size - 1;
    shift = Integer.numberOfLeadingZeros(size) + 1;
    shortHigh = new int[pairs.size()];
    shortMask = new int[pairs.size()];
    for (int k = 0; k < pairs.size(); k++) {
      byte[] w = pairs.get(k);
      shortMask[k] = w.length == 1 ? 0xff : 0xffff;
      shortHigh[k] =
          ((w[0] & 0xff) | (w.length == 1 ? 0 : (w[1] & 0xff) << 8) | FOLD) & shortMask[k];
    }
    int most = 0;
    if (!open) {
      for (byte[] w : words) {
        if (w.length < 3) {
          continue;
        }
        if (w.length == 3) {
          for (int b = 0; b < 256; b++) {
            add(gram(w[0], w[1], w[2], (byte) b));
          }
          continue;
        }
        int at = rarest(w);
        most = Math.max(most, at);
        add(gram(w[at], w[at + 1], w[at + 2], w[at + 3]));
      }
    }
    back = most;
    for (int g : slots) {
      if (g != 0) {
        markTriple(g & 0xffffff);
        markTriple(g >>> 8);
      }
    }
  }

  private static int triple(int t) {
    return (t * 0x9E3779B1) >>> (32 - TRIPLE_BITS);
  }

  private void markTriple(int t) {
    int h = triple(t);
    triples[h >>> 6] |= 1L << h;
  }

  private static boolean ascii(byte[] w) {
    for (byte b : w) {
      if (b < 0) {
        return false;
      }
    }
    return true;
  }

  private static int gram(byte a, byte b, byte c, byte d) {
    return ((a & 0xff) | (b & 0xff) << 8 | (c & 0xff) << 16 | (d & 0xff) << 24) | FOLD;
  }

  /**
   * How often each gram of the built-in words occurs in a sample of real CI logs (the labeled
   * failed logs that measure accuracy: 494 logs, 128 MB, from three public data sets): {@code
   * bench}'s {@code GramCounts} writes it. Only the gate's speed depends on it, never what it lets
   * through.
   */
  private static final java.util.Map<Integer, Long> COUNTS = readCounts();

  private static java.util.Map<Integer, Long> readCounts() {
    java.util.Map<Integer, Long> counts = new java.util.HashMap<>();
    try (var in = GramGate.class.getResourceAsStream("gram-counts.txt")) {
      if (in == null) {
        return counts;
      }
      // Rows "<8 hex digits> <count>", '#' comments; read by hand, as it is read at every start.
      byte[] text = in.readAllBytes();
      int i = 0;
      while (i < text.length) {
        int end = i;
        while (end < text.length && text[end] != '\n') {
          end++;
        }
        if (end - i >= 10 && text[i] != '#') {
          int g = 0;
          for (int k = 0; k < 8; k++) {
            g = g << 4 | Character.digit(text[i + k], 16);
          }
          long count = 0;
          for (int k = i + 9; k < end && text[k] >= '0' && text[k] <= '9'; k++) {
            count = count * 10 + (text[k] - '0');
          }
          counts.put(Integer.reverseBytes(g), count);
        }
        i = end + 1;
      }
    } catch (java.io.IOException | RuntimeException e) {
      return java.util.Map.of();
    }
    return counts;
  }

  /** Whether the sample's counts hold every gram of {@code w}. */
  static boolean counted(byte[] w) {
    for (int at = 0; at + 4 <= w.length; at++) {
      if (!COUNTS.containsKey(gram(w[at], w[at + 1], w[at + 2], w[at + 3]))) {
        return false;
      }
    }
    return true;
  }

  // Which of a word's grams common text holds least often: by the sample's counts when it has them
  // all, else by a rough, general order of how common bytes are. Ties go to the earliest.
  static int rarest(byte[] w) {
    boolean counted = counted(w);
    int best = 0;
    long bestScore = Long.MAX_VALUE;
    for (int at = 0; at + 4 <= w.length; at++) {
      long score = 0;
      if (counted) {
        score = COUNTS.get(gram(w[at], w[at + 1], w[at + 2], w[at + 3]));
      } else {
        for (int k = at; k < at + 4; k++) {
          score += commonness(w[k] | 0x20);
        }
      }
      if (score < bestScore) {
        bestScore = score;
        best = at;
      }
    }
    return best;
  }

  private static int commonness(int b) {
    if (b == ' ') {
      return 12;
    }
    if ("etaoinsr".indexOf(b) >= 0) {
      return 10;
    }
    if ("hldcu".indexOf(b) >= 0) {
      return 8;
    }
    if (b >= '0' && b <= '9' || ".:/-_=".indexOf(b) >= 0) {
      return 7;
    }
    if (b >= 'a' && b <= 'z') {
      return 5;
    }
    return 3;
  }

  private int slot(int gram) {
    return (gram * 0x9E3779B1) >>> shift;
  }

  private void add(int gram) {
    int at = slot(gram) & mask & ~1;
    while (true) {
      if (slots[at] == gram || slots[at + 1] == gram) {
        return;
      }
      if (slots[at] == 0) {
        slots[at] = gram;
        return;
      }
      if (slots[at + 1] == 0) {
        slots[at + 1] = gram;
        return;
      }
      at = (at + 2) & mask;
    }
  }

  private boolean holds(int gram) {
    int at = slot(gram) & mask & ~1;
    while (true) {
      int a = slots[at];
      int b = slots[at + 1];
      if (a == gram || b == gram) {
        return true;
      }
      if (b == 0) {
        return false;
      }
      at = (at + 2) & mask;
    }
  }

  // Whether a short non-ASCII word starts at the window's first or second byte (bit 5 of its
  // bytes set, as the window's are).
  private boolean shortAt(int w) {
    for (int k = 0; k < shortHigh.length; k++) {
      if ((w & shortMask[k]) == shortHigh[k] || (w >>> 8 & shortMask[k]) == shortHigh[k]) {
        return true;
      }
    }
    return false;
  }

  private static final long FOLD_LONG = 0x2020202020202020L;
  private static final long HIGHS_LONG = 0x8080808080808080L;

  private static final java.lang.invoke.VarHandle LONGS =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(
          long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

  private static final java.lang.invoke.VarHandle INTS =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(
          int[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

  /**
   * The first position in {@code buf[from, to)} where a word's gram may start, or -1. The four
   * bytes read at a position may run past {@code to} (into the next line): that can only add a
   * "maybe". Past the end of the array, the answer is "maybe".
   */
  int first(byte[] buf, int from, int to) {
    if (from >= to) {
      return -1;
    }
    if (open) {
      return from;
    }
    // A gram at p holds the three-byte window at p and the one at p + 1, and one of p, p + 1 is on
    // the grid of every other position: that window passes the first test, then the exact tests
    // at i - 1 and i find the gram. Eight bytes at a time: four windows from one load, one branch.
    long[] bits = triples;
    int i = from;
    int blocks = Math.min(to, buf.length - 12);
    for (; i < blocks; i += 8) {
      long x = (long) LONGS.get(buf, i);
      long f = x | FOLD_LONG;
      int next = buf[i + 8];
      int t6 = (int) (f >>> 48) | ((next | 0x20) & 0xff) << 16;
      int h0 = triple((int) f & 0xffffff);
      int h2 = triple((int) (f >>> 16) & 0xffffff);
      int h4 = triple((int) (f >>> 32) & 0xffffff);
      int h6 = triple(t6 & 0xffffff);
      long hit =
          bits[h0 >>> 6] >>> h0
              | bits[h2 >>> 6] >>> h2
              | bits[h4 >>> 6] >>> h4
              | bits[h6 >>> 6] >>> h6;
      // A non-ASCII byte among the block's and the next: a short word may start in the block.
      if ((hit & 1) != 0 || ((x & HIGHS_LONG) | (next & 0x80)) != 0) {
        int at = scan(buf, from, i, Math.min(i + 8, to), bits);
        if (at >= 0) {
          return at;
        }
      }
    }
    int last = Math.min(to, buf.length - 4);
    int at = scan(buf, from, i, last, bits);
    if (at >= 0) {
      return at;
    }
    return last < to ? Math.max(from, last - 2) : -1;
  }

  // The windows at every other position of [i, end), one at a time.
  private int scan(byte[] buf, int from, int i, int end, long[] bits) {
    for (; i < end; i += 2) {
      int w = (int) INTS.get(buf, i) | FOLD;
      int h = triple(w & 0xffffff);
      if ((bits[h >>> 6] & (1L << h)) != 0) {
        if (i > from && holds((int) INTS.get(buf, i - 1) | FOLD)) {
          return i - 1;
        }
        if (holds(w)) {
          return i;
        }
      }
      if ((w & HIGHS) != 0 && shortAt(w)) {
        return i;
      }
    }
    return -1;
  }
}
