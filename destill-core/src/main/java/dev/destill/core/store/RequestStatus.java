package dev.destill.core.store;

import java.util.Locale;

/** Where an analysis request is in its life. */
public enum RequestStatus {
  PENDING,
  INGESTING,
  ANALYZING,
  COMPLETE,
  /** Finished, but a part could not be read or analyzed: the warnings say which. */
  INCOMPLETE,
  FAILED;

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  public boolean isFinal() {
    return this == COMPLETE || this == INCOMPLETE || this == FAILED;
  }

  /**
   * Where a request is, from what a store knows of it: failed when any agent gave up on it,
   * complete once every job was ingested and every chunk analyzed (incomplete when a part of it
   * could not be), analyzing once chunks are being analyzed or all are published, ingesting once
   * its build was resolved.
   */
  public static RequestStatus derive(
      boolean failed,
      boolean resolved,
      boolean ingested,
      int chunksTotal,
      int chunksDone,
      boolean incomplete) {
    if (failed) {
      return FAILED;
    }
    if (ingested && chunksDone >= chunksTotal) {
      return incomplete ? INCOMPLETE : COMPLETE;
    }
    if (ingested || chunksDone > 0) {
      return ANALYZING;
    }
    return resolved ? INGESTING : PENDING;
  }
}
