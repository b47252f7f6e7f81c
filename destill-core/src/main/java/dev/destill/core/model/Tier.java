package dev.destill.core.model;

/**
 * How strongly a finding explains the failure. {@link Finding#tier()} keeps the number (1, 2, 3)
 * that the JSON contract and the stores carry; {@link Finding#tierLevel()} gives this type.
 */
public enum Tier {
  /** Likely cause of the failure. */
  LIKELY_CAUSE(1),
  /** Related: consequences, summaries, weaker signals. */
  RELATED(2),
  /** Noise: also seen in passing jobs, or very weak. */
  NOISE(3);

  private final int number;

  Tier(int number) {
    this.number = number;
  }

  /** The tier's number, 1 to 3, as the JSON contract and the stores carry it. */
  public int number() {
    return number;
  }

  /**
   * The tier numbered {@code number}.
   *
   * @throws IllegalArgumentException unless it is 1, 2 or 3
   */
  public static Tier of(int number) {
    return switch (number) {
      case 1 -> LIKELY_CAUSE;
      case 2 -> RELATED;
      case 3 -> NOISE;
      default -> throw new IllegalArgumentException("tier must be 1, 2 or 3, was " + number);
    };
  }
}
