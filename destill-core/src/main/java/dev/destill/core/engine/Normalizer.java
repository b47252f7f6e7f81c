package dev.destill.core.engine;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Masks the parts of a message that change from build to build, so the same failure hashes the
 * same everywhere: timestamps, UUIDs, hex addresses, long hashes, paths, IPs, ports, durations and
 * numbers. Thread-safe.
 *
 * <p>Two levels: {@link #normalize} (for hashing and recurrence) and {@link #present} (for display
 * and grouping on screen: keeps file names with their line numbers).
 */
public final class Normalizer {
  private record Step(Pattern pattern, String replacement) {}

  private static final Pattern TIMESTAMP =
      Pattern.compile(
          "\\d{4}-\\d{2}-\\d{2}[T ]\\d{2}:\\d{2}:\\d{2}(?:[.,]\\d{1,9})?(?:Z|[+-]\\d{2}:?\\d{2})?");
  private static final Pattern CLOCK = Pattern.compile("\\b\\d{1,2}:\\d{2}:\\d{2}(?:[.,]\\d{1,9})?\\b");
  private static final Pattern UUID =
      Pattern.compile("\\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\\b");
  private static final Pattern HEX_ADDR = Pattern.compile("\\b0x[0-9a-fA-F]{1,16}\\b");
  private static final Pattern LONG_HASH = Pattern.compile("\\b[0-9a-fA-F]{12,128}\\b");
  private static final Pattern IP = Pattern.compile("\\b\\d{1,3}(?:\\.\\d{1,3}){3}(?::\\d{1,5})?\\b");
  private static final Pattern HOST_PORT = Pattern.compile("(?<=[a-zA-Z\\]]):\\d{2,5}\\b");
  private static final Pattern DURATION =
      Pattern.compile("\\b\\d+(?:\\.\\d+)?\\s?(?:ms|s|sec|secs|seconds|m|min|mins|minutes|h|hours|µs|us|ns)\\b");
  private static final Pattern PATH = Pattern.compile("(?:[A-Za-z]:)?(?:[\\\\/][\\w.@+~-]{1,128}){2,64}");
  private static final Pattern PATH_FILE_LINE =
      Pattern.compile("(?:[A-Za-z]:)?(?:[\\\\/][\\w.@+~-]{1,128}){0,63}[\\\\/]([\\w.@+~-]{1,128})");
  private static final Pattern NUMBER = Pattern.compile("\\b\\d+(?:\\.\\d+)?\\b");
  private static final Pattern SPACES = Pattern.compile("\\s+");

  private static final List<Step> HASH_STEPS =
      List.of(
          new Step(TIMESTAMP, "<ts>"),
          new Step(CLOCK, "<time>"),
          new Step(UUID, "<uuid>"),
          new Step(HEX_ADDR, "<hex>"),
          new Step(LONG_HASH, "<hash>"),
          new Step(IP, "<ip>"),
          new Step(HOST_PORT, ":<port>"),
          new Step(DURATION, "<dur>"),
          new Step(PATH, "<path>"),
          new Step(NUMBER, "<n>"),
          new Step(SPACES, " "));

  private static final List<Step> PRESENT_STEPS =
      List.of(
          new Step(TIMESTAMP, "<ts>"),
          new Step(CLOCK, "<time>"),
          new Step(UUID, "<uuid>"),
          new Step(HEX_ADDR, "<hex>"),
          new Step(LONG_HASH, "<hash>"),
          new Step(IP, "<ip>"),
          new Step(DURATION, "<dur>"),
          new Step(PATH_FILE_LINE, "$1"),
          new Step(SPACES, " "));

  private Normalizer() {}

  /** The message with every volatile part masked; the input of the finding hash. */
  public static String normalize(String message) {
    String s = LineCleaner.stripDecorations(message);
    for (Step step : HASH_STEPS) {
      s = step.pattern.matcher(s).replaceAll(step.replacement);
    }
    return s.strip();
  }

  /** The message with ids and times masked but file names and line numbers kept. */
  public static String present(String message) {
    String s = LineCleaner.stripDecorations(message);
    for (Step step : PRESENT_STEPS) {
      s = step.pattern.matcher(s).replaceAll(step.replacement);
    }
    return s.strip();
  }
}
