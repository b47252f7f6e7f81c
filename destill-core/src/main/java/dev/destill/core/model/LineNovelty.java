package dev.destill.core.model;

/**
 * How many lines of a failed job the baseline shows ({@code known}) and how many it does not
 * ({@code fresh}), as the analysis counted them (a line only nearly known counts as the scoring
 * policy says).
 */
public record LineNovelty(long known, long fresh) {
  /** No lines. */
  public static final LineNovelty NONE = new LineNovelty(0, 0);

  public LineNovelty {
    if (known < 0 || fresh < 0) {
      throw new IllegalArgumentException("line counts must not be negative");
    }
  }

  /** Both counts added. */
  public LineNovelty plus(LineNovelty o) {
    return new LineNovelty(known + o.known, fresh + o.fresh);
  }
}
