package dev.destill.core.explain;

import java.util.Objects;

/**
 * One log line an explanation cites.
 *
 * @param job the job whose log holds the line
 * @param line the 1-based line number in that job's log
 */
public record EvidenceLine(String job, long line) {
  public EvidenceLine {
    Objects.requireNonNull(job, "job");
  }
}
