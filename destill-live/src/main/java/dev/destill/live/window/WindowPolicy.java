package dev.destill.live.window;

import java.time.Duration;
import java.util.Objects;

/**
 * The limits of windows, in one place: how much of a stream is kept and when a window closes.
 *
 * @param before lines kept before the line that opens a window
 * @param after lines after the last trigger that close a window when none of them triggers
 * @param maxLines the most lines of one window; a window that reaches it closes (the next trigger
 *     opens another)
 * @param quiet a window with no new line for this long closes
 * @param maxStreams streams followed at once; past it the stream least recently seen is dropped
 *     (its open window closed first)
 * @param maxLineChars the most characters of one line that are kept
 */
public record WindowPolicy(
    int before, int after, int maxLines, Duration quiet, int maxStreams, int maxLineChars) {
  public WindowPolicy {
    Objects.requireNonNull(quiet, "quiet");
    if (before < 0 || after < 0 || maxLines < 1 || maxStreams < 1 || maxLineChars < 16) {
      throw new IllegalArgumentException("inconsistent window policy");
    }
    if (quiet.isNegative() || quiet.isZero()) {
      throw new IllegalArgumentException("quiet must be positive");
    }
  }

  /**
   * 20 lines before, 30 after, at most 2,000 lines or 5 s of quiet, 10,000 streams, lines cut at
   * 2,048 characters: at most about 20 × 2 KiB per idle stream, and the engine's context (15 lines
   * before a block, 30 after) fits.
   */
  public static WindowPolicy defaults() {
    return new WindowPolicy(20, 30, 2_000, Duration.ofSeconds(5), 10_000, 2_048);
  }

  public WindowPolicy withMaxStreams(int streams) {
    return new WindowPolicy(before, after, maxLines, quiet, streams, maxLineChars);
  }
}
