package dev.destill.core.engine;

import dev.destill.core.model.Finding;
import java.util.List;

/**
 * What part a finding plays in explaining a failure. Ranking decides by role; the role travels with
 * a finding as its first matching signal (findings cross process boundaries as plain records), and
 * {@link #of} is the one place that reads it back.
 */
public enum Role {
  /** A line that may say why the build failed. */
  CAUSE("cause"),
  /** A line that only repeats that something failed: exit summaries, BUILD FAILURE. */
  CONSEQUENCE("consequence"),
  /** The output before the failing command's exit, with the exit line. */
  OUTPUT_BEFORE_EXIT("output-before-exit"),
  /** The end of a log with no other explanation; only shown when nothing better exists. */
  END_OF_LOG("end-of-log");

  private final String signal;

  Role(String signal) {
    this.signal = signal;
  }

  /** The signal that marks the role on a finding ({@link #CAUSE} has none). */
  public String signal() {
    return signal;
  }

  /** The role of a finding. */
  public static Role of(Finding f) {
    return of(f.signals());
  }

  static Role of(List<String> signals) {
    if (signals.contains(END_OF_LOG.signal)) {
      return END_OF_LOG;
    }
    if (signals.contains(OUTPUT_BEFORE_EXIT.signal)) {
      return OUTPUT_BEFORE_EXIT;
    }
    if (signals.contains(CONSEQUENCE.signal)) {
      return CONSEQUENCE;
    }
    return CAUSE;
  }
}
