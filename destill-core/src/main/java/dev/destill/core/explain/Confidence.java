package dev.destill.core.explain;

import java.util.Locale;
import java.util.Optional;

/** How sure the model says it is; {@link #INSUFFICIENT} means "not enough evidence". */
public enum Confidence {
  HIGH,
  MEDIUM,
  LOW,
  INSUFFICIENT;

  /** The wire name: {@code high}, {@code medium}, {@code low} or {@code insufficient}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Reads a model's word for it, leniently ("not enough evidence" is insufficient). */
  public static Optional<Confidence> parse(String text) {
    if (text == null) {
      return Optional.empty();
    }
    String t = text.trim().toLowerCase(Locale.ROOT);
    if (t.startsWith("insufficient") || t.startsWith("not enough") || t.equals("none")) {
      return Optional.of(INSUFFICIENT);
    }
    for (Confidence c : values()) {
      if (t.equals(c.wireName())) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }
}
