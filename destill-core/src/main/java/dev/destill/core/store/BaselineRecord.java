package dev.destill.core.store;

import dev.destill.core.model.LineNovelty;
import java.util.Objects;
import java.util.Optional;

/**
 * The baseline a stored request compared its failed jobs with, and what the analysis counted.
 *
 * @param source the passing build's URL or the file or directory given; empty when none was found
 * @param note how it was chosen ({@code last green build on main}) or why there is none
 * @param jobs failed jobs that had a baseline to compare with (those with counted lines)
 * @param lines their lines known to the baseline and new, summed over every analyzed chunk
 */
public record BaselineRecord(Optional<String> source, String note, int jobs, LineNovelty lines) {
  public BaselineRecord {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(note, "note");
    Objects.requireNonNull(lines, "lines");
    if (jobs < 0) {
      throw new IllegalArgumentException("jobs must not be negative");
    }
  }
}
