package dev.destill.core.provider;

import java.util.Objects;

/** What an analysis compares failed jobs with: nothing, the last green build, or a given one. */
public sealed interface BaselineChoice {
  /** No baseline ({@code --no-baseline}). */
  record None() implements BaselineChoice {}

  /**
   * The last green build of the same pipeline or workflow, for a build URL; nothing for local files
   * ({@code --baseline auto}, the default).
   */
  record Auto() implements BaselineChoice {}

  /** A passing log file ({@code .gz} too), a directory of them, or a passing build's URL. */
  record Given(String target) implements BaselineChoice {
    public Given {
      Objects.requireNonNull(target, "target");
      if (target.isBlank()) {
        throw new IllegalArgumentException("an empty baseline");
      }
    }
  }

  BaselineChoice NONE = new None();
  BaselineChoice AUTO = new Auto();

  /** The choice {@code --baseline VALUE} names: {@code auto}, or a file, directory or URL. */
  static BaselineChoice parse(String value) {
    return value.equals("auto") ? AUTO : new Given(value);
  }
}
