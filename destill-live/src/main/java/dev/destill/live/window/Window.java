package dev.destill.live.window;

import dev.destill.live.record.StreamKey;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A closed window of a stream: the lines around one or more triggers, ready to be analyzed.
 *
 * @param stream the stream
 * @param firstLine the stream's number of the first line (1-based, counted since the stream was
 *     first seen by this process)
 * @param lines the lines, in order, each bounded
 * @param triggers how many lines of the window triggered (at least 1)
 * @param start the time of the first line
 * @param end the time of the last line
 * @param reason why it closed
 */
public record Window(
    StreamKey stream,
    long firstLine,
    List<String> lines,
    int triggers,
    Instant start,
    Instant end,
    Closed reason) {
  public Window {
    Objects.requireNonNull(stream, "stream");
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(end, "end");
    Objects.requireNonNull(reason, "reason");
    lines = List.copyOf(lines);
    if (lines.isEmpty() || triggers < 1 || firstLine < 1) {
      throw new IllegalArgumentException("a window has lines and a trigger");
    }
  }

  /** Why a window closed. */
  public enum Closed {
    /** {@link WindowPolicy#after} lines passed without a trigger. */
    AFTER,
    /** No line for {@link WindowPolicy#quiet}. */
    QUIET,
    /** It reached {@link WindowPolicy#maxLines}. */
    FULL,
    /** Its stream was dropped to stay within {@link WindowPolicy#maxStreams}. */
    EVICTED,
    /** The receiver is stopping. */
    SHUTDOWN
  }
}
