package dev.destill.core.engine;

/**
 * How a {@link LogScanner} reads one log (or one chunk of it).
 *
 * @param firstLine absolute number of the first line fed to the scanner (1 for a whole log)
 * @param ownFrom keep only findings whose first line is at or after this line
 * @param ownTo keep only findings whose first line is at or before this line
 * @param preContext lines kept before a block (15)
 * @param postContext lines kept after a block (30)
 * @param maxBlockLines most lines one finding's block covers
 * @param maxDistinct most distinct findings (by hash) kept for one job; beyond, the weakest go
 */
public record ScanOptions(
    long firstLine,
    long ownFrom,
    long ownTo,
    int preContext,
    int postContext,
    int maxBlockLines,
    int maxDistinct) {

  public ScanOptions {
    if (firstLine < 1
        || ownFrom > ownTo
        || preContext < 0
        || postContext < 0
        || maxBlockLines < 1
        || maxDistinct < 1) {
      throw new IllegalArgumentException("invalid scan options");
    }
  }

  /** A whole log: every finding is kept. */
  public static ScanOptions defaults() {
    return new ScanOptions(1, 1, Long.MAX_VALUE, 15, 30, 60, 500);
  }

  /**
   * One chunk of a log whose first line is {@code firstLine}; findings starting outside {@code
   * [ownFrom, ownTo]} belong to a neighbouring chunk and are dropped.
   */
  public static ScanOptions forChunk(long firstLine, long ownFrom, long ownTo) {
    return new ScanOptions(firstLine, ownFrom, ownTo, 15, 30, 60, 500);
  }
}
