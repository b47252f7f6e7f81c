package dev.destill.core.provider;

import dev.destill.core.model.JobInfo;
import java.util.Map;
import java.util.Objects;

/**
 * One job of a build as the provider knows it.
 *
 * @param info id, name, state, exit status
 * @param hasLog false for jobs that never have a log (waiters, triggers, manual blocks)
 * @param refs provider-specific references (log URL, artifact ids...), opaque to the core
 */
public record BuildJob(JobInfo info, boolean hasLog, Map<String, String> refs) {
  public BuildJob {
    Objects.requireNonNull(info, "info");
    refs = Map.copyOf(refs);
  }
}
