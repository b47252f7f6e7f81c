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

  /** The runs put for {@code key}, 0 when there are none. */
  long get(long key) {
    int i = slot(key);
    return keys[i] == key ? runs[i] : 0;
  }

  /** Notes where the kept digits of {@code key}'s lines are. */
  void put(long key, long r) {
    int i = slot(key);
    keys[i] = key;
    runs[i] = r;
  }

  private static int slot(long key) {
    return (int) (key >>> 20) & (SLOTS - 1);
  }
}
