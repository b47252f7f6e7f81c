package dev.destill.core.engine;

/**
 * The template of a log line computed on its bytes: {@code Normalizer.normalize(LineCleaner.visible
 * (line))} without decoding the line or making a {@code String}. A baseline's lines and a failed
 * log's lines are all templated, so this is the inner loop of {@link LineTemplates}. Characters
 * outside ASCII are classed as {@link Character} classes them and counted as {@code String} counts
 * them. Lines it cannot take (invalid UTF-8, a cut line, one whose prefix tests or tokens could
 * read differently in characters than in bytes) are left to the {@code String} path, which gives
 * the same template. Not thread-safe: it reuses its buffers.
 */
final class ByteTemplate {
  private final byte[] visible = new byte[LogScanner.MAX_LINE_BYTES];
  // A placeholder can be three times the token it replaces ("1" becomes "<n>").
  private final byte[] out = new byte[3 * LogScanner.MAX_LINE_BYTES + 8];
  // A skeleton's words, each followed by a space: at most one more byte per template byte.
  private final byte[] words = new byte[3 * LogScanner.MAX_LINE_BYTES + 8];
  // Whether the visible line holds five dashes in a row (a key block's first or last line).
  private boolean dashes;
  private int length;

  /**
   * Templates one line; false when the line needs the {@code String} path. Afterwards {@link
   * #length}, {@link #hash} and {@link #skeleton} describe the template.
   */
  boolean template(byte[] buf, int off, int len, long total) {
    keptDigits = false;
    runs = 0;
    runCount = 0;
    lastKept = -2;
    if (total > len) {
      return false;
    }
    int end = off + len;
    while (end > off && buf[end - 1] == '\r') {
      end--;
    }
    // Most lines have no control character, no escape and no Buildkite timestamp: their visible
    // text is their bytes, read where they are.
    int i = cleanUpTo(buf, off, end);
    firstHigh = Integer.MAX_VALUE;
    byte[] s;
    int from;
    int n;
    // A Buildkite timestamp in front of a line that has nothing else to strip (a third of a
    // Buildkite log's lines): the visible text is the rest, read where it is.
    int past = i == off ? pastLeadingBuildkiteTimestamp(buf, off, end) : off;
    if (past > off && cleanUpTo(buf, past, end) == end) {
      i = end;
    } else {
      past = off;
    }
    if (i == end) {
      s = buf;
      from = past;
      n = end;
    } else {
      // Where the text is once progress output (a lone \r) is left out, as visible() finds it.
      long range = LineCleaner.visibleRange(buf, off, len);
      int start = (int) (range >>> 32);
      int stop = (int) range;
      n = copyVisible(buf, start, start == off ? Math.min(i, stop) : start, stop);
      if (n < 0) {
        return false;
      }
      s = visible;
      from = 0;
    }
    dashes = false;
    int stamp = skipIsoTimestamp(s, from, n);
    // Outside ASCII a character is more than one byte: where the prefix tests look, bytes and
    // characters must be the same.
    if (firstHigh < examined) {
      return false;
    }
    int start = skipMarker(s, stamp, n);
    if (start == UNSURE) {
      return false;
    }
    if (start != stamp) {
      // A marker was skipped (or the whole line is one): it may hold dashes too.
      dashes = hasFiveDashes(s, from, start < 0 ? n : start);
    }
    if (start < 0) {
      length = 0;
      return true;
    }
    int to = n;
    while (to > start && isSpaceBefore(s, start, to)) {
      to = previousChar(s, start, to);
    }
    while (start < to && isSpaceAt(s, start, to)) {
      start += charLength(s[start]);
    }
    length = normalize(s, start, to);
    if (keptDigits) {
      // Where the kept digits are, from where the key starts: only on a line read where it is.
      runs = s == buf && runCount > 0 ? relativeRuns(keyStart(buf, off, end)) : 0;
    }
    return length >= 0;
  }

  // The runs of digits the template kept as they are: up to MAX_RUNS (start, length) pairs, at
  // their index in the line's buffer; runCount -1 when there were more, or a longer one.
  private static final int MAX_RUNS = 4;
  private static final int MAX_RUN = 15;
  private final int[] runStarts = new int[MAX_RUNS];
  private final int[] runLengths = new int[MAX_RUNS];
  private int runCount;
  private int lastKept;
  private long runs;

  private void keep(int k) {
    if (runCount < 0) {
      return;
    }
    boolean goesOn = k == lastKept + 1 && runCount > 0;
    if (goesOn && runLengths[runCount - 1] < MAX_RUN) {
      runLengths[runCount - 1]++;
    } else if (goesOn || runCount == MAX_RUNS) {
      runCount = -1;
    } else {
      runStarts[runCount] = k;
      runLengths[runCount++] = 1;
    }
    lastKept = k;
  }

  private long relativeRuns(int keyStart) {
    long packed = 0;
    for (int r = 0; r < runCount; r++) {
      int at = runStarts[r] - keyStart;
      if (at < 0 || at >= 1 << 12) {
        return 0;
      }
      packed |= (long) (at << 4 | runLengths[r]) << (16 * r);
    }
    return packed;
  }

  /**
   * Where the digits the last template kept as they are lie ({@link #keptDigits}), from the start
   * of the line's {@link #key}: up to four runs of up to 15 digits, each 16 bits (its offset in 12,
   * its length in 4); 0 when the template kept none, or they do not fit, or the line was not read
   * where it is (its visible text was copied first). Lines with equal keys keep digits in the same
   * places, so these runs and the key say which lines have one template ({@link #keptKey}).
   */
  long keptRuns() {
    return runs;
  }

  /**
   * A second key of a line whose key is {@code key}: that key mixed with the digits at {@code runs}
   * ({@link #keptRuns} of a line with the same key). Lines with the same key and the same second
   * key have one template. 0 when the line is too short for the runs (another key's runs).
   */
  static long keptKey(byte[] buf, int off, int len, long key, long runs) {
    int end = off + len;
    while (end > off && buf[end - 1] == '\r') {
      end--;
    }
    int start = keyStart(buf, off, end);
    long h = key;
    for (long r = runs; r != 0; r >>>= 16) {
      int at = start + ((int) r >>> 4 & 0xfff);
      int to = at + ((int) r & 0xf);
      if (to > end) {
        return 0;
      }
      for (int k = at; k < to; k++) {
        h = (h ^ buf[k]) * 0x9e3779b97f4a7c15L;
      }
      h = Long.rotateLeft(h, 17);
    }
    h = LineTemplates.mix(h ^ 0x2545f4914f6cdd1dL);
    return h == 0 ? 1 : h;
  }

  /**
   * Where the text of a line starts past a leading Buildkite timestamp ({@code ESC _bk;t=…BEL} or
   * {@code _bk;t=…BEL}), as {@link LineCleaner#visible} drops it; {@code off} when there is none.
   */
  private static int pastLeadingBuildkiteTimestamp(byte[] buf, int off, int end) {
    if (end - off > 7 && buf[off] == 0x1b && buf[off + 1] == '_') {
      if (isBuildkiteTimestamp(buf, off + 1, end)) {
        int j = LineCleaner.skipBuildkiteTimestamp(buf, off + 1, end);
        // The escape ends at its BEL, as skipEscape reads it.
        return buf[j - 1] == 0x07 ? j : off;
      }
    } else if (end - off > 6 && buf[off] == '_' && isBuildkiteTimestamp(buf, off, end)) {
      int j = LineCleaner.skipBuildkiteTimestamp(buf, off, end);
      // A digit outside ASCII may go on with the timestamp, as the String path reads it.
      return j < end && buf[j] < 0 ? off : j;
    }
    return off;
  }

  /** What the prefix tests say when bytes outside ASCII stand where they look. */
  private static final int UNSURE = -2;

  // Where in the visible line the first byte outside ASCII is, and how far the prefix tests read.
  private int firstHigh;
  private int examined;

  /** Bytes of the UTF-8 character whose first byte is {@code b} (1 for ASCII). */
  private static int charLength(byte b) {
    return b >= 0 ? 1 : b >= (byte) 0xf0 ? 4 : b >= (byte) 0xe0 ? 3 : 2;
  }

  /** The code point of the valid UTF-8 character at {@code i}. */
  private static int codePoint(byte[] s, int i) {
    byte b = s[i];
    if (b >= 0) {
      return b;
    }
    if (b < (byte) 0xe0) {
      return (b & 0x1f) << 6 | (s[i + 1] & 0x3f);
    }
    if (b < (byte) 0xf0) {
      return (b & 0x0f) << 12 | (s[i + 1] & 0x3f) << 6 | (s[i + 2] & 0x3f);
    }
    return (b & 0x07) << 18 | (s[i + 1] & 0x3f) << 12 | (s[i + 2] & 0x3f) << 6 | (s[i + 3] & 0x3f);
  }

  /**
   * Bytes of the valid UTF-8 sequence at {@code i} (its first byte is not ASCII), -1 for one the
   * decoder would replace: overlong, a surrogate, past U+10FFFF, cut.
   */
  private static int utf8Length(byte[] s, int i, int end) {
    int b = s[i] & 0xff;
    int n;
    int lo = 0x80;
    int hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) {
      n = 2;
    } else if (b >= 0xe0 && b <= 0xef) {
      n = 3;
      lo = b == 0xe0 ? 0xa0 : 0x80;
      hi = b == 0xed ? 0x9f : 0xbf;
    } else if (b >= 0xf0 && b <= 0xf4) {
      n = 4;
      lo = b == 0xf0 ? 0x90 : 0x80;
      hi = b == 0xf4 ? 0x8f : 0xbf;
    } else {
      return -1;
    }
    if (i + n > end) {
      return -1;
    }
    int second = s[i + 1] & 0xff;
    if (second < lo || second > hi) {
      return -1;
    }
    for (int k = i + 2; k < i + n; k++) {
      if ((s[k] & 0xc0) != 0x80) {
        return -1;
      }
    }
    return n;
  }

  // Character.isWhitespace of the character at i: what String.strip and the normalizer skip.
  private static boolean isSpaceAt(byte[] s, int i, int to) {
    byte b = s[i];
    if (b >= 0) {
      return isSpace(b);
    }
    int cp = codePoint(s, i);
    return cp < 0x10000 && Character.isWhitespace((char) cp);
  }

  private static boolean isSpaceBefore(byte[] s, int from, int to) {
    return isSpaceAt(s, previousChar(s, from, to), to);
  }

  // Start of the character that ends at {@code to}.
  private static int previousChar(byte[] s, int from, int to) {
    int k = to - 1;
    while (k > from && (s[k] & 0xc0) == 0x80) {
      k--;
    }
    return k;
  }

  /**
   * Where the first byte from {@code off} is that {@link LineCleaner#visible} would drop or decode:
   * a control character, DEL, a byte outside ASCII, a Buildkite timestamp; {@code end} when none
   * is. Eight bytes at a time: a word without a control byte, DEL, high bit or {@code _} is plain.
   */
  static int cleanUpTo(byte[] buf, int off, int end) {
    int i = off;
    for (; i + 8 <= end; i += 8) {
      long w = (long) LONGS.get(buf, i);
      long del = w ^ 0x7f7f7f7f7f7f7f7fL;
      long under = w ^ 0x5f5f5f5f5f5f5f5fL;
      long special =
          (w | ((w - 0x2020202020202020L) & ~w) | ((del - ONES) & ~del) | ((under - ONES) & ~under))
              & HIGHS;
      if (special != 0) {
        break;
      }
    }
    for (; i < end; i++) {
      byte b = buf[i];
      if (b < 0x20 || b == 0x7f || (b == '_' && isBuildkiteTimestamp(buf, i, end))) {
        break;
      }
    }
    return i;
  }

  /**
   * Index of the first {@code \n} in {@code buf[from, end)}, or {@code end}: eight bytes at a time.
   */
  static int lineEnd(byte[] buf, int from, int end) {
    return indexOf(buf, from, end, (byte) '\n');
  }

  /**
   * Index of the first {@code b} in {@code buf[from, end)}, or {@code end}: eight bytes at a time.
   */
  static int indexOf(byte[] buf, int from, int end, byte b) {
    long pattern = ONES * (b & 0xff);
    int i = from;
    for (; i + 8 <= end; i += 8) {
      long x = (long) LONGS.get(buf, i) ^ pattern;
      long z = (x - ONES) & ~x & HIGHS;
      if (z != 0) {
        return i + firstMarkedByte(z);
      }
    }
    while (i < end && buf[i] != b) {
      i++;
    }
    return i;
  }

  /**
   * Which byte of a word is the first (lowest) with its high bit set in {@code marks} (only high
   * bits set, at least one), by one multiply: C1 runs {@code Long.numberOfTrailingZeros} as Java
   * code, a chain of tests, not as one instruction.
   */
  static int firstMarkedByte(long marks) {
    long lowest = (marks & -marks) >>> 7; // 1 << (8 * k)
    return (int) ((lowest * 0x0001020304050607L) >>> 56);
  }

  /**
   * Copies the visible text of a line into {@link #visible}: {@code buf[off, clean)} has nothing to
   * remove, the rest loses its escapes, Buildkite timestamps and control characters but tab; UTF-8
   * characters are kept (and where the first is, noted). {@code buf[off, end)} holds no {@code \r}:
   * {@link LineCleaner#visibleRange} left progress output out. -1 for invalid UTF-8 or a byte
   * outside ASCII in an escape.
   */
  private int copyVisible(byte[] buf, int off, int clean, int end) {
    byte[] v = visible;
    System.arraycopy(buf, off, v, 0, clean - off);
    int o = clean - off;
    int i = clean;
    while (i < end) {
      int run = i;
      i = cleanUpTo(buf, i, end);
      System.arraycopy(buf, run, v, o, i - run);
      o += i - run;
      if (i == end) {
        break;
      }
      byte b = buf[i];
      if (b < 0) {
        int seq = utf8Length(buf, i, end);
        if (seq < 0) {
          return -1;
        }
        if (firstHigh == Integer.MAX_VALUE) {
          firstHigh = o;
        }
        System.arraycopy(buf, i, v, o, seq);
        o += seq;
        i += seq;
      } else if (b == 0x1b) {
        int to = LineCleaner.skipEscape(buf, i, end);
        for (int k = i + 1; k < to; k++) {
          if (buf[k] < 0) {
            return -1;
          }
        }
        i = to;
      } else if (b == '_') {
        i = LineCleaner.skipBuildkiteTimestamp(buf, i, end);
        if (i < end && buf[i] < 0) {
          return -1; // a digit outside ASCII may go on with the timestamp
        }
      } else {
        if (b == '\t') {
          v[o++] = b;
        }
        i++;
      }
    }
    return o;
  }

  private static final java.lang.invoke.VarHandle LONGS =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(
          long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

  private static final long ONES = 0x0101010101010101L;
  private static final long HIGHS = 0x8080808080808080L;

  /**
   * A 64-bit key of a line's bytes past its timestamp (a GitHub one followed by a space, or a
   * leading Buildkite one), with its digits read as 1 ({@link #foldDigits}), for memos of
   * templates; 0 when the line cannot be memoized: cut.
   *
   * <p>Everything {@link #template} keeps is past that prefix. Lines with equal keys differ at most
   * in the values of their digits, never in which bytes are digits or in a zero before an {@code
   * x}, and the template's every test looks at a byte's class (and at the {@code 0} of {@code 0x}),
   * not at which digit it is: the two lines take the same path and write the same template, except
   * for the digits a template keeps as they are ({@code sha256}). So when a template kept no digit
   * ({@link #keptDigits}), every line with its key has that template. Progress output ({@code \r}
   * inside a line) is no exception: where the visible text starts depends on where the {@code \r}s
   * are and which segments have text, and digits are text whatever their value.
   */
  static long key(byte[] buf, int off, int len, long total) {
    if (total > len) {
      return 0;
    }
    int end = off + len;
    while (end > off && buf[end - 1] == '\r') {
      end--;
    }
    int i = keyStart(buf, off, end);
    int n = end - i;
    long h = 0x9e3779b97f4a7c15L ^ n;
    for (; i + 8 <= end; i += 8) {
      // foldDigits, written out: C1 does not inline a method this long, and a call a word costs
      // a seventh of the key.
      long w = (long) LONGS.get(buf, i);
      long t = (w | 0x2020202020202020L) ^ 0x7878787878787878L;
      int next = i + 8 < end ? buf[i + 8] | 0x20 : 0;
      long low = w & 0x7f7f7f7f7f7f7f7fL;
      long atLeast =
          low
              + (((t - ONES) & ~t & HIGHS) != 0 || next == 'x'
                  ? 0x4f4f4f4f4f4f4f4fL
                  : 0x5050505050505050L);
      long m = (atLeast & ~(low + 0x4646464646464646L) & ~w & HIGHS) >>> 7;
      h = Long.rotateLeft((h ^ ((w & ~(m * 0x0f)) | m)) * 0xbf58476d1ce4e5b9L, 29);
    }
    if (i < end) {
      h = Long.rotateLeft((h ^ foldDigits(tail(buf, i, end), (byte) 0)) * 0xbf58476d1ce4e5b9L, 29);
    }
    h = LineTemplates.mix(h);
    return h == 0 ? 1 : h;
  }

  /** Where a line's {@link #key} starts: past its timestamp. */
  static int keyStart(byte[] buf, int off, int end) {
    int stamp = isoTimestampEnd(buf, off, end);
    return stamp > off && buf[stamp - 1] == ' '
        ? stamp
        : pastLeadingBuildkiteTimestamp(buf, off, end);
  }

  /**
   * The one to seven bytes {@code buf[i, end)} as a little-endian word, the bytes above them 0: one
   * load that reaches back before {@code i}, or on past {@code end}, where the array has room.
   */
  static long tail(byte[] buf, int i, int end) {
    int shift = 8 * (8 - (end - i));
    if (end >= 8) {
      return (long) LONGS.get(buf, end - 8) >>> shift;
    }
    if (i + 8 <= buf.length) {
      return (long) LONGS.get(buf, i) & (-1L >>> shift);
    }
    long w = 0;
    for (int k = end - 1; k >= i; k--) {
      w = (w << 8) | (buf[k] & 0xff);
    }
    return w;
  }

  /**
   * {@code w} with each digit turned into {@code 1}, but for the zeros of a word that holds an
   * {@code x} or {@code X} or is followed by one ({@code next}, the byte after it, 0 for none): the
   * template tells {@code 0x} from {@code 1x}, and only there does a zero count for more than a
   * digit. Whether a word keeps its zeros depends on its letters and the next byte's, which the key
   * keeps as they are.
   */
  static long foldDigits(long w, byte next) {
    long t = (w | 0x2020202020202020L) ^ 0x7878787878787878L;
    boolean keepZeros = ((t - ONES) & ~t & HIGHS) != 0 || (next | 0x20) == 'x';
    long low = w & 0x7f7f7f7f7f7f7f7fL;
    // High bit set where the byte is at least '0' (or '1'), and where it is above '9'; none for
    // bytes outside ASCII.
    long atLeast = low + (keepZeros ? 0x4f4f4f4f4f4f4f4fL : 0x5050505050505050L);
    long above9 = low + 0x4646464646464646L;
    long digits = atLeast & ~above9 & ~w & HIGHS;
    long m = digits >>> 7;
    return (w & ~(m * 0x0f)) | m;
  }

  /** Whether the last template kept a digit as it was (in a word, like {@code sha256}). */
  boolean keptDigits() {
    return keptDigits;
  }

  private boolean keptDigits;

  private static boolean isBuildkiteTimestamp(byte[] buf, int i, int end) {
    return end - i >= 6
        && buf[i + 1] == 'b'
        && buf[i + 2] == 'k'
        && buf[i + 3] == ';'
        && buf[i + 4] == 't'
        && buf[i + 5] == '=';
  }

  /**
   * {@link Secrets#mayMarkKey} of the visible line: false when it cannot begin or end a private key
   * block.
   */
  boolean mayMarkKey() {
    return dashes;
  }

  private static boolean hasFiveDashes(byte[] s, int from, int to) {
    int run = 0;
    for (int k = from; k < to; k++) {
      run = s[k] == '-' ? run + 1 : 0;
      if (run == 5) {
        return true;
      }
    }
    return false;
  }

  /** Bytes of the template (its UTF-8); 0 for a blank line. */
  int length() {
    return length;
  }

  /** {@link LineTemplates#hash} of the template. */
  long hash() {
    return LineTemplates.hash(out, length);
  }

  /** {@link LineTemplates#skeleton} of the template. */
  long skeleton() {
    return skeletonOf(out, length);
  }

  /** {@link LineTemplates#skeleton(String)} of the template: its words, then one hash. */
  private long skeletonOf(byte[] t, int n) {
    byte[] w = words;
    int o = 0;
    int count = 0;
    int i = 0;
    while (i < n) {
      byte c = t[i];
      int k = CLASS[c & 0xff];
      if (c == '<') {
        int close = placeholderEnd(t, i, n);
        if (close > i) {
          i = close + 1;
          continue;
        }
      }
      if ((k & HIGH) != 0) {
        if (!isLetterOrDigitAt(t, i)) {
          i += charLength(c);
          continue;
        }
      } else if ((k & (LETTER | DIGIT)) == 0) {
        i++;
        continue;
      }
      // A word: letters, digits and '_', counted in characters as String counts them.
      int j = i;
      int chars = 0;
      boolean digit = false;
      while (j < n) {
        int m = CLASS[t[j] & 0xff];
        if ((m & WORD) != 0) {
          digit |= (m & DIGIT) != 0;
          j++;
        } else if ((m & HIGH) != 0 && isLetterOrDigitAt(t, j)) {
          digit |= Character.isDigit((char) codePoint(t, j));
          j += charLength(t[j]);
        } else {
          break;
        }
        chars++;
      }
      if (!digit && chars >= 2) {
        System.arraycopy(t, i, w, o, j - i);
        o += j - i;
        w[o++] = ' ';
        count++;
      }
      i = j;
    }
    return count < LineTemplates.MIN_SKELETON_WORDS ? 0 : LineTemplates.hash(w, o) | 1;
  }

  /**
   * The {@code >} that closes a placeholder opened at {@code i}, at most 6 characters (UTF-16
   * units, as String counts them) on; -1 when there is none.
   */
  private static int placeholderEnd(byte[] t, int i, int n) {
    int units = 0;
    for (int m = i + 1; m < n; ) {
      units += t[m] >= 0 || charLength(t[m]) < 4 ? 1 : 2;
      if (units > 6) {
        return -1;
      }
      if (t[m] == '>') {
        return m;
      }
      m += charLength(t[m]);
    }
    return -1;
  }

  /** The template as text (tests). */
  String text() {
    return new String(out, 0, length, java.nio.charset.StandardCharsets.UTF_8);
  }

  /**
   * Where {@link LineCleaner#stripPrefix} starts the line's own text once its GitHub timestamp ends
   * at {@code i}: past an {@code ##[group]}-style marker; -1 for a Travis marker line, which has
   * none.
   */
  private int skipMarker(byte[] s, int i, int n) {
    if (i + 3 <= n && s[i] == '#' && s[i + 1] == '#' && s[i + 2] == '[') {
      int found = indexOf(s, i, n, (byte) ']');
      int close = found < n ? found : -1;
      if (close > 0 && firstHigh < close) {
        return UNSURE; // the marker's length in characters is not its length in bytes
      }
      if (close > 0 && close - i < 24) {
        i = close + 1;
      }
    }
    if (startsWith(s, n, i, TRAVIS)) {
      return -1;
    }
    return i;
  }

  private static final byte[] TRAVIS = {'t', 'r', 'a', 'v', 'i', 's', '_'};

  private static boolean startsWith(byte[] s, int n, int at, byte[] prefix) {
    if (n - at < prefix.length) {
      return false;
    }
    for (int k = 0; k < prefix.length; k++) {
      if (s[at + k] != prefix[k]) {
        return false;
      }
    }
    return true;
  }

  /** {@link LineCleaner#skipIsoTimestamp} at the line's start, on bytes. */
  private int skipIsoTimestamp(byte[] s, int i, int n) {
    examined = i;
    if (n - i < 20) {
      return i;
    }
    for (int k = i; k < i + 4; k++) {
      if (s[k] < 0 && !Character.isDigit(codePoint(s, k))) {
        // Not a digit for String either, and what came before was one byte a character.
        examined = k;
        return i;
      }
      examined = k + 1;
      if (!isDigit(s[k])) {
        return i;
      }
    }
    examined = i + 5;
    if (s[i + 4] != '-') {
      return i;
    }
    examined = i + 11;
    if (s[i + 10] != 'T') {
      return i;
    }
    int j = i + 19;
    examined = j;
    if (j < n && s[j] == '.') {
      j++;
      while (j < n && isDigit(s[j])) {
        j++;
      }
    }
    examined = Math.max(examined, Math.min(n, j + 1));
    if (j < n && s[j] == 'Z') {
      j++;
    } else if (j + 6 <= n && (s[j] == '+' || s[j] == '-') && s[j + 3] == ':') {
      examined = Math.min(n, j + 7);
      j += 6;
    } else if (j + 6 <= n) {
      examined = Math.min(n, j + 7);
    }
    examined = Math.max(examined, Math.min(n, j + 1));
    if (j < n && s[j] == ' ') {
      return j + 1;
    }
    return j == n ? j : i;
  }

  /** {@link LineCleaner#skipIsoTimestamp} on the bytes of a raw line. */
  private static int isoTimestampEnd(byte[] s, int i, int n) {
    if (n - i < 20 || !isDigits(s, i, 4) || s[i + 4] != '-' || s[i + 10] != 'T') {
      return i;
    }
    int j = i + 19;
    if (j < n && s[j] == '.') {
      j++;
      while (j < n && isDigit(s[j])) {
        j++;
      }
    }
    if (j < n && s[j] == 'Z') {
      j++;
    } else if (j + 6 <= n && (s[j] == '+' || s[j] == '-') && s[j + 3] == ':') {
      j += 6;
    }
    if (j < n && s[j] == ' ') {
      return j + 1;
    }
    return j == n ? j : i;
  }

  private static boolean isDigits(byte[] s, int at, int count) {
    for (int k = at; k < at + count; k++) {
      if (!isDigit(s[k])) {
        return false;
      }
    }
    return true;
  }

  /** {@link Normalizer#normalize}'s loop over {@code s[from, to)}, written to {@code out}. */
  private int normalize(byte[] s, int from, int to) {
    byte[] out = this.out;
    int o = 0;
    int i = from;
    boolean space = false;
    while (i < to) {
      byte c = s[i];
      int k = CLASS[c & 0xff];
      int first = 1;
      if ((k & HIGH) != 0) {
        // A character outside ASCII: a space, a letter or digit (a token's), or anything else.
        int cp = codePoint(s, i);
        first = charLength(c);
        boolean bmp = cp < 0x10000;
        if (bmp && Character.isWhitespace((char) cp)) {
          k = SPACE;
        } else if (bmp && Character.isLetterOrDigit((char) cp)) {
          k = TOKEN | HIGH;
        } else {
          k = 0;
        }
      }
      if ((k & SPACE) != 0) {
        space = true;
        i += first;
        continue;
      }
      if (space && o > 0) {
        out[o++] = ' ';
      }
      space = false;
      if ((k & TOKEN) != 0) {
        int seen = k;
        int j = i + first;
        while (j < to) {
          int m = CLASS[s[j] & 0xff];
          if ((m & TOKEN) != 0) {
            seen |= m;
            j++;
          } else if ((m & HIGH) != 0 && isLetterOrDigitAt(s, j)) {
            seen |= HIGH;
            j += charLength(s[j]);
          } else {
            break;
          }
        }
        if ((seen & DASH) != 0 && !dashes) {
          dashes = hasFiveDashes(s, i, j);
        }
        if ((seen & (DIGIT | SEPARATOR)) == 0) {
          // No digit and no path separator: the token is kept as it is.
          System.arraycopy(s, i, out, o, j - i);
          o += j - i;
        } else if ((seen & HIGH) != 0) {
          return -1; // counted in characters by the String path
        } else {
          int end = j;
          while (end > i + 1 && (CLASS[s[end - 1] & 0xff] & TRAILING) != 0) {
            end--;
          }
          o = token(s, i, end, out, o);
          for (int m = end; m < j; m++) {
            out[o++] = s[m];
          }
        }
        i = j;
      } else {
        System.arraycopy(s, i, out, o, first);
        o += first;
        i += first;
      }
    }
    return o;
  }

  private static boolean isLetterOrDigitAt(byte[] s, int i) {
    int cp = codePoint(s, i);
    return cp < 0x10000 && Character.isLetterOrDigit((char) cp);
  }

  // Character classes of ASCII bytes, as Normalizer asks Character about them.
  private static final int SPACE = 1;
  private static final int TOKEN = 2;
  private static final int DIGIT = 4;
  private static final int LETTER = 8;
  private static final int SEPARATOR = 16;
  private static final int TRAILING = 32;
  private static final int DASH = 64;
  // Letters, digits and '_': what a skeleton's word is made of.
  private static final int WORD = 128;
  // The first or a later byte of a character outside ASCII.
  private static final int HIGH = 256;
  private static final int[] CLASS = classes();

  // Per byte, what it adds to a token's counts: digits, hex digits, letters and separators in
  // COUNT_A's 16-bit lanes, dots, colons and dashes in COUNT_B's (tokens are at most 16 KiB).
  static final long[] COUNT_A = new long[256];
  static final long[] COUNT_B = new long[256];

  /** What a letter adds to COUNT_A's lanes. */
  static final long LETTER_COUNT = 1L << 32;

  static {
    for (int c = '0'; c <= '9'; c++) {
      COUNT_A[c] = 1L | 1L << 16;
    }
    for (int c = 'a'; c <= 'z'; c++) {
      boolean hexLetter = c <= 'f';
      COUNT_A[c] = 1L << 32 | (hexLetter ? 1L << 16 : 0);
      COUNT_A[c - 'a' + 'A'] = COUNT_A[c];
    }
    COUNT_A['/'] = 1L << 48;
    COUNT_A['\\'] = 1L << 48;
    COUNT_B['.'] = 1L;
    COUNT_B[':'] = 1L << 16;
    COUNT_B['-'] = 1L << 32;
  }

  private static int[] classes() {
    int[] t = new int[256];
    t[' '] = SPACE;
    t['\t'] = SPACE;
    for (int c = '0'; c <= '9'; c++) {
      t[c] = (TOKEN | DIGIT | WORD);
    }
    for (int c = 'a'; c <= 'z'; c++) {
      t[c] = (TOKEN | LETTER | WORD);
      t[c - 'a' + 'A'] = (TOKEN | LETTER | WORD);
    }
    t['_'] = (TOKEN | WORD);
    for (char c : new char[] {'@', '+', '~'}) {
      t[c] = TOKEN;
    }
    t['/'] = TOKEN | SEPARATOR;
    t['\\'] = TOKEN | SEPARATOR;
    t['.'] = TOKEN | TRAILING;
    t[':'] = TOKEN | TRAILING;
    t['-'] = TOKEN | TRAILING | DASH;
    for (int c = 0x80; c < 0x100; c++) {
      t[c] = HIGH;
    }
    return t;
  }

  private static final byte[] PATH = placeholder("<path>");
  private static final byte[] UUID = placeholder("<uuid>");
  private static final byte[] HEX = placeholder("<hex>");
  private static final byte[] HASH = placeholder("<hash>");
  private static final byte[] TS = placeholder("<ts>");
  private static final byte[] IP = placeholder("<ip>");
  private static final byte[] TIME = placeholder("<time>");
  private static final byte[] N = placeholder("<n>");
  private static final byte[] DUR = placeholder("<dur>");

  private static byte[] placeholder(String p) {
    return p.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }

  private static int put(byte[] out, int o, byte[] p) {
    System.arraycopy(p, 0, out, o, p.length);
    return o + p.length;
  }

  /** Normalizer's token rule on bytes: the same placeholders in the same order of tests. */
  private int token(byte[] s, int from, int to, byte[] out, int o) {
    int len = to - from;
    // Seven counts in 16-bit lanes of two longs, one table look-up per byte and no branch.
    long a = 0;
    long b = 0;
    for (int k = from; k < to; k++) {
      int c = s[k] & 0xff;
      a += COUNT_A[c];
      b += COUNT_B[c];
    }
    int digits = (int) (a & 0xffff);
    int hex = (int) ((a >>> 16) & 0xffff);
    int letters = (int) ((a >>> 32) & 0xffff);
    int seps = (int) (a >>> 48);
    int dots = (int) (b & 0xffff);
    int colons = (int) ((b >>> 16) & 0xffff);
    int dashes = (int) ((b >>> 32) & 0xffff);
    if (seps >= 2 || (seps == 1 && len > 1 && (s[from] == '/' || s[from] == '\\') && letters > 0)) {
      return put(out, o, PATH);
    }
    if (digits == 0) {
      System.arraycopy(s, from, out, o, len);
      return o + len;
    }
    if (len == 36 && dashes == 4 && hex == 32) {
      return put(out, o, UUID);
    }
    if (len > 2 && s[from] == '0' && (s[from + 1] == 'x' || s[from + 1] == 'X') && hex == len - 1) {
      return put(out, o, HEX);
    }
    if (hex == len && len >= 12) {
      return put(out, o, HASH);
    }
    if (digits >= 8 && (dashes >= 2 || colons >= 2) && letters <= 2) {
      return put(out, o, TS);
    }
    if (dots == 3 && letters == 0 && dashes == 0 && digits + dots + colons == len) {
      return put(out, o, IP);
    }
    if (colons >= 1 && letters == 0 && dashes == 0 && dots <= 1 && digits + dots + colons == len) {
      return put(out, o, TIME);
    }
    if (letters == 0 && dashes == 0 && colons == 0 && digits + dots == len) {
      return put(out, o, N);
    }
    if (isDuration(s, from, to)) {
      return put(out, o, DUR);
    }
    return maskNumbersInside(s, from, to, out, o);
  }

  private static boolean isDuration(byte[] s, int from, int to) {
    int k = from;
    while (k < to && (isDigit(s[k]) || s[k] == '.')) {
      k++;
    }
    if (k == from || k == to) {
      return false;
    }
    int n = to - k;
    byte a = s[k];
    byte b = n > 1 ? s[k + 1] : 0;
    return switch (n) {
      case 1 -> a == 's' || a == 'm' || a == 'h';
      case 2 -> (b == 's' && (a == 'm' || a == 'u' || a == 'n'));
      case 3 ->
          (a == 's' && b == 'e' && s[k + 2] == 'c') || (a == 'm' && b == 'i' && s[k + 2] == 'n');
      case 4 ->
          (a == 's' && b == 'e' && s[k + 2] == 'c' && s[k + 3] == 's')
              || (a == 'm' && b == 'i' && s[k + 2] == 'n' && s[k + 3] == 's');
      default -> false;
    };
  }

  private int maskNumbersInside(byte[] s, int from, int to, byte[] out, int o) {
    int k = from;
    while (k < to) {
      byte c = s[k];
      if (isDigit(c) && (k == from || !isLetterOrDigit(s[k - 1]))) {
        int e = k;
        while (e < to && isDigit(s[e])) {
          e++;
        }
        if (e == to || !isLetter(s[e])) {
          o = put(out, o, N);
          k = e;
          continue;
        }
      }
      if (isDigit(c)) {
        keptDigits = true;
        keep(k);
      }
      out[o++] = c;
      k++;
    }
    return o;
  }

  private static boolean isSpace(byte c) {
    return (CLASS[c & 0xff] & SPACE) != 0;
  }

  private static boolean isDigit(byte c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isLetter(byte c) {
    return (CLASS[c & 0xff] & LETTER) != 0;
  }

  private static boolean isLetterOrDigit(byte c) {
    return (CLASS[c & 0xff] & (LETTER | DIGIT)) != 0;
  }
}
