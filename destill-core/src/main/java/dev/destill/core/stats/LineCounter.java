package dev.destill.core.stats;

import dev.destill.core.engine.LineCleaner;
import dev.destill.core.engine.Normalizer;
import dev.destill.core.engine.Secrets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Counts the lines of one source as they are read, per minute, stream, level and normalized
 * template, until {@link #drain}. Bounded: at most {@code maxKeys} distinct keys are held between
 * drains; lines of further templates count under {@link #OTHER}. Not thread-safe: one per reader.
 */
public final class LineCounter {
  /** The template of lines counted after the bound was reached. */
  public static final String OTHER = "<other>";

  /** The longest template kept; longer ones are cut. */
  public static final int MAX_TEMPLATE_CHARS = 200;

  private record Key(Instant minute, String stream, Level level, String template) {}

  private final String source;
  private final int maxKeys;
  private final Map<Key, long[]> counts = new HashMap<>();
  private long total;

  public LineCounter(String source, int maxKeys) {
    this.source = Objects.requireNonNull(source, "source");
    if (maxKeys < 1) {
      throw new IllegalArgumentException("maxKeys must be at least 1");
    }
    this.maxKeys = maxKeys;
  }

  /** Counts one line (its text without the line end) of {@code stream} read at {@code at}. */
  public void count(Instant at, String stream, String line) {
    String visible = LineCleaner.visible(line);
    count(at, stream, LineLevels.of(LineCleaner.stripAnsi(visible)), template(visible));
  }

  /** Counts one line whose level and template are known. */
  public void count(Instant at, String stream, Level level, String template) {
    Key k = new Key(at.truncatedTo(ChronoUnit.MINUTES), stream, level, template);
    long[] n = counts.get(k);
    if (n == null) {
      if (counts.size() >= maxKeys) {
        k = new Key(k.minute, stream, level, OTHER);
        n = counts.get(k);
      }
      if (n == null) {
        n = new long[1];
        counts.put(k, n);
      }
    }
    n[0]++;
    total++;
  }

  /** The normalized template of a line, as the statistics group lines. */
  public static String template(String visibleLine) {
    String t = Normalizer.normalize(Secrets.mask(LineCleaner.stripPrefix(visibleLine)));
    return t.length() > MAX_TEMPLATE_CHARS ? t.substring(0, MAX_TEMPLATE_CHARS) : t;
  }

  /** Lines counted since this counter was made. */
  public long total() {
    return total;
  }

  /** Whether nothing is held. */
  public boolean isEmpty() {
    return counts.isEmpty();
  }

  /** The counts held, which are then forgotten. */
  public List<LineCount> drain() {
    List<LineCount> out = new ArrayList<>(counts.size());
    counts.forEach(
        (k, n) -> out.add(new LineCount(k.minute, source, k.stream, k.level, k.template, n[0])));
    counts.clear();
    return out;
  }
}
