package dev.destill.core.engine;

/**
 * The normalized line templates of a baseline log (a passing run of the same job), held as 64-bit
 * hashes in bounded open-addressing tables, so that a 2 GB baseline costs at most {@link
 * #MAX_BYTES}. A line of a failed log is <em>known</em> when the baseline had a line of the same
 * template ({@link Normalizer#normalize}: times, ids, paths and numbers masked), <em>near</em> when
 * only its skeleton of words matched (a renamed temporary directory, a different count glued to a
 * word), and <em>new</em> otherwise. Built once by a {@link Builder}, then immutable and
 * thread-safe.
 *
 * <p>Once a table is full, further templates are not added ({@link #saturated()}): lines that are
 * then not found count as new, which is what ranking would assume without a baseline.
 */
public final class LineTemplates {

  /** How one line of a failed log compares with the baseline. */
  public enum Match {
    /** The baseline has a line of the same template. */
    KNOWN,
    /** Only the line's skeleton of words is in the baseline. */
    NEAR,
    /** The baseline has nothing like it. */
    NEW,
    /** A line with no visible text: neither known nor new. */
    BLANK
  }

  /** The most slots of the exact table: 2^22 longs, 32 MB. */
  static final int MAX_EXACT_SLOTS = 1 << 22;

  /** The most slots of the skeleton table: 2^21 longs, 16 MB. */
  static final int MAX_LOOSE_SLOTS = 1 << 21;

  /** The most memory the tables of one baseline take. */
  public static final long MAX_BYTES = 8L * (MAX_EXACT_SLOTS + MAX_LOOSE_SLOTS);

  /** A skeleton of fewer words matches too much to say anything. */
  static final int MIN_SKELETON_WORDS = 3;

  /** Slots of a builder's memo of the lines it added, by key: 2^16 ints, 256 KB, in four ways. */
  private static final int SEEN_SLOTS = 1 << 16;

  /** An empty set: every line is new. */
  public static final LineTemplates EMPTY = builder().build();

  private final LongSet exact;
  private final LongSet loose;
  private final long lines;

  private LineTemplates(LongSet exact, LongSet loose, long lines) {
    this.exact = exact;
    this.loose = loose;
    this.lines = lines;
  }

  /** A builder with the default bounds. */
  public static Builder builder() {
    return new Builder(MAX_EXACT_SLOTS, MAX_LOOSE_SLOTS);
  }

  /**
   * A builder of one of {@code parts} sets built at once from pieces of one baseline and joined by
   * {@link #union}: each holds at most its share of the bounds, so that together they stay within
   * {@link #MAX_BYTES}.
   */
  public static Builder builder(int parts) {
    if (parts < 1) {
      throw new IllegalArgumentException("parts must be at least 1");
    }
    int share = Integer.highestOneBit(parts) == parts ? parts : Integer.highestOneBit(parts) << 1;
    return new Builder(
        Math.max(1 << 10, MAX_EXACT_SLOTS / share), Math.max(1 << 10, MAX_LOOSE_SLOTS / share));
  }

  /**
   * The sets of pieces of one baseline joined: a line is known when one of them knows it; lines add
   * up; saturated when one of them was, or the join filled up.
   */
  public static LineTemplates union(java.util.List<LineTemplates> parts) {
    if (parts.size() == 1) {
      return parts.get(0);
    }
    LongSet exact = new LongSet(MAX_EXACT_SLOTS);
    LongSet loose = new LongSet(MAX_LOOSE_SLOTS);
    long lines = 0;
    boolean exactFull = false;
    boolean looseFull = false;
    for (LineTemplates p : parts) {
      p.exact.forEach(exact::add);
      p.loose.forEach(loose::add);
      lines += p.lines;
      exactFull |= p.exact.full;
      looseFull |= p.loose.full;
    }
    exact.full |= exactFull;
    loose.full |= looseFull;
    return new LineTemplates(exact, loose, lines);
  }

  /** A builder with smaller bounds (tests of saturation). */
  static Builder builder(int maxExactSlots, int maxLooseSlots) {
    return new Builder(maxExactSlots, maxLooseSlots);
  }

  /** How a line (as {@link LineCleaner#visible} gives it) compares with the baseline. */
  public Match match(String visibleLine) {
    String template = Normalizer.normalize(visibleLine);
    if (template.isEmpty()) {
      return Match.BLANK;
    }
    if (exact.contains(hash(template))) {
      return Match.KNOWN;
    }
    long skeleton = skeleton(template);
    return skeleton != 0 && loose.contains(skeleton) ? Match.NEAR : Match.NEW;
  }

  /** How a line templated on its bytes compares with the baseline. */
  Match match(ByteTemplate t) {
    if (t.length() == 0) {
      return Match.BLANK;
    }
    if (exact.contains(t.hash())) {
      return Match.KNOWN;
    }
    long skeleton = t.skeleton();
    return skeleton != 0 && loose.contains(skeleton) ? Match.NEAR : Match.NEW;
  }

  /**
   * True when the line is a known line with one word added ({@code > Task :test FAILED} where the
   * baseline had {@code > Task :test}): the nearest neighbour of its template in the baseline is
   * one token away, LogJuicer's distance with a threshold of one word. Costs one look-up per word,
   * so it is for a finding's first line, not for every line.
   */
  public boolean knownButOneWord(String visibleLine) {
    String template = Normalizer.normalize(visibleLine);
    String[] words = template.split(" ");
    if (words.length < 2 || words.length > 64) {
      return false;
    }
    StringBuilder b = new StringBuilder(template.length());
    for (int skip = 0; skip < words.length; skip++) {
      b.setLength(0);
      for (int i = 0; i < words.length; i++) {
        if (i != skip) {
          if (!b.isEmpty()) {
            b.append(' ');
          }
          b.append(words[i]);
        }
      }
      if (exact.contains(hash(b.toString()))) {
        return true;
      }
    }
    return false;
  }

  /** Lines of the baseline read (blank ones too). */
  public long lines() {
    return lines;
  }

  /** Distinct templates held. */
  public int templates() {
    return exact.size();
  }

  /** True when a table filled up and later templates were left out. */
  public boolean saturated() {
    return exact.full || loose.full;
  }

  /** Memory the tables take now, in bytes. */
  public long bytes() {
    return exact.bytes() + loose.bytes();
  }

  /**
   * Streams a baseline log: bytes in any pieces, lines split on {@code \n} as the scanner splits
   * them, each line cut at {@link LogScanner#MAX_LINE_BYTES}. Not thread-safe.
   */
  public static final class Builder {
    private final LongSet exact;
    private final LongSet loose;
    private final LineSplitter splitter = new LineSplitter(this::addLine);
    private final ByteTemplate bytes = new ByteTemplate();
    private final int[] seen = new int[SEEN_SLOTS];
    private final KeptRuns kept = new KeptRuns();
    private long lines;
    private boolean built;

    private Builder(int maxExactSlots, int maxLooseSlots) {
      this.exact = new LongSet(maxExactSlots);
      this.loose = new LongSet(maxLooseSlots);
    }

    /** Feeds the next bytes of the baseline. */
    public Builder accept(byte[] buf, int off, int n) {
      splitter.accept(buf, off, n);
      return this;
    }

    private void addLine(byte[] buf, int off, int n, long lineTotal) {
      // A line seen just before adds nothing new: by its key, or by its key and the digits its
      // template keeps.
      long key = ByteTemplate.key(buf, off, n, lineTotal);
      boolean held = false;
      if (key != 0) {
        int e = FourWay.take(seen, FourWay.set(key, SEEN_SLOTS), seenEntry(key), ~KEEPS);
        if (e != 0 && (e & KEEPS) == 0) {
          lines++;
          return;
        }
        held = e != 0;
        long second = held ? kept.second(key, buf, off, n) : 0;
        if (second != 0
            && FourWay.take(seen, FourWay.set(second, SEEN_SLOTS), seenEntry(second), -1) != 0) {
          lines++;
          return;
        }
      }
      if (!bytes.template(buf, off, n, lineTotal)) {
        add(LineCleaner.visible(buf, off, n, lineTotal));
        return;
      }
      lines++;
      if (key != 0 && !bytes.keptDigits()) {
        FourWay.put(seen, FourWay.set(key, SEEN_SLOTS), seenEntry(key));
      } else if (key != 0) {
        if (!held) {
          FourWay.put(seen, FourWay.set(key, SEEN_SLOTS), seenEntry(key) | KEEPS);
        }
        long second = kept.note(key, bytes, buf, off, n);
        if (second != 0) {
          FourWay.put(seen, FourWay.set(second, SEEN_SLOTS), seenEntry(second));
        }
      }
      // A template held already brought its skeleton with it.
      if (bytes.length() > 0 && !exact.add(bytes.hash())) {
        long skeleton = bytes.skeleton();
        if (skeleton != 0) {
          loose.add(skeleton);
        }
      }
    }

    // An entry of the memo: the set is 14 bits of the key, the entry 30 more (bit 0 set, so that
    // no entry is 0): 44 bits tell keys apart. KEEPS marks a key whose template keeps digits:
    // its lines are memoized by their second key too.
    private static int seenEntry(long key) {
      return ((int) key | 1) & ~KEEPS;
    }

    private static final int KEEPS = 2;

    /** Adds one line as {@link LineCleaner#visible} gives it. */
    public Builder add(String visibleLine) {
      lines++;
      String template = Normalizer.normalize(visibleLine);
      if (template.isEmpty()) {
        return this;
      }
      if (exact.add(hash(template))) {
        return this;
      }
      long skeleton = skeleton(template);
      if (skeleton != 0) {
        loose.add(skeleton);
      }
      return this;
    }

    /** The set; a last line without {@code \n} counts. The builder cannot be used afterwards. */
    public LineTemplates build() {
      if (built) {
        throw new IllegalStateException("already built");
      }
      built = true;
      splitter.finish();
      return new LineTemplates(exact, loose, lines);
    }
  }

  /**
   * The hash of a template's words: letters-only tokens of two or more letters, in order; 0 (no
   * skeleton) when it has fewer than {@link #MIN_SKELETON_WORDS}. Tokens with digits in them and
   * the normalizer's placeholders are left out, so a line whose only change is a number glued to a
   * word or a renamed temporary name has the same skeleton.
   */
  static long skeleton(String template) {
    StringBuilder skeleton = new StringBuilder(template.length());
    int words = 0;
    int n = template.length();
    int i = 0;
    while (i < n) {
      char c = template.charAt(i);
      if (c == '<') {
        int close = template.indexOf('>', i);
        if (close > i && close - i <= 6) {
          i = close + 1;
          continue;
        }
      }
      if (!Character.isLetterOrDigit(c)) {
        i++;
        continue;
      }
      int j = i;
      boolean digit = false;
      while (j < n
          && (Character.isLetterOrDigit(template.charAt(j)) || template.charAt(j) == '_')) {
        digit |= Character.isDigit(template.charAt(j));
        j++;
      }
      if (!digit && j - i >= 2) {
        skeleton.append(template, i, j).append(' ');
        words++;
      }
      i = j;
    }
    return words < MIN_SKELETON_WORDS ? 0 : hash(skeleton.toString()) | 1;
  }

  private static final java.lang.invoke.VarHandle LONGS =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(
          long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

  /**
   * A 64-bit hash of a template's first {@code n} bytes (its UTF-8 encoding), eight bytes at a
   * time; never 0, the tables' empty slot.
   */
  static long hash(byte[] t, int n) {
    long h = 0x9e3779b97f4a7c15L ^ n;
    int i = 0;
    for (; i + 8 <= n; i += 8) {
      long w = (long) LONGS.get(t, i);
      h = Long.rotateLeft((h ^ w) * 0xbf58476d1ce4e5b9L, 29);
    }
    if (i < n) {
      h = Long.rotateLeft((h ^ ByteTemplate.tail(t, i, n)) * 0xbf58476d1ce4e5b9L, 29);
    }
    h = mix(h);
    return h == 0 ? 1 : h;
  }

  /** The hash of a template: {@link #hash(byte[], int)} of its UTF-8 bytes. */
  static long hash(String template) {
    byte[] b = template.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    return hash(b, b.length);
  }

  static long mix(long z) {
    z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
    z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
    return z ^ (z >>> 33);
  }

  /** The set as bytes, for a baseline that crosses a process boundary. */
  public byte[] toBytes() {
    java.nio.ByteBuffer b =
        java.nio.ByteBuffer.allocate(4 + 8 + 8 + 8 * (exact.size() + loose.size()));
    b.putInt(exact.size()).putInt(loose.size()).putLong(lines);
    exact.forEach(b::putLong);
    loose.forEach(b::putLong);
    return java.util.Arrays.copyOf(b.array(), b.position());
  }

  /**
   * A set read back from {@link #toBytes}.
   *
   * @throws IllegalArgumentException when the bytes are not such a set
   */
  public static LineTemplates fromBytes(byte[] bytes) {
    java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(bytes);
    if (bytes.length < 16) {
      throw new IllegalArgumentException("not a template set");
    }
    int e = b.getInt();
    int l = b.getInt();
    long lines = b.getLong();
    if (e < 0 || l < 0 || lines < 0 || (long) 8 * e + 8L * l != bytes.length - 16L) {
      throw new IllegalArgumentException("not a template set");
    }
    LongSet exact = new LongSet(MAX_EXACT_SLOTS);
    LongSet loose = new LongSet(MAX_LOOSE_SLOTS);
    for (int i = 0; i < e; i++) {
      exact.add(b.getLong());
    }
    for (int i = 0; i < l; i++) {
      loose.add(b.getLong());
    }
    return new LineTemplates(exact, loose, lines);
  }

  @Override
  public String toString() {
    return "LineTemplates[" + templates() + " templates of " + lines + " lines]";
  }

  /** A set of non-zero longs that grows by doubling up to a bound, then stops adding. */
  private static final class LongSet {
    private final int maxSlots;
    private long[] table = new long[1 << 10];
    private int size;
    private boolean full;

    LongSet(int maxSlots) {
      this.maxSlots = maxSlots;
    }

    /** Adds {@code h} unless the set is full; true when the set held it already. */
    boolean add(long h) {
      if (full) {
        return contains(h);
      }
      if (2 * (size + 1) > table.length) {
        if (table.length >= maxSlots) {
          full = true;
          return contains(h);
        }
        grow();
      }
      int mask = table.length - 1;
      int i = (int) (h ^ (h >>> 32)) & mask;
      while (table[i] != 0) {
        if (table[i] == h) {
          return true;
        }
        i = (i + 1) & mask;
      }
      table[i] = h;
      size++;
      return false;
    }

    boolean contains(long h) {
      int mask = table.length - 1;
      int i = (int) (h ^ (h >>> 32)) & mask;
      while (table[i] != 0) {
        if (table[i] == h) {
          return true;
        }
        i = (i + 1) & mask;
      }
      return false;
    }

    private void grow() {
      long[] old = table;
      table = new long[old.length * 2];
      size = 0;
      for (long h : old) {
        if (h != 0) {
          int mask = table.length - 1;
          int i = (int) (h ^ (h >>> 32)) & mask;
          while (table[i] != 0) {
            i = (i + 1) & mask;
          }
          table[i] = h;
          size++;
        }
      }
    }

    int size() {
      return size;
    }

    long bytes() {
      return 8L * table.length;
    }

    void forEach(java.util.function.LongConsumer c) {
      for (long h : table) {
        if (h != 0) {
          c.accept(h);
        }
      }
    }
  }
}
