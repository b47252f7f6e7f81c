package dev.destill.core.model;

import java.time.Instant;
import java.util.Objects;

/**
 * What the store knows of a finding's hash from earlier builds: in how many of the builds it
 * remembers the hash occurred, out of how many, and when it was first and last seen.
 */
public record History(int buildsSeen, int buildsKnown, Instant firstSeen, Instant lastSeen) {
  public History {
    Objects.requireNonNull(firstSeen, "firstSeen");
    Objects.requireNonNull(lastSeen, "lastSeen");
    if (buildsSeen < 0 || buildsKnown < buildsSeen) {
      throw new IllegalArgumentException("buildsSeen must be in 0.." + buildsKnown);
    }
  }

  /** True when no earlier build had this hash. */
  public boolean isNew() {
    return buildsSeen == 0;
  }
}
