package dev.destill.core.engine;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What a user is told when a job had more distinct findings than it keeps ({@link
 * ScanOptions#maxDistinct}): chunks, the bounded store and ranking each may leave some out, but the
 * report says it once per job, in plain words. The one place these warnings are worded. Pure.
 */
public final class CapWarning {
  private static final String CHUNK_MARK = " weaker ones were only counted";

  private CapWarning() {}

  /** The warning of one chunk that left {@code dropped} findings out. */
  public static String chunk(String job, int kept, long from, long to, long dropped) {
    return job
        + ": kept the "
        + kept
        + " strongest distinct findings of lines "
        + from
        + "-"
        + to
        + "; "
        + dropped
        + CHUNK_MARK;
  }

  /** True for a chunk's cap warning, which the report folds into one {@link #summary}. */
  public static boolean isChunk(String warning) {
    return warning.endsWith(CHUNK_MARK);
  }

  /** The report's one warning for a job that left findings out. */
  public static String summary(String job) {
    return job
        + ": more than "
        + ScanOptions.defaults().maxDistinct()
        + " different errors; the strongest of each kind are shown, the rest were counted "
        + "but not kept";
  }

  /**
   * {@code warnings} with the chunks' cap warnings replaced by one {@link #summary} per job that
   * left findings out ({@code capped}, and the jobs of those chunk warnings), after the others.
   */
  public static List<String> merge(
      List<String> warnings, Collection<String> capped, Collection<String> jobs) {
    List<String> out = new ArrayList<>();
    Set<String> jobsCapped = new LinkedHashSet<>();
    for (String w : warnings) {
      if (isChunk(w)) {
        for (String job : jobs) {
          if (w.startsWith(job + ": ")) {
            jobsCapped.add(job);
          }
        }
      } else if (!out.contains(w)) {
        out.add(w);
      }
    }
    jobsCapped.addAll(capped);
    for (String job : jobsCapped) {
      out.add(summary(job));
    }
    return out;
  }
}
