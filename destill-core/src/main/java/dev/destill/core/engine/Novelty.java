package dev.destill.core.engine;

import dev.destill.core.model.Finding;
import java.util.List;

/**
 * Whether a finding is new since the baseline (a passing run of the same job). The mark travels
 * with a finding as a signal, as its {@link Role} does; {@link #of} is the one place that reads it
 * back.
 */
public enum Novelty {
  /** A line of the finding is not in the baseline. */
  NEW("new-since-baseline"),
  /** Every line of the finding is in the baseline: it shows in a passing run too. */
  KNOWN("known-in-baseline"),
  /** No baseline was compared for the finding's job. */
  UNKNOWN("");

  /**
   * The signal of an exit summary whose preceding output the baseline printed too: the output
   * before the exit is then no explanation of its own.
   */
  public static final String CONTEXT_KNOWN = "context-known-in-baseline";

  private final String signal;

  Novelty(String signal) {
    this.signal = signal;
  }

  /** The signal that marks a finding ({@link #UNKNOWN} has none). */
  public String signal() {
    return signal;
  }

  /** The lower-case name the outputs use: {@code new}, {@code known} or {@code unknown}. */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  /** The novelty of a finding. */
  public static Novelty of(Finding f) {
    return of(f.signals());
  }

  static Novelty of(List<String> signals) {
    if (signals.contains(NEW.signal)) {
      return NEW;
    }
    if (signals.contains(KNOWN.signal)) {
      return KNOWN;
    }
    return UNKNOWN;
  }
}
