package dev.destill.core.stats;

import java.time.Instant;
import java.util.Objects;

/** The rows the statistics answer with. Records, compared by value. */
public final class StatsRows {
  private StatsRows() {}

  /** Lines and error lines of one source in one time bucket starting at {@code bucket}. */
  public record Volume(String source, Instant bucket, long lines, long errors) {
    public Volume {
      Objects.requireNonNull(source, "source");
      Objects.requireNonNull(bucket, "bucket");
    }
  }

  /** Lines and error lines of one source over a whole window. */
  public record Total(String source, long lines, long errors) {
    public Total {
      Objects.requireNonNull(source, "source");
    }

    /** Errors per line, 0 without lines. */
    public double errorRate() {
      return lines == 0 ? 0.0 : (double) errors / lines;
    }
  }

  /** How often one template of one source occurred in a window, and how often at error level. */
  public record Template(String source, String template, long lines, long errors) {
    public Template {
      Objects.requireNonNull(source, "source");
      Objects.requireNonNull(template, "template");
    }
  }

  /** A template first seen at {@code firstSeen} (within the retained counts), with its lines. */
  public record NewTemplate(String source, String template, Instant firstSeen, long lines) {
    public NewTemplate {
      Objects.requireNonNull(source, "source");
      Objects.requireNonNull(template, "template");
      Objects.requireNonNull(firstSeen, "firstSeen");
    }
  }

  /** A source whose error rate in the last hour rose against the hour before. */
  public record Spike(String source, Total lastHour, Total previousHour, double factor) {
    public Spike {
      Objects.requireNonNull(source, "source");
      Objects.requireNonNull(lastHour, "lastHour");
      Objects.requireNonNull(previousHour, "previousHour");
    }
  }
}
