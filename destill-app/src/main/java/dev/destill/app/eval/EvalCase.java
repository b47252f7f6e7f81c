package dev.destill.app.eval;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One labeled failed log: its id and source, the log (gzipped or plain, relative to the cases
 * file), an optional passing log of the same job, and the gold line ranges that explain the failure
 * (1-based, inclusive), and the language of its repository when known.
 */
public record EvalCase(
    String id,
    String source,
    String log,
    Optional<String> baseline,
    List<long[]> gold,
    Optional<String> language) {
  public EvalCase {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(log, "log");
    Objects.requireNonNull(baseline, "baseline");
    Objects.requireNonNull(language, "language");
    gold = List.copyOf(gold);
  }

  public EvalCase(
      String id, String source, String log, Optional<String> baseline, List<long[]> gold) {
    this(id, source, log, baseline, gold, Optional.empty());
  }

  /**
   * The repository the log comes from, as far as the id tells: {@code owner__name} of {@code
   * source/owner__name__build}, {@code name} of {@code source/breakages__name_build}, and the case
   * name without its trailing number otherwise. Cases of one repository are never split between
   * training and held-out sets.
   */
  public String repository() {
    String name = id.substring(id.indexOf('/') + 1);
    if (name.startsWith("breakages__")) {
      return source + "/" + name.substring(11).replaceFirst("_\\d+$", "");
    }
    int last = name.lastIndexOf("__");
    if (source.equals("logchunks") && last > 0) {
      return source + "/" + name.substring(0, last);
    }
    return source
        + "/"
        + name.replaceFirst("^(?:v2__)?(?:dev|stress)__", "").replaceFirst("-(?:v2-)?\\d+$", "");
  }

  /** The ecosystem to report figures by: the repository's language, else its source. */
  public String ecosystem() {
    return language.orElse("(" + source + ")");
  }
}
