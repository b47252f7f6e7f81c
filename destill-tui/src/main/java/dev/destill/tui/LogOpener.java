package dev.destill.tui;

import dev.destill.core.model.Finding;
import java.nio.file.Path;
import java.util.Optional;

/** Finds the full log of a finding's job on disk, for opening it in a pager. */
@FunctionalInterface
public interface LogOpener {
  LogOpener NONE = f -> Optional.empty();

  /** The log file of the finding's job, when there is a local copy. */
  Optional<Path> logOf(Finding finding);
}
