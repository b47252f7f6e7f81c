package dev.destill.app.analysis;

import java.util.Objects;
import java.util.Optional;

/**
 * Which baseline an analysis compared failed jobs with, and what it found.
 *
 * @param source the passing build's URL or the file or directory given; empty when none was found
 * @param note how it was chosen ({@code last green build on main}) or why there is none
 * @param jobs failed jobs that had a baseline to compare with
 * @param known lines of those jobs that the baseline shows too
 * @param fresh lines it does not have
 */
public record BaselineSummary(
    Optional<String> source, String note, int jobs, long known, long fresh) {
  public BaselineSummary {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(note, "note");
  }

  /** What a store holds of a request's baseline. */
  public static BaselineSummary of(dev.destill.core.store.BaselineRecord r) {
    return new BaselineSummary(
        r.source(), r.note(), r.jobs(), r.lines().known(), r.lines().fresh());
  }

  /** True when a baseline was used. */
  public boolean found() {
    return source.isPresent();
  }

  /** One line for people: which baseline, and the lines known and new. */
  public String describe() {
    if (source.isEmpty()) {
      return "baseline: none (" + note + ")";
    }
    return "baseline: "
        + source.get()
        + (note.isEmpty() ? "" : " (" + note + ")")
        + ", "
        + known
        + " lines known, "
        + fresh
        + " new";
  }
}
