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

  /**
   * Local files the submitter read itself and published as template sets of the request ({@code
   * file:NAME} on the baselines topic), for agents that cannot read the submitter's files: {@code
   * destill submit --baseline FILE|DIR}.
   *
   * @param source the file or directory given, for display
   * @param files the files' names (without {@code .gz}), paired with the failed jobs by name
   * @param single a single file: every failed job is compared with it
   */
  record Uploaded(String source, java.util.List<String> files, boolean single)
      implements BaselineChoice {
    public Uploaded {
      Objects.requireNonNull(source, "source");
      files = java.util.List.copyOf(files);
      if (single && files.size() != 1) {
        throw new IllegalArgumentException("a single uploaded baseline is one file");
      }
    }

    /** The name of file {@code name}'s template set within the request. */
    public static String set(String name) {
      return "file:" + name;
    }
  }

  BaselineChoice NONE = new None();
  BaselineChoice AUTO = new Auto();

  /** The choice {@code --baseline VALUE} names: {@code auto}, or a file, directory or URL. */
  static BaselineChoice parse(String value) {
    return value.equals("auto") ? AUTO : new Given(value);
  }
}
