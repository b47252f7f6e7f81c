package dev.destill.core.model;

import java.util.Objects;

/**
 * One job of a stored request, as the ingest agent saw it.
 *
 * @param info id, name, state, exit status
 * @param chunks how many log chunks the job was cut into (0 without a log)
 * @param lines lines of its log
 * @param bytes bytes of its log
 */
public record JobRecord(JobInfo info, int chunks, long lines, long bytes) {
  public JobRecord {
    Objects.requireNonNull(info, "info");
    if (chunks < 0 || lines < 0 || bytes < 0) {
      throw new IllegalArgumentException("job counts must not be negative");
    }
  }
}
