package dev.destill.live.window;

import dev.destill.core.engine.Match;
import dev.destill.core.engine.Rules;
import dev.destill.core.model.Severity;
import dev.destill.live.record.LiveRecord;
import java.util.Optional;

/**
 * Whether a record opens (or extends) a window: an error-level record, or a line the engine's rules
 * call an error. Thread-safe.
 */
public final class Trigger {
  private final Rules rules;

  public Trigger(Rules rules) {
    this.rules = rules;
  }

  /** The built-in rules. */
  public static Trigger standard() {
    return new Trigger(Rules.standard());
  }

  public boolean fires(LiveRecord r) {
    if (r.level().isError()) {
      return true;
    }
    // The byte-level keywords first: most lines are turned down without any regex.
    String body = r.body();
    if (!rules.prefilter().matches(body)) {
      return false;
    }
    String line =
        body.length() > Rules.MAX_MATCH_CHARS ? body.substring(0, Rules.MAX_MATCH_CHARS) : body;
    Optional<Match> m = rules.match(line, false);
    return m.isPresent() && m.get().severity() != Severity.WARNING;
  }
}
