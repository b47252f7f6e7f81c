package dev.destill.core.engine;

/**
 * Where the digits that lines' templates keep lie ({@link ByteTemplate#keptRuns}), by line key: the
 * memos' second level. A line whose template keeps digits ({@code amd64}, {@code I0521}) is
 * memoized by its key and those digits ({@link ByteTemplate#keptKey}); this table says where they
 * are for each key. Direct-mapped: a key that comes back after its slot was taken is templated once
 * more. Not thread-safe.
 */
final class KeptRuns {
  /** Slots: 2^12 keys and their runs, 64 KB. */
  static final int SLOTS = 1 << 12;

  private final long[] keys = new long[SLOTS];
  private final long[] runs = new long[SLOTS];

  /**
   * The second key of a line ({@code n} bytes at {@code buf[off]}) whose key is {@code key}, from
   * the runs noted for that key; 0 when none are.
   */
  long second(long key, byte[] buf, int off, int n) {
    int i = slot(key);
    return keys[i] == key ? ByteTemplate.keptKey(buf, off, n, key, runs[i]) : 0;
  }

  /**
   * Notes where the digits that {@code t} just kept of a line with key {@code key} lie, and returns
   * the line's second key; 0 when they do not fit ({@link ByteTemplate#keptRuns}).
   */
  long note(long key, ByteTemplate t, byte[] buf, int off, int n) {
    long r = t.keptRuns();
    long second = r != 0 ? ByteTemplate.keptKey(buf, off, n, key, r) : 0;
    if (second != 0) {
      int i = slot(key);
      keys[i] = key;
      runs[i] = r;
    }
    return second;
  }

  private static int slot(long key) {
    return (int) (key >>> 20) & (SLOTS - 1);
  }
}
